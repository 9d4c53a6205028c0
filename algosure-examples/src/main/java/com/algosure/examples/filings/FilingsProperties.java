package com.algosure.examples.filings;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;

/**
 * The example's own {@code filings.*} properties: where its data files are and how it reaches the authority.
 * The defaults match the realm in {@code algosure-examples/keycloak/realm-algosure.json}.
 *
 * @since 0.1.0
 */
@ConfigurationProperties(prefix = "filings")
public class FilingsProperties {

  private static final DefaultResourceLoader RESOURCES = new DefaultResourceLoader();

  /** The directory JSON: tenants, organizations, memberships and role bindings. */
  private Resource directory = RESOURCES.getResource("classpath:filings/directory.json");

  /** The agent grants JSON. */
  private Resource agentGrants = RESOURCES.getResource("classpath:filings/agent-grants.json");

  /** The consents JSON (which tenant consented to which scope). */
  private Resource consents = RESOURCES.getResource("classpath:filings/consents.json");

  /** How long an approval may be used to submit. */
  private Duration approvalValidity = Duration.ofHours(1);

  /** The largest request body the JSON API accepts; a larger one is refused (413) before it is parsed. */
  private DataSize maxRequestBody = DataSize.ofKilobytes(64);

  /** The authority the filings are submitted to. */
  private final Authority authority = new Authority();

  /** The embedded development issuer. */
  private final DevelopmentIssuer developmentIssuer = new DevelopmentIssuer();

  /** @return the directory JSON */
  public Resource getDirectory() {
    return directory;
  }

  /** @param directory the directory JSON */
  public void setDirectory(Resource directory) {
    this.directory = directory;
  }

  /** @return the agent grants JSON */
  public Resource getAgentGrants() {
    return agentGrants;
  }

  /** @param agentGrants the agent grants JSON */
  public void setAgentGrants(Resource agentGrants) {
    this.agentGrants = agentGrants;
  }

  /** @return the consents JSON */
  public Resource getConsents() {
    return consents;
  }

  /** @param consents the consents JSON */
  public void setConsents(Resource consents) {
    this.consents = consents;
  }

  /** @return how long an approval may be used */
  public Duration getApprovalValidity() {
    return approvalValidity;
  }

  /** @param approvalValidity how long an approval may be used */
  public void setApprovalValidity(Duration approvalValidity) {
    this.approvalValidity = approvalValidity;
  }

  /** @return the largest request body the JSON API accepts */
  public DataSize getMaxRequestBody() {
    return maxRequestBody;
  }

  /** @param maxRequestBody the largest request body the JSON API accepts */
  public void setMaxRequestBody(DataSize maxRequestBody) {
    this.maxRequestBody = maxRequestBody;
  }

  /** @return the authority settings */
  public Authority getAuthority() {
    return authority;
  }

  /** @return the development issuer settings */
  public DevelopmentIssuer getDevelopmentIssuer() {
    return developmentIssuer;
  }

  /** The authority: the in-process stub, or a real one at algosure.providers.authority.endpoint. */
  public static class Authority {

    /** Whether the in-process stub authority answers submissions (no network); false sends them to the endpoint. */
    private boolean stub = true;

    /** The Standard Webhooks secret (whsec_...) the authority signs callbacks with; empty with the stub: a fresh one per start. */
    private @Nullable String webhookSecret;

    /** @return whether the stub answers */
    public boolean isStub() {
      return stub;
    }

    /** @param stub whether the stub answers */
    public void setStub(boolean stub) {
      this.stub = stub;
    }

    /** @return the webhook secret, if set */
    public @Nullable String getWebhookSecret() {
      return webhookSecret;
    }

    /** @param webhookSecret the webhook secret */
    public void setWebhookSecret(@Nullable String webhookSecret) {
      this.webhookSecret = webhookSecret;
    }
  }

  /** The embedded development issuer: on by default when no algosure.issuers are configured, never together with them. */
  public static class DevelopmentIssuer {

    /** Force it on or off; empty: on exactly when no issuer is configured. */
    private @Nullable Boolean enabled;

    /** @return the explicit setting, if any */
    public @Nullable Boolean getEnabled() {
      return enabled;
    }

    /** @param enabled the explicit setting */
    public void setEnabled(@Nullable Boolean enabled) {
      this.enabled = enabled;
    }
  }
}

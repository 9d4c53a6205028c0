package com.algosure.examples.plain;

import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Directory;
import com.algosure.integration.ConsentScope;
import com.algosure.integration.IntegrationGuard;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.IntegrationRequest;
import com.algosure.integration.JsonType;
import com.algosure.integration.JsonValidator;
import com.algosure.integration.ProviderCall;
import com.algosure.integration.ProviderPolicy;
import com.algosure.integration.ProviderResponse;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.InMemoryConsentRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The SDK in plain Java, no Spring: a decision point from the example's role catalogue and an in-memory
 * directory, three decisions, and one call through the integration guard to an in-process provider.
 *
 * <pre>
 * java -cp algosure-examples/target/algosure-examples.jar -Dloader.main=com.algosure.examples.plain.PlainJavaExample \
 *     org.springframework.boot.loader.launch.PropertiesLauncher
 * </pre>
 *
 * @since 0.1.0
 */
public final class PlainJavaExample {

  private PlainJavaExample() {}

  /**
   * @param args none
   * @throws IOException if the role catalogue cannot be read
   */
  public static void main(String[] args) throws IOException {
    run(System.out); // the example's user interface is the console
  }

  /**
   * Runs the example.
   *
   * @param out where to print
   * @return the audit events recorded
   * @throws IOException if the role catalogue cannot be read
   */
  public static InMemoryAuditSink run(PrintStream out) throws IOException {
    RoleCatalog catalog;
    try (InputStream in = PlainJavaExample.class.getResourceAsStream("/filings/roles.json")) {
      catalog = RoleCatalog.fromJson(in);
    }
    Directory directory = Directory.inMemory()
        .organization("acme", "sales").organization("acme", "support")
        .organizationRole("alice", "sales", "filing-clerk").member("alice", "support")
        .build();
    InMemoryAuditSink audit = AuditSink.inMemory();
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(catalog).directory(directory).auditSink(audit).build();

    Actor alice = Actor.user("alice");
    for (String organization : List.of("sales", "support")) {
      AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(alice).organization(organization)
          .action("filings:write").resource(ResourceRef.type("filing")).build());
      out.println("alice writes in " + organization + ": " + d.effect() + " " + d.reasons() + " - " + d.explanation());
    }
    AuthorizationDecision ambiguous = pdp.decide(AuthorizationRequest.builder().actor(alice).action("filings:read")
        .resource(ResourceRef.type("filing")).build());
    out.println("alice reads without an organization: " + ambiguous.effect() + " " + ambiguous.reasons());

    Clock clock = Clock.systemUTC();
    InMemoryConsentRegistry consents = ConsentRegistry.inMemory(clock);
    consents.grant(TenantId.of("acme"), ConsentScope.MAIL, clock.instant().plus(Duration.ofDays(1)));
    IntegrationGuard guard = IntegrationGuard.builder()
        .policyDecisionPoint(PolicyDecisionPoint.builder()
            .roleCatalog(RoleCatalog.builder().permissions("mail:send").role("mailer", "mail:send").build())
            .directory(Directory.inMemory().organization("acme", "sales").organizationRole("alice", "sales", "mailer").build())
            .auditSink(audit).build())
        .provider(ProviderPolicy.builder("mailer").endpoint(URI.create("https://mail.invalid/")).action("mail:send", ConsentScope.MAIL)
            .build())
        .consents(consents)
        .auditSink(audit)
        .build();
    // an in-process provider: a real one would send context.newRequest(...) with context.send(...)
    ProviderCall<JsonNode> send = ProviderCall.of(context -> ProviderResponse.of(200, Map.of(),
        "{\"messageId\":\"m-1\"}".getBytes(StandardCharsets.UTF_8)),
        JsonValidator.builder().require("messageId", JsonType.STRING).build());
    IntegrationRequest request = IntegrationRequest.builder().actor(alice).tenant("acme").organization("sales")
        .provider("mailer").action("mail:send").idempotencyKey("welcome-alice").jsonPayload(Map.of("to", "alice")).build();
    IntegrationOutcome<JsonNode> first = guard.execute(request, send);
    IntegrationOutcome<JsonNode> again = guard.execute(request, send);
    out.println("send a mail: " + first.kind() + ", again with the same key: " + again.kind() + " (no second mail)");
    out.println(audit.events().size() + " audit events recorded");
    return audit;
  }
}

package com.algosure.spring.readme;

import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Directory;
import com.algosure.integration.ConsentScope;
import com.algosure.integration.ProviderResponse;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.InMemoryConsentRegistry;
import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.Authorize;
import com.algosure.spring.GuardedCall;
import com.algosure.spring.GuardedIntegration;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The host of the README's "Spring Boot quick start" (see {@link ReadmeSpringQuickStartTests}): the beans the
 * section says to declare and its two annotated methods as written, bodies filled in.
 */
@SpringBootApplication
public class ReadmeQuickStartApplication {

  public record Filing(String id) {}

  public record Submission(String tenant, String filing) {}

  public record Receipt(String receipt) {}

  @Bean
  Directory directory() {
    return AdapterFixtures.directory();
  }

  @Bean
  ConsentRegistry consentRegistry() {
    InMemoryConsentRegistry consents = ConsentRegistry.inMemory(Clock.systemUTC());
    consents.grant(TenantId.of("acme"), ConsentScope.GOVERNMENT_RECORDS, Instant.now().plus(Duration.ofDays(1)));
    return consents;
  }

  @Bean
  InMemoryAuditSink auditSink() {
    return AuditSink.inMemory();
  }

  @Service
  public static class Filings {
    // --- README "Spring Boot quick start" (the bodies filled in) ---
    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#id")
    public Filing get(String id) { return new Filing(id); }

    @GuardedIntegration(provider = "authority", action = "filings:submit", consentScope = "GOVERNMENT_RECORDS",
        idempotencyKey = "#key", payload = "#submission", tenant = "#submission.tenant()")
    public Receipt submit(Submission submission, @Nullable String key) throws Exception {
      ProviderResponse r = GuardedCall.send(GuardedCall.context().newRequest("filings")
          .POST(GuardedCall.context().payloadPublisher()).header("Content-Type", "application/json").build());
      return new Receipt(new String(r.body(), StandardCharsets.UTF_8));
    }
    // --- end ---
  }

  @RestController
  public static class Api {
    private final Filings filings;

    Api(Filings filings) {
      this.filings = filings;
    }

    @GetMapping("/filings/{id}")
    Filing get(@PathVariable String id) {
      return filings.get(id);
    }

    @PostMapping("/filings/submissions")
    Receipt submit(@RequestBody Submission submission, @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String key)
        throws Exception {
      return filings.submit(submission, key);
    }
  }
}

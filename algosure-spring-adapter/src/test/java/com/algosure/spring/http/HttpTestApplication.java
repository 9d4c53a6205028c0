package com.algosure.spring.http;

import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.spi.Directory;
import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.Authorize;
import com.algosure.spring.CurrentDecision;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A small resource server as a host would write it: a service with {@link Authorize} and a controller. */
@SpringBootApplication
public class HttpTestApplication {

  @Bean
  Directory directory() {
    return AdapterFixtures.directory();
  }

  @Bean
  InMemoryAuditSink auditSink() {
    return AuditSink.inMemory();
  }

  @Service
  public static class Filings {
    @Authorize(action = "filings:read", resourceType = "filing")
    public Map<String, String> list() {
      AuthorizationDecision d = CurrentDecision.require();
      return Map.of("tenant", d.tenant().orElseThrow().value(), "organization", d.organization().orElseThrow().value());
    }

    @Authorize(action = "filings:read", resourceType = "filing", organization = "#organization")
    public Map<String, String> listIn(String organization) {
      return Map.of("organization", CurrentDecision.require().organization().orElseThrow().value());
    }

    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#name.trim()")
    public Map<String, String> byName(@Nullable String name) {
      return Map.of("name", String.valueOf(name));
    }

    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#name.trimmed()")
    public Map<String, String> byMisnamedExpression(String name) {
      return Map.of("name", name);
    }

    @Authorize(action = "filings:submit", resourceType = "filing", resourceId = "#id")
    public Map<String, String> submit(String id) {
      return Map.of("submitted", id);
    }

    @Authorize(action = "admin:filings:read", resourceType = "filing", tenant = "#tenant")
    public Map<String, String> administer(String tenant) {
      return Map.of("tenant", tenant);
    }
  }

  @RestController
  public static class Api {
    private final Filings filings;

    Api(Filings filings) {
      this.filings = filings;
    }

    @GetMapping("/api/filings")
    Map<String, String> list() {
      return filings.list();
    }

    @GetMapping("/api/organizations/{organization}/filings")
    Map<String, String> listIn(@PathVariable String organization) {
      return filings.listIn(organization);
    }

    @GetMapping("/api/filings/by-name")
    Map<String, String> byName(@RequestParam(required = false) @Nullable String name) {
      return filings.byName(name);
    }

    @GetMapping("/api/filings/by-misnamed-expression")
    Map<String, String> byMisnamedExpression(@RequestParam String name) {
      return filings.byMisnamedExpression(name);
    }

    @PostMapping("/api/filings/{id}/submit")
    Map<String, String> submit(@PathVariable String id) {
      return filings.submit(id);
    }

    @GetMapping("/api/admin/tenants/{tenant}/filings")
    Map<String, String> administer(@PathVariable String tenant) {
      return filings.administer(tenant);
    }

    @PostMapping("/logout")
    Map<String, String> logout() {
      return Map.of("loggedOut", "by the service");
    }

    @GetMapping("/public/ping")
    Map<String, String> ping() {
      return Map.of("pong", "yes");
    }
  }
}

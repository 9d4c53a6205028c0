package com.algosure.spring;

import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.IdentitySignals;
import com.algosure.authz.spi.Directory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.context.SecurityContextHolder;

/** The adapter tests' shared world: acme (sales, support) and globex (hq), their people, and an audit sink to read. */
public final class AdapterFixtures {

  /** The test role catalogue on the classpath. */
  public static final String CATALOG = "algosure.role-catalog=classpath:algosure/test-roles.json";

  private AdapterFixtures() {}

  /** @return the test directory */
  public static Directory directory() {
    return Directory.inMemory()
        .organization("acme", "sales").organization("acme", "support").organization("globex", "hq")
        .organizationRole("alice", "sales", "filing-clerk").member("alice", "support")
        .organizationRole("dave", "sales", "filing-clerk")
        .organizationRole("bob", "hq", "filing-viewer")
        .platformRole("root", "platform-admin")
        .build();
  }

  /** Runs as an authenticated Algosure actor, then clears the security context. */
  public static <T> T as(Actor actor, java.util.function.Supplier<T> call) {
    SecurityContextHolder.getContext().setAuthentication(new AlgosureAuthentication(actor));
    try {
      return call.get();
    } finally {
      SecurityContextHolder.clearContext();
    }
  }

  /** @param id a user id @return a user with no signals */
  public static Actor.User user(String id) {
    return Actor.user(id, IdentitySignals.none());
  }

  /** The directory and an in-memory audit sink, as a host would declare them. */
  @Configuration(proxyBeanMethods = false)
  public static class HostBeans {
    /** @return the directory */
    @Bean
    public Directory directory() {
      return AdapterFixtures.directory();
    }

    /** @return an audit sink the tests can read */
    @Bean
    public InMemoryAuditSink auditSink() {
      return AuditSink.inMemory();
    }
  }
}

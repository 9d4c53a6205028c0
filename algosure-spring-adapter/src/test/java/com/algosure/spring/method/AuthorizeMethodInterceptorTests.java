package com.algosure.spring.method;

import static com.algosure.spring.AdapterFixtures.as;
import static com.algosure.spring.AdapterFixtures.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.Effect;
import com.algosure.authz.ReasonCode;
import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.Authorize;
import com.algosure.spring.AuthorizationDecisionException;
import com.algosure.spring.CurrentDecision;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.InvalidRequestContextException;
import com.algosure.spring.RequestContextResolver;
import com.algosure.spring.UnauthenticatedException;
import com.algosure.spring.autoconfigure.AlgosureAutoConfiguration;
import com.algosure.spring.web.HeaderRequestContextResolver;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

class AuthorizeMethodInterceptorTests {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, AlgosureAutoConfiguration.class))
      .withUserConfiguration(AdapterFixtures.HostBeans.class)
      .withBean(FilingService.class)
      .withBean(AdminService.class)
      .withPropertyValues(AdapterFixtures.CATALOG);

  static class FilingService {
    private final AtomicInteger calls = new AtomicInteger();

    public int calls() { // a method, not the field: the test holds a proxy
      return calls.get();
    }

    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#id", organization = "#organization")
    public AuthorizationDecision read(String id, String organization) {
      calls.incrementAndGet();
      return CurrentDecision.require();
    }

    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#filing.id()", organization = "#filing.org()")
    public String readRecord(@Nullable Filing filing) {
      calls.incrementAndGet();
      return filing.id();
    }

    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#id.substring(2)", organization = "'sales'")
    public String readPrefixed(String id) {
      calls.incrementAndGet();
      return "read";
    }

    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#filing.name()", organization = "'sales'")
    public String readMisnamed(Filing filing) {
      calls.incrementAndGet();
      return "read";
    }

    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#id", organization = "'sales'")
    public String readMaybe(@Nullable String id) {
      calls.incrementAndGet();
      return "read";
    }

    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#id", tenant = "#tenant")
    public String readInTenant(@Nullable String tenant, String id) {
      calls.incrementAndGet();
      return "read in " + tenant;
    }

    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#id", organization = "'sales'",
        approvalId = "#approval")
    public String readApproved(String id, String approval) {
      calls.incrementAndGet();
      return "read";
    }

    @Authorize(action = "filings:submit", resourceType = "filing", resourceId = "#id", organization = "'sales'",
        approvalId = "#approval")
    public String submitApproved(String id, String approval) {
      calls.incrementAndGet();
      return "submitted";
    }

    @Authorize(action = "filings:submit", resourceType = "filing", resourceId = "#id", organization = "'sales'")
    public String submit(String id) {
      calls.incrementAndGet();
      return "submitted";
    }
  }

  record Filing(String id, String org) {}

  @Authorize(action = "admin:filings:read", resourceType = "filing", tenant = "#tenant")
  static class AdminService {
    public String list(String tenant) {
      return "listed " + tenant;
    }

    @Authorize(action = "filings:read", resourceType = "filing", organization = "#organization")
    public String own(String organization) {
      return "own " + organization;
    }
  }

  static class BrokenService {
    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#id +")
    public String read(String id) {
      return id;
    }
  }

  static class MisspelledService {
    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#fillingId")
    public String read(String filingId) {
      return filingId;
    }
  }

  static class PositionalService {
    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#p0", organization = "#a1.trim()",
        task = "#root == null ? null : null")
    public String read(String id, String organization) {
      return id;
    }
  }

  static class PositionPastTheEndService {
    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#p1")
    public String read(String id) {
      return id;
    }
  }

  private static FilingService filings(AssertableApplicationContext context) {
    return context.getBean(FilingService.class);
  }

  @Test
  void invokeWhenPermittedThenMethodRunsWithTheDecisionBound() {
    runner.run(context -> {
      AuthorizationDecision d = as(user("alice"), () -> filings(context).read("f-1", "sales"));
      assertThat(d.effect()).isEqualTo(Effect.PERMIT);
      assertThat(d.organization()).hasValueSatisfying(o -> assertThat(o.value()).isEqualTo("sales"));
      assertThat(CurrentDecision.get()).isEmpty();
    });
  }

  @Test
  void invokeWhenDeniedThenThrowsWithTheDecisionAndMethodDoesNotRun() {
    runner.run(context -> {
      assertThatThrownBy(() -> as(user("bob"), () -> filings(context).read("f-1", "sales")))
          .isInstanceOfSatisfying(AuthorizationDecisionException.class,
              e -> assertThat(e.decision().reason()).isEqualTo(ReasonCode.ORGANIZATION_OUTSIDE_TENANT));
      assertThat(filings(context).calls()).isZero();
    });
  }

  @Test
  void invokeWhenNoAuthenticatedActorThenUnauthenticatedAndMethodDoesNotRun() {
    runner.run(context -> {
      assertThatThrownBy(() -> filings(context).read("f-1", "sales")).isInstanceOf(UnauthenticatedException.class);
      assertThat(filings(context).calls()).isZero();
    });
  }

  @Test
  void invokeWhenResourceIdExpressionReadsRecordAccessorThenDecisionNamesTheResource() {
    runner.run(context -> {
      as(user("alice"), () -> filings(context).readRecord(new Filing("f-7", "sales")));
      assertThat(context.getBean(InMemoryAuditSink.class).events(AuditEventType.AUTHORIZATION_DECISION))
          .singleElement().satisfies(e -> {
            assertThat(e.resource()).hasValue("filing/f-7");
            assertThat(e.organization()).hasValue("sales");
          });
    });
  }

  @Test
  void invokeWhenResourceIdExpressionYieldsNullThenDeniedAsIncompleteRequest() {
    runner.run(context -> {
      assertThatThrownBy(() -> as(user("alice"), () -> filings(context).readMaybe(null)))
          .isInstanceOfSatisfying(AuthorizationDecisionException.class,
              e -> assertThat(e.decision().reason()).isEqualTo(ReasonCode.REQUEST_INVALID));
      assertThat(filings(context).calls()).isZero();
    });
  }

  @Test
  void invokeWhenRequestHeaderAndOrganizationExpressionDifferThenRefusedAndMethodDoesNotRun() {
    inRequestNaming("support", () -> headers().run(context -> {
      assertThatThrownBy(() -> as(user("alice"), () -> filings(context).read("f-1", "sales")))
          .isInstanceOfSatisfying(InvalidRequestContextException.class, e -> {
            assertThat(e.source()).isEqualTo("organization named by the request and by @Authorize(organization)");
            assertThat(e.getMessage()).contains("they differ");
          });
      assertThat(filings(context).calls()).isZero();
      // the decision point was not asked: the one record is the adapter's refusal (below), not a decision
      assertThat(context.getBean(InMemoryAuditSink.class).events(AuditEventType.AUTHORIZATION_DECISION))
          .singleElement().satisfies(ev -> assertThat(ev.details()).containsEntry("refusedBy", "request-context"));
    }));
  }

  /** Regression: the refusal of a conflicting organization (400) left no audit record, so it was not traceable. */
  @Test
  void invokeWhenRequestHeaderAndOrganizationExpressionDifferThenTheRefusalIsAuditedUnderTheProblemId() {
    inRequestNaming("support", () -> headers().run(context -> {
      InvalidRequestContextException e = refused(() -> as(user("alice"), () -> filings(context).read("f-1", "sales")));
      assertThat(e.problemId()).isPresent();
      assertThat(context.getBean(InMemoryAuditSink.class).events()).singleElement().satisfies(ev -> {
        assertThat(ev.type()).isEqualTo(AuditEventType.AUTHORIZATION_DECISION);
        assertThat(ev.outcome()).isEqualTo("DENY");
        assertThat(ev.reasons()).containsExactly("REQUEST_INVALID");
        assertThat(ev.id()).isEqualTo(e.problemId().get());
        assertThat(ev.details()).containsEntry("decisionId", e.problemId().get())
            .containsEntry("refusedBy", "request-context")
            .containsEntry("source", "organization named by the request and by @Authorize(organization)")
            .containsEntry("requestedOrganization", "support");
        assertThat(ev.actorId()).hasValue("alice");
        assertThat(ev.action()).hasValue("filings:read");
        assertThat(ev.resource()).hasValue("filing/f-1");
        assertThat(ev.organization()).hasValue("sales");
      });
    }));
  }

  /**
   * Regression: the refusal of AlgosureAuthorizer.request(action, resource) was recorded without the resource it was
   * given, a valid typed value.
   */
  @Test
  void requestWhenTheOrganizationHeaderIsNotAValidIdThenTheRefusalRecordsTheResourceItWasGiven() {
    inRequestNaming("sales\u202e<script>", () -> headers().run(context -> {
      InvalidRequestContextException e = refused(() -> as(user("alice"), () -> context
          .getBean(com.algosure.spring.AlgosureAuthorizer.class)
          .request("filings:read", com.algosure.authz.ResourceRef.of("filing", "f-1"))));
      assertThat(context.getBean(InMemoryAuditSink.class).events()).singleElement().satisfies(ev -> {
        assertThat(ev.id()).isEqualTo(e.problemId().orElseThrow());
        assertThat(ev.action()).hasValue("filings:read");
        assertThat(ev.resource()).hasValue("filing/f-1");
        assertThat(ev.organization()).isEmpty();
        assertThat(ev.toString()).doesNotContain("script");
      });
    }));
  }

  /** Regression: @Authorize on a collection recorded a refused organization header without the collection. */
  @Test
  void invokeOnACollectionWhenTheOrganizationHeaderIsNotAValidIdThenTheRefusalRecordsTheCollection() {
    inRequestNaming("sales\u202e<script>", () -> headers().run(context -> {
      InvalidRequestContextException e = refused(() -> as(user("alice"),
          () -> context.getBean(AdminService.class).own("sales")));
      assertThat(context.getBean(InMemoryAuditSink.class).events()).singleElement().satisfies(ev -> {
        assertThat(ev.id()).isEqualTo(e.problemId().orElseThrow());
        assertThat(ev.resource()).hasValue("filing");
        assertThat(ev.details()).containsEntry("source", "header X-Organization-Id");
      });
    }));
  }

  @Test
  void invokeWhenTheOrganizationHeaderIsNotAValidIdThenTheRefusalIsAuditedWithoutTheHeadersText() {
    inRequestNaming("sales\u202e<script>", () -> headers().run(context -> {
      InvalidRequestContextException e = refused(() -> as(user("alice"), () -> filings(context).read("f-1", "sales")));
      assertThat(context.getBean(InMemoryAuditSink.class).events()).singleElement().satisfies(ev -> {
        assertThat(ev.id()).isEqualTo(e.problemId().orElseThrow());
        assertThat(ev.reasons()).containsExactly("REQUEST_INVALID");
        assertThat(ev.actorId()).hasValue("alice");
        assertThat(ev.organization()).isEmpty();
        assertThat(ev.details()).containsEntry("source", "header X-Organization-Id")
            .doesNotContainKey("requestedOrganization");
        assertThat(ev.toString()).doesNotContain("script").doesNotContain("\u202e");
      });
    }));
  }

  @Test
  void invokeWhenTheOrganizationHeaderIsSentTwiceWithDifferentValuesThenTheRefusalIsAuditedOnce() {
    MockHttpServletRequest http = new MockHttpServletRequest("GET", "/filings/f-1");
    http.addHeader("X-Organization-Id", "sales");
    http.addHeader("X-Organization-Id", "support");
    RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(http));
    try {
      headers().run(context -> {
        InvalidRequestContextException e = refused(() -> as(user("alice"), () -> filings(context).read("f-1", "sales")));
        assertThat(context.getBean(InMemoryAuditSink.class).events()).singleElement().satisfies(ev -> {
          assertThat(ev.id()).isEqualTo(e.problemId().orElseThrow());
          assertThat(ev.organization()).isEmpty();
          assertThat(ev.details()).containsEntry("source", "header X-Organization-Id");
        });
      });
    } finally {
      RequestContextHolder.resetRequestAttributes();
    }
  }

  @Test
  @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
  void invokeWhenTheRefusalCannotBeAuditedThenStillRefusedUnderAProblemIdAndTheFailureLogged(
      org.springframework.boot.test.system.CapturedOutput output) {
    inRequestNaming("support", () -> headers().withBean("failingAuditSink", AuditSink.class, () -> event -> {
      throw new IllegalStateException("audit store down");
    }, b -> b.setPrimary(true)).run(context -> {
      InvalidRequestContextException e = refused(() -> as(user("alice"), () -> filings(context).read("f-1", "sales")));
      assertThat(e.problemId()).isPresent();
      assertThat(filings(context).calls()).isZero();
      assertThat(output).contains("audit of refused request context " + e.problemId().get() + " failed")
          .contains("IllegalStateException").doesNotContain("audit store down");
    }));
  }

  /**
   * The decision point was not asked: every record is the adapter's refusal of the request context, and none names an
   * approval id (the refused one is never recorded).
   */
  private static void assertOnlyRefusalsRecorded(AssertableApplicationContext context) {
    assertThat(context.getBean(InMemoryAuditSink.class).events()).isNotEmpty().allSatisfy(ev -> {
      assertThat(ev.type()).isEqualTo(AuditEventType.AUTHORIZATION_DECISION);
      assertThat(ev.outcome()).isEqualTo("DENY");
      assertThat(ev.reasons()).containsExactly("REQUEST_INVALID");
      assertThat(ev.details()).containsEntry("refusedBy", "request-context").doesNotContainKey("approvalId");
    });
  }

  private static InvalidRequestContextException refused(ThrowingCallable call) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(t).isInstanceOf(InvalidRequestContextException.class);
    return (InvalidRequestContextException) t;
  }

  @Test
  void invokeWhenRequestHeaderAndOrganizationExpressionAgreeThenPermitted() {
    inRequestNaming("sales", () -> headers().run(context -> {
      AuthorizationDecision d = as(user("alice"), () -> filings(context).read("f-1", "sales"));
      assertThat(d.effect()).isEqualTo(Effect.PERMIT);
      assertThat(d.organization()).hasValueSatisfying(o -> assertThat(o.value()).isEqualTo("sales"));
    }));
  }

  @Test
  void invokeWhenTheOrganizationExpressionGivesNoneThenRefusedNotDecidedOnTheRequestHeadersOrganization() {
    // the method binds the organization to its argument (the filing's, say); a null there must not let the caller's
    // own header name it: alice may read in sales, so that decision would permit
    inRequestNaming("sales", () -> headers().run(context -> {
      assertThatThrownBy(() -> as(user("alice"), () -> filings(context).read("f-1", null)))
          .isInstanceOfSatisfying(InvalidRequestContextException.class, e -> {
            assertThat(e.source()).isEqualTo("@Authorize(organization)");
            assertThat(e.getMessage()).contains("'#organization' gave no value");
          });
      assertThat(filings(context).calls()).isZero();
      // the decision point was not asked: the one record is the adapter's refusal, naming the request's organization
      assertThat(context.getBean(InMemoryAuditSink.class).events(AuditEventType.AUTHORIZATION_DECISION))
          .singleElement().satisfies(ev -> {
            assertThat(ev.details()).containsEntry("refusedBy", "request-context")
                .containsEntry("source", "@Authorize(organization)");
            assertThat(ev.organization()).hasValue("sales");
          });
    }));
  }

  @Test
  void invokeWhenTheTenantExpressionGivesNoneThenRefusedNotDecidedOnTheCallersOwnTenant() {
    // bob belongs to globex only, where he may read: deciding on his own tenant in place of the one the expression
    // was meant to name would permit
    runner.run(context -> {
      assertThatThrownBy(() -> as(user("bob"), () -> filings(context).readInTenant(null, "f-1")))
          .isInstanceOfSatisfying(InvalidRequestContextException.class, e -> {
            assertThat(e.source()).isEqualTo("@Authorize(tenant)");
            assertThat(e.getMessage()).contains("'#tenant' gave no value");
            assertThat(context.getBean(InMemoryAuditSink.class).events()).singleElement().satisfies(ev -> {
              assertThat(ev.id()).isEqualTo(e.problemId().orElseThrow());
              assertThat(ev.reasons()).containsExactly("REQUEST_INVALID");
              assertThat(ev.actorId()).hasValue("bob");
              assertThat(ev.tenant()).isEmpty();
              assertThat(ev.details()).containsEntry("source", "@Authorize(tenant)");
            });
          });
      assertThat(filings(context).calls()).isZero();
    });
  }

  /** The runner with the request context read from headers, as the web auto-configuration declares it. */
  private ApplicationContextRunner headers() {
    return runner.withBean(RequestContextResolver.class,
        () -> new HeaderRequestContextResolver("X-Organization-Id", null, "X-Approval-Id", "X-Correlation-Id"));
  }

  private static void inRequestNaming(String organization, Runnable test) {
    MockHttpServletRequest http = new MockHttpServletRequest("GET", "/filings/f-1");
    http.addHeader("X-Organization-Id", organization);
    RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(http));
    try {
      test.run();
    } finally {
      RequestContextHolder.resetRequestAttributes();
    }
  }

  @Test
  void invokeWhenResourceIdExpressionFailsOnANullArgumentThenRefusedAndMethodDoesNotRun() {
    runner.run(context -> {
      assertThatThrownBy(() -> as(user("alice"), () -> filings(context).readRecord(null)))
          .isInstanceOfSatisfying(InvalidRequestContextException.class, e -> {
            assertThat(e.source()).isEqualTo("@Authorize(resourceId)");
            assertThat(e.getMessage()).contains("'#filing.id()' cannot be evaluated").contains("METHOD_CALL_ON_NULL_OBJECT_NOT_ALLOWED");
          });
      assertThat(filings(context).calls()).isZero();
    });
  }

  /**
   * Regression: a method the expression calls that throws (here String.substring on a short id) escaped as itself, SpEL
   * rethrowing a method's RuntimeException unwrapped: a 500, not the 400 refusal of an expression that fails.
   */
  @Test
  void invokeWhenAMethodTheResourceIdExpressionCallsThrowsThenRefusedAndMethodDoesNotRun() {
    runner.run(context -> {
      assertThatThrownBy(() -> as(user("alice"), () -> filings(context).readPrefixed("x")))
          .isInstanceOfSatisfying(InvalidRequestContextException.class, e -> {
            assertThat(e.source()).isEqualTo("@Authorize(resourceId)");
            assertThat(e.getMessage()).contains("'#id.substring(2)' cannot be evaluated")
                .contains("StringIndexOutOfBoundsException").doesNotContain("length 1");
          });
      assertThat(filings(context).calls()).isZero();
    });
  }

  /**
   * Regression: an expression that does not fit the method (here a method the argument's type lacks) failed as the
   * caller's fault, 400 REQUEST_CONTEXT_INVALID, on every call, whatever the caller sent: it is the service's own
   * error, and is now thrown as a configuration error naming the method and the expression (a 500).
   */
  @Test
  void invokeWhenTheResourceIdExpressionDoesNotFitTheArgumentsTypeThenAConfigurationErrorNotTheCallers() {
    runner.run(context -> {
      assertThatThrownBy(() -> as(user("alice"), () -> filings(context).readMisnamed(new Filing("f-1", "sales"))))
          .isInstanceOfSatisfying(InvalidAlgosureConfigurationException.class, e -> {
            assertThat(e.property()).isEqualTo("@Authorize(resourceId) on " + FilingService.class.getName() + "#readMisnamed");
            assertThat(e.getMessage()).contains("'#filing.name()' does not fit the method's parameters")
                .contains("METHOD_NOT_FOUND").doesNotContain("f-1");
          });
      assertThat(filings(context).calls()).isZero();
      assertThat(context.getBean(InMemoryAuditSink.class).events(AuditEventType.AUTHORIZATION_DECISION)).isEmpty();
    });
  }

  /**
   * Regression: the X-Approval-Id header is refused (400) unless it is 1 to 128 of letters, digits or . _ : -, but the
   * same id from the approvalId expression was taken as it came: a read went on with it (and its audit record), a
   * submission was denied 403 as an unknown approval.
   */
  @ParameterizedTest
  @ValueSource(strings = {"", " ", "appr\u0000oval", "approval\nforged: yes", "\u202Eapproval"})
  void invokeWhenTheApprovalIdExpressionGivesAnInvalidIdThenRefusedAsTheHeaderIsAndMethodDoesNotRun(String approval) {
    runner.run(context -> {
      for (ThrowingCallable call : java.util.List.<ThrowingCallable>of(
          () -> as(user("alice"), () -> filings(context).readApproved("f-1", approval)),
          () -> as(user("alice"), () -> filings(context).submitApproved("f-1", approval)))) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidRequestContextException.class, e -> {
          assertThat(e.source()).isEqualTo("@Authorize(approvalId)");
          assertThat(e.getMessage()).contains("not a valid approval id: use 1 to 128 letters, digits or . _ : -");
          if (!approval.isBlank()) {
            assertThat(e.getMessage()).doesNotContain(approval);
          }
        });
      }
      assertThat(filings(context).calls()).isZero();
      assertOnlyRefusalsRecorded(context);
    });
  }

  @Test
  void invokeWhenTheApprovalIdExpressionGivesAnOverlongIdThenRefusedWithoutEchoingIt() {
    String approval = "a".repeat(5_000);
    runner.run(context -> {
      assertThatThrownBy(() -> as(user("alice"), () -> filings(context).readApproved("f-1", approval)))
          .isInstanceOfSatisfying(InvalidRequestContextException.class, e -> {
            assertThat(e.source()).isEqualTo("@Authorize(approvalId)");
            assertThat(e.getMessage()).doesNotContain("a".repeat(129)).hasSizeLessThan(300);
          });
      assertThat(filings(context).calls()).isZero();
      assertOnlyRefusalsRecorded(context);
    });
  }

  /**
   * Regression: the rule of the ids a request presents was applied to a host resolver's approval id but not to its
   * correlation id, which went into the decision and its audit record as given (a line break, any length).
   */
  @ParameterizedTest
  @ValueSource(strings = {"", "corr\nforged: yes", "\u202Ecorr"})
  void invokeWhenAHostsResolverGivesAnInvalidCorrelationIdThenItIsDroppedAsTheHeaders(String correlation) {
    runner.withBean(RequestContextResolver.class, () -> new RequestContextResolver() {
      @Override
      public java.util.Optional<com.algosure.authz.OrganizationId> activeOrganization() {
        return java.util.Optional.empty();
      }

      @Override
      public java.util.Optional<String> approvalId() {
        return java.util.Optional.empty();
      }

      @Override
      public java.util.Optional<String> correlationId() {
        return java.util.Optional.of(correlation);
      }
    }).run(context -> {
      AuthorizationDecision d = as(user("alice"), () -> filings(context).read("f-1", "sales"));
      assertThat(d.effect()).isEqualTo(Effect.PERMIT);
      assertThat(context.getBean(InMemoryAuditSink.class).events(AuditEventType.AUTHORIZATION_DECISION))
          .singleElement().satisfies(e -> assertThat(e.correlationId()).isEmpty());
    });
  }

  /**
   * Regression: RequestIds holds an approval id to one rule wherever it comes from, but one a host's own
   * RequestContextResolver gave was taken as it came (decided on and audited), where the same id in the header or
   * the expression is refused.
   */
  @ParameterizedTest
  @ValueSource(strings = {"", "approval\nforged: yes", "\u202Eapproval"})
  void invokeWhenAHostsResolverGivesAnInvalidApprovalIdThenRefusedAsTheHeaderIsAndMethodDoesNotRun(String approval) {
    runner.withBean(RequestContextResolver.class, () -> new RequestContextResolver() {
      @Override
      public java.util.Optional<com.algosure.authz.OrganizationId> activeOrganization() {
        return java.util.Optional.empty();
      }

      @Override
      public java.util.Optional<String> approvalId() {
        return java.util.Optional.of(approval);
      }

      @Override
      public java.util.Optional<String> correlationId() {
        return java.util.Optional.empty();
      }
    }).run(context -> {
      for (ThrowingCallable call : java.util.List.<ThrowingCallable>of(
          () -> as(user("alice"), () -> filings(context).read("f-1", "sales")),
          () -> as(user("alice"), () -> filings(context).submit("f-1")))) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidRequestContextException.class, e -> {
          assertThat(e.getMessage()).contains("not a valid approval id: use 1 to 128 letters, digits or . _ : -");
          if (!approval.isBlank()) {
            assertThat(e.getMessage()).doesNotContain(approval);
          }
        });
      }
      assertThat(filings(context).calls()).isZero();
      assertOnlyRefusalsRecorded(context);
    });
  }

  @Test
  void invokeWhenTheApprovalIdExpressionGivesAValidIdThenItIsDecidedOn() {
    runner.run(context -> {
      assertThat(as(user("alice"), () -> filings(context).readApproved("f-1", "appr-1.a:b_c"))).isEqualTo("read");
      assertThat(context.getBean(InMemoryAuditSink.class).events(AuditEventType.AUTHORIZATION_DECISION))
          .singleElement().satisfies(e -> assertThat(e.details()).containsEntry("approvalId", "appr-1.a:b_c"));
    });
  }

  @Test
  void invokeWhenHighImpactWithoutApprovalThenApprovalRequired() {
    runner.run(context -> assertThatThrownBy(() -> as(user("alice"), () -> filings(context).submit("f-1")))
        .isInstanceOfSatisfying(AuthorizationDecisionException.class,
            e -> assertThat(e.decision().effect()).isEqualTo(Effect.APPROVAL_REQUIRED)));
  }

  @Test
  void invokeWhenClassLevelAnnotationThenAppliesToMethodsWithoutTheirOwn() {
    runner.run(context -> {
      AdminService admin = context.getBean(AdminService.class);
      assertThatThrownBy(() -> as(user("root"), () -> admin.list("acme")))
          .isInstanceOfSatisfying(AuthorizationDecisionException.class,
              e -> assertThat(e.decision().reason()).isEqualTo(ReasonCode.MFA_REQUIRED));
      assertThat(as(user("alice"), () -> admin.own("sales"))).isEqualTo("own sales");
    });
  }

  @Test
  void invokeWhenAopAutoProxyingDisabledThenStillEnforced() {
    runner.withPropertyValues("spring.aop.auto=false").run(context -> {
      assertThatThrownBy(() -> as(user("bob"), () -> filings(context).read("f-1", "sales")))
          .isInstanceOf(AuthorizationDecisionException.class);
      assertThat(filings(context).calls()).isZero();
    });
  }

  @Test
  void startWhenExpressionInvalidThenFailsNamingTheMethod() {
    runner.withBean(BrokenService.class).run(context -> assertThat(context).getFailure()
        .hasStackTraceContaining("@Authorize(resourceId) on " + BrokenService.class.getName() + "#read: '#id +' is not a valid expression"));
  }

  /**
   * Regression: an expression reading a variable that is no parameter of the method (a misspelling, or every name where
   * the class was compiled without -parameters) was null on every call: the method was refused on each call, blamed on
   * the caller (403 REQUEST_INVALID, 400 for a tenant), and a @GuardedIntegration payload was left out of the
   * idempotency fingerprint.
   */
  @Test
  void startWhenAnExpressionReadsAVariableThatIsNoParameterThenFailsNamingIt() {
    runner.withBean(MisspelledService.class).run(context -> assertThat(context).getFailure()
        .hasStackTraceContaining("@Authorize(resourceId) on " + MisspelledService.class.getName() + "#read: '#fillingId' "
            + "reads #fillingId, which is no parameter of the method (its parameters: #filingId, or #p0 and so on): it "
            + "would be null on every call"));
  }

  @Test
  void startWhenAnExpressionReadsAPositionPastTheLastParameterThenFails() {
    runner.withBean(PositionPastTheEndService.class).run(context -> assertThat(context).getFailure()
        .hasStackTraceContaining("'#p1' reads #p1, which is no parameter of the method"));
  }

  interface FilingRepository {
    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#id", organization = "#organization")
    String read(String id, String organization);
  }

  @Test
  void invokeWhenTheBeanIsAnInterfaceProxyThenItsExpressionsReadTheInterfaceMethodsParameters() {
    // a JDK proxy's own methods have no parameter names: the call is intercepted as the interface method, whose names
    // the expressions read (a Spring Data repository, an HTTP interface client)
    FilingRepository repository = (FilingRepository) java.lang.reflect.Proxy.newProxyInstance(
        FilingRepository.class.getClassLoader(), new Class<?>[] {FilingRepository.class}, (proxy, method, args) -> "read");
    runner.withBean(FilingRepository.class, () -> repository).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(as(user("alice"), () -> context.getBean(FilingRepository.class).read("f-1", "sales"))).isEqualTo("read");
      assertThat(context.getBean(InMemoryAuditSink.class).events(AuditEventType.AUTHORIZATION_DECISION)).singleElement()
          .satisfies(e -> assertThat(e.toString()).contains("resource=filing/f-1", "organization=sales"));
    });
  }

  interface RenamedApi {
    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#id", organization = "'sales'")
    String read(String id);
  }

  static class RenamedImpl implements RenamedApi {
    @Override
    public String read(String filingId) {
      return filingId;
    }
  }

  @Test
  void invokeWhenAnInterfaceBasedProxyCallsAnImplementationThatRenamesTheParameterThenTheInterfacesNameIsRead() {
    // through an interface-based proxy the call is the interface method's, with its names: the check must not refuse it
    runner.withPropertyValues("spring.aop.proxy-target-class=false").withBean(RenamedApi.class, RenamedImpl::new)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(as(user("alice"), () -> context.getBean(RenamedApi.class).read("f-1"))).isEqualTo("f-1");
          assertThat(context.getBean(InMemoryAuditSink.class).events(AuditEventType.AUTHORIZATION_DECISION)).singleElement()
              .satisfies(e -> assertThat(e.toString()).contains("resource=filing/f-1"));
        });
  }

  /**
   * Regression: through a class-based proxy (Spring Boot's default) the call is intercepted as the implementation's
   * method, and only its parameter names were variables: the interface's {@code #id}, accepted when the bean was
   * proxied, read null on every call, and the decision was made without the resource.
   */
  @Test
  void invokeWhenAClassBasedProxyCallsAnImplementationThatRenamesTheParameterThenTheInterfacesNameIsRead() {
    runner.withBean(RenamedApi.class, RenamedImpl::new).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(org.springframework.aop.support.AopUtils.isCglibProxy(context.getBean(RenamedApi.class))).isTrue();
      assertThat(as(user("alice"), () -> context.getBean(RenamedApi.class).read("f-1"))).isEqualTo("f-1");
      assertThat(context.getBean(InMemoryAuditSink.class).events(AuditEventType.AUTHORIZATION_DECISION)).singleElement()
          .satisfies(e -> assertThat(e.toString()).contains("resource=filing/f-1", "PERMIT"));
    });
  }

  interface SwappedApi {
    @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#id", organization = "#organization")
    String read(String id, String organization);
  }

  static class SwappedImpl implements SwappedApi {
    @Override
    public String read(String organization, String id) {
      return id;
    }
  }

  /**
   * Regression: an implementation that names the interface's parameters in another order made {@code #id} the first
   * argument through an interface-based proxy and the second through a class-based one, so the decision was about
   * another resource and organization than the expression's author meant: such a name is refused when the bean is
   * proxied, whichever the proxy.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void startWhenTheImplementationNamesTheInterfacesParametersInAnotherOrderThenFails(boolean proxyTargetClass) {
    runner.withPropertyValues("spring.aop.proxy-target-class=" + proxyTargetClass).withBean(SwappedApi.class, SwappedImpl::new)
        .run(context -> assertThat(context).getFailure().hasStackTraceContaining("'#id' reads #id, which names parameter "
            + "1 of " + SwappedImpl.class.getName() + "#read but parameter 0 of " + SwappedApi.class.getName()
            + "#read: it would read another argument depending on the proxy; name the parameters alike, or use #p0"));
  }

  @Test
  void startWhenExpressionsReadParametersByPositionOrTheRootThenStarts() {
    runner.withBean(PositionalService.class).run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void findWhenCalledRepeatedlyThenAnnotationIsParsedOnce() throws Exception {
    AtomicInteger parses = new AtomicInteger();
    AnnotationRegistry<Authorize, String> registry = new AnnotationRegistry<>(Authorize.class, (a, m) -> {
      parses.incrementAndGet();
      return a.action();
    });
    java.lang.reflect.Method read = FilingService.class.getMethod("read", String.class, String.class);
    for (int i = 0; i < 3; i++) {
      assertThat(registry.find(read, FilingService.class)).isEqualTo("filings:read");
    }
    assertThat(parses).hasValue(1);
  }

  @Test
  void startWhenAnnotationNamesInvalidActionThenFails() {
    assertThatThrownBy(() -> AuthorizeAttributes.of(BadAction.class.getMethod("run").getAnnotation(Authorize.class),
            BadAction.class.getMethod("run")))
        .isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("@Authorize on " + BadAction.class.getName() + "#run (action): permission 'filings read' is not valid");
  }

  static class BadAction {
    @Authorize(action = "filings read", resourceType = "filing")
    public void run() {}
  }
}

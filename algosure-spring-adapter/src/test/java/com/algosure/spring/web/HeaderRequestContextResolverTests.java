package com.algosure.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

class HeaderRequestContextResolverTests {

  private final HeaderRequestContextResolver resolver =
      new HeaderRequestContextResolver("X-Organization-Id", "org", "X-Approval-Id", "X-Correlation-Id");

  @AfterEach
  void reset() {
    RequestContextHolder.resetRequestAttributes();
  }

  private static ServletRequestAttributes naming(String organization, String approval, String correlation) {
    MockHttpServletRequest http = new MockHttpServletRequest("GET", "/api/filings");
    http.addHeader("X-Organization-Id", organization);
    http.addHeader("X-Approval-Id", approval);
    http.addHeader("X-Correlation-Id", correlation);
    return new ServletRequestAttributes(http);
  }

  @Test
  void resolveWhenTheRequestIsActiveThenItsHeadersNameTheContext() {
    RequestContextHolder.setRequestAttributes(naming("support", "apr-1", "c-1"));
    assertThat(resolver.activeOrganization()).hasValueSatisfying(o -> assertThat(o.value()).isEqualTo("support"));
    assertThat(resolver.approvalId()).hasValue("apr-1");
    assertThat(resolver.correlationId()).hasValue("c-1");
  }

  /**
   * Regression: a task handed the attributes of a request (a TaskDecorator, an inheritable holder) that ran after the
   * request ended read that request's headers: a request object the server has recycled, and may have handed to
   * another caller's request (whose organization and approval would then be decided on), or that throws when read.
   */
  @Test
  void resolveWhenTheThreadCarriesAFinishedRequestsAttributesThenNothingIsTakenFromIt() {
    ServletRequestAttributes finished = naming("support", "apr-1", "c-1");
    finished.requestCompleted();
    RequestContextHolder.setRequestAttributes(finished);
    assertThat(resolver.activeOrganization()).isEmpty();
    assertThat(resolver.approvalId()).isEmpty();
    assertThat(resolver.correlationId()).isEmpty();
  }

  @Test
  void resolveWhenTheDispatchIsOverButTheRequestIsProcessedAsynchronouslyThenItsHeadersStillNameTheContext() {
    // a DeferredResult completed by a task: the request is open until the task answers
    ServletRequestAttributes dispatched = naming("support", "apr-1", "c-1");
    ((MockHttpServletRequest) dispatched.getRequest()).setAsyncStarted(true);
    dispatched.requestCompleted();
    RequestContextHolder.setRequestAttributes(dispatched);
    assertThat(resolver.activeOrganization()).hasValueSatisfying(o -> assertThat(o.value()).isEqualTo("support"));
    assertThat(resolver.approvalId()).hasValue("apr-1");
  }
}

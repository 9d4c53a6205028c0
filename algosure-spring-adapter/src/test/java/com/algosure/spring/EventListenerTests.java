package com.algosure.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The listener contract: events gain parameters without breaking listeners written for the older methods. */
class EventListenerTests {

  @Test
  void onIntegrationOutcomeWithReasonWhenTheListenerKnowsOnlyTheOlderMethodThenThatOneIsCalled() {
    List<String> seen = new ArrayList<>();
    AlgosureEventListener older = new AlgosureEventListener() {
      @Override
      public void onIntegrationOutcome(String provider, String outcome, int retries, Duration latency) {
        seen.add(provider + " " + outcome + " " + retries);
      }
    };

    new CompositeEventListener(List.of(older))
        .onIntegrationOutcome("authority", "RATE_LIMITED", "PROVIDER_RATE_LIMITED", 1, Duration.ofMillis(3));

    assertThat(seen).containsExactly("authority RATE_LIMITED 1");
  }

  @Test
  void onIntegrationOutcomeWithReasonWhenTheListenerKnowsItThenItGetsTheReason() {
    List<String> seen = new ArrayList<>();
    AlgosureEventListener newer = new AlgosureEventListener() {
      @Override
      public void onIntegrationOutcome(String provider, String outcome, String reason, int retries, Duration latency) {
        seen.add(outcome + " " + reason);
      }
    };

    new CompositeEventListener(List.of(newer))
        .onIntegrationOutcome("authority", "RATE_LIMITED", "RATE_LIMIT_EXCEEDED", 0, Duration.ofMillis(3));

    assertThat(seen).containsExactly("RATE_LIMITED RATE_LIMIT_EXCEEDED");
  }
}

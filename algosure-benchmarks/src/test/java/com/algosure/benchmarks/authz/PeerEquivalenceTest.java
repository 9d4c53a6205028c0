package com.algosure.benchmarks.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.AuthorizationRequest;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The comparison is honest only if the peers answer what we answer: on every benchmark request set, each
 * peer permits exactly the requests our decision point permits.
 */
class PeerEquivalenceTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"10x10", "10x1000", "100x1000", "1000x10000", "1000x100000"})
  void casbinWhenAskedTheRequestSetThenAnswersAsOurDecisionPoint(String size) {
    PdpWorld world = PdpWorld.parse(size);
    boolean[] ours = ours(world, world.requests());
    CasbinPdp casbin = new CasbinPdp(world);
    Object[][] requests = CasbinPdp.prepare(world.requests());
    for (int i = 0; i < requests.length; i++) {
      assertThat(casbin.permits(requests[i])).as("jCasbin on %s", world.requests().get(i)).isEqualTo(ours[i]);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"10x10", "10x1000", "100x1000"})
  void cedarWhenAskedTheRequestSetThenAnswersAsOurDecisionPoint(String size) throws Exception {
    PdpWorld world = PdpWorld.parse(size);
    boolean[] ours = ours(world, world.requests());
    CedarPdp cedar = new CedarPdp(world);
    CedarPdp.Prepared[] requests = cedar.prepare(world.requests());
    for (int i = 0; i < requests.length; i++) {
      assertThat(cedar.permits(requests[i])).as("Cedar on %s", world.requests().get(i)).isEqualTo(ours[i]);
    }
  }

  /**
   * The requests the benchmarks time are the typical ones ({@code DecideBenchmark}, {@code DecideScalingBenchmark},
   * {@code DecideThroughputBenchmark}), at every size they run: each peer answers them as ours does there too.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"10x10", "10x1000", "100x1000", "1000x10000", "1000x100000"})
  void casbinWhenAskedTheBenchmarksTypicalRequestsThenAnswersAsOurDecisionPoint(String size) {
    PdpWorld world = PdpWorld.parse(size);
    boolean[] ours = ours(world, world.typical());
    CasbinPdp casbin = new CasbinPdp(world);
    Object[][] requests = CasbinPdp.prepare(world.typical());
    for (int i = 0; i < requests.length; i++) {
      assertThat(casbin.permits(requests[i])).as("jCasbin on %s", world.typical().get(i)).isEqualTo(ours[i]);
    }
  }

  @Test
  void cedarWhenAskedTheBenchmarksTypicalRequestsThenAnswersAsOurDecisionPoint() throws Exception {
    PdpWorld world = PdpWorld.parse(DecideBenchmark.TYPICAL_WORLD);
    boolean[] ours = ours(world, world.typical());
    CedarPdp cedar = new CedarPdp(world);
    CedarPdp.Prepared[] requests = cedar.prepare(world.typical());
    for (int i = 0; i < requests.length; i++) {
      assertThat(cedar.permits(requests[i])).as("Cedar on %s", world.typical().get(i)).isEqualTo(ours[i]);
    }
  }

  @Test
  void requestSetWhenDecidedThenHoldsPermitsAndEveryKindOfDenial() {
    PdpWorld world = PdpWorld.parse(DecideBenchmark.TYPICAL_WORLD);
    boolean[] ours = ours(world, world.requests());
    int permits = 0;
    for (boolean p : ours) {
      permits += p ? 1 : 0;
    }
    assertThat(permits).as("permits").isBetween(ours.length / 5, ours.length * 4 / 5);
    List<PdpWorld.Question> questions = world.requests();
    int featureMissing = 0;
    int outsideTenant = 0;
    for (int i = 0; i < ours.length; i++) {
      PdpWorld.Question q = questions.get(i);
      String f = world.featureOf(q.action());
      if (f != null && !world.features().get(q.tenant()).contains(f)
          && world.bindingsOf(q.user()).stream().anyMatch(b -> b.organization().equals(q.organization())
              && world.grants().get(b.role()).contains(q.action()))) {
        featureMissing++;
        assertThat(ours[i]).as("a role grants %s but the tenant lacks its feature", q).isFalse();
      }
      if (!world.tenantOf().get(q.organization()).equals(q.tenant())) {
        outsideTenant++;
        assertThat(ours[i]).as("the organization of %s is another tenant's", q).isFalse();
      }
    }
    assertThat(featureMissing).as("denied only for a missing feature").isGreaterThan(10);
    int nonMember = 0;
    int roleLacksPermission = 0;
    for (int i = 0; i < ours.length; i++) {
      PdpWorld.Question q = questions.get(i);
      if (!world.tenantOf().get(q.organization()).equals(q.tenant())) {
        continue;
      }
      List<PdpWorld.Binding> inOrganization = world.bindingsOf(q.user()).stream()
          .filter(b -> b.organization().equals(q.organization())).toList();
      if (inOrganization.isEmpty()) {
        nonMember++;
        assertThat(ours[i]).as("%s is not a member of the organization", q).isFalse();
      } else if (inOrganization.stream().noneMatch(b -> world.grants().get(b.role()).contains(q.action()))) {
        roleLacksPermission++;
        assertThat(ours[i]).as("no role of %s in the organization grants the action", q).isFalse();
      }
    }
    assertThat(nonMember).as("not a member of the organization").isGreaterThan(10);
    assertThat(roleLacksPermission).as("a member whose roles lack the permission").isGreaterThan(10);
    assertThat(outsideTenant).as("organization named under another tenant").isGreaterThan(10);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"10x10", "10x1000", "100x1000", "1000x100000"})
  void typicalRequestsWhenDecidedThenAllPermittedWithAnEntitlementCheck(String size) {
    PdpWorld world = PdpWorld.parse(size);
    assertThat(ours(world, world.typical())).containsOnly(true);
    assertThat(world.typical()).allMatch(q -> world.featureOf(q.action()) != null);
  }

  /** BENCHMARKS.md ("No hot single request") states how many of the 256 typical requests are distinct. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"10x10, 9, 2", "10x1000, 232, 167", "100x1000, 223, 154", "1000x10000, 252, 242", "1000x100000, 256, 256"})
  void typicalRequestsWhenCountedThenAsManyDistinctAsBenchmarksMdSays(String size, long requests, long users) {
    PdpWorld world = PdpWorld.parse(size);
    assertThat(world.typical()).hasSize(256);
    assertThat(world.typical().stream().distinct().count()).as("distinct requests").isEqualTo(requests);
    assertThat(world.typical().stream().map(PdpWorld.Question::user).distinct().count()).as("users").isEqualTo(users);
  }

  private static boolean[] ours(PdpWorld world, List<PdpWorld.Question> questions) {
    AlgosurePdp pdp = new AlgosurePdp(world);
    AuthorizationRequest[] requests = AlgosurePdp.prepare(questions);
    boolean[] out = new boolean[requests.length];
    for (int i = 0; i < requests.length; i++) {
      out[i] = pdp.permits(requests[i]);
    }
    return out;
  }
}

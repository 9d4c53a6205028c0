package com.algosure.authz.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArraySetTest {

  /** Keys whose hash codes collide, to check that contains() compares values, not only hashes. */
  record Colliding(String value) {
    @Override
    public int hashCode() {
      return 7;
    }
  }

  @Test
  void containsWhenAnyElementsThenAsAHashSet() {
    Random r = new Random(3);
    for (int round = 0; round < 500; round++) {
      List<String> in = new ArrayList<>();
      for (int i = 0, n = r.nextInt(12); i < n; i++) {
        in.add("e" + r.nextInt(15));
      }
      Set<String> expected = new HashSet<>(in);
      ArraySet<String> set = ArraySet.copyOf(in);

      assertThat(set).isEqualTo(expected).hasSameHashCodeAs(expected).hasSize(expected.size());
      assertThat(expected).isEqualTo(set);
      for (int i = 0; i < 15; i++) {
        assertThat(set.contains("e" + i)).isEqualTo(expected.contains("e" + i));
      }
      assertThat(set.contains(null)).isFalse();
      // on purpose: contains(Object) must answer false for an element of another type, not throw
      @SuppressWarnings("CollectionIncompatibleType")
      boolean containsInteger = set.contains(42);
      assertThat(containsInteger).isFalse();
    }
  }

  @Test
  void containsWhenHashesCollideThenOnlyEqualElements() {
    ArraySet<Colliding> set = ArraySet.copyOf(List.of(new Colliding("a"), new Colliding("b")));

    assertThat(set.contains(new Colliding("a"))).isTrue();
    assertThat(set.contains(new Colliding("c"))).isFalse();
  }

  @Test
  void copyOfWhenNullElementThenNullPointer() {
    List<String> withNull = new ArrayList<>();
    withNull.add("a");
    withNull.add(null);

    assertThatThrownBy(() -> ArraySet.copyOf(withNull)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void setWhenChangedInAnyWayThenUnsupportedAndTheSourceDoesNotLeakIn() {
    List<String> source = new ArrayList<>(List.of("a", "b"));
    ArraySet<String> set = ArraySet.copyOf(source);
    source.add("c");

    assertThat(set).containsExactlyInAnyOrder("a", "b");
    assertThatThrownBy(() -> set.add("c")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> set.remove("a")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> set.addAll(List.of("c"))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> set.removeAll(List.of("a"))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> set.retainAll(List.of("a"))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> set.removeIf(x -> true)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(set::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> {
      var it = set.iterator();
      it.next();
      it.remove();
    }).isInstanceOf(UnsupportedOperationException.class);
    assertThat(ArraySet.copyOf(set)).isSameAs(set);
  }
}

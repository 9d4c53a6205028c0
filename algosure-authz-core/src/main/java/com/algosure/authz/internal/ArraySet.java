package com.algosure.authz.internal;

import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An immutable set of a few elements for the decision path: its elements and their hash codes in two arrays, so
 * that {@link #contains} compares cached hashes and calls {@code equals} only on a match, with no integer division
 * (as {@code Set.of}'s look-up makes) and no map nodes to follow (as a {@code HashSet}'s). For the handful of
 * tenants, organizations or permissions a subject or role has; a linear scan beyond a few dozen.
 *
 * <p>Equal to, and hashing like, any set with the same elements; null-free; every method that would change it
 * throws {@link UnsupportedOperationException}. Thread-safe. <b>Not API.</b>
 *
 * @param <E> the element type
 * @since 0.1.0
 */
public final class ArraySet<E> extends AbstractSet<E> {

  private static final ArraySet<?> EMPTY = new ArraySet<>(new Object[0]);

  private final Object[] elements;
  private final int[] hashes;

  private ArraySet(Object[] elements) {
    this.elements = elements;
    this.hashes = new int[elements.length];
    for (int i = 0; i < elements.length; i++) {
      hashes[i] = elements[i].hashCode();
    }
  }

  /**
   * @param elements the elements; duplicates are dropped
   * @param <E> the element type
   * @return an immutable set of them
   * @throws NullPointerException if an element is null
   */
  @SuppressWarnings("unchecked")
  public static <E> ArraySet<E> copyOf(Collection<? extends E> elements) {
    if (elements instanceof ArraySet<?> a) {
      return (ArraySet<E>) a;
    }
    Object[] distinct = Set.copyOf(elements).toArray(); // checks for nulls, drops duplicates
    return distinct.length == 0 ? (ArraySet<E>) EMPTY : new ArraySet<>(distinct);
  }

  @Override
  public boolean contains(@Nullable Object o) {
    if (o == null) {
      return false;
    }
    int h = o.hashCode();
    int[] hs = hashes;
    for (int i = 0; i < hs.length; i++) {
      if (hs[i] == h && o.equals(elements[i])) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int size() {
    return elements.length;
  }

  @Override
  public Iterator<E> iterator() {
    return new Iterator<>() {
      private int i;

      @Override
      public boolean hasNext() {
        return i < elements.length;
      }

      @SuppressWarnings("unchecked")
      @Override
      public E next() {
        if (i >= elements.length) {
          throw new NoSuchElementException();
        }
        return (E) elements[i++];
      }
    };
  }

  @Override
  public boolean add(E e) {
    throw readOnly();
  }

  @Override
  public boolean remove(@Nullable Object o) {
    throw readOnly();
  }

  @Override
  public boolean addAll(Collection<? extends E> c) {
    throw readOnly();
  }

  @Override
  public boolean removeAll(Collection<?> c) {
    throw readOnly();
  }

  @Override
  public boolean retainAll(Collection<?> c) {
    throw readOnly();
  }

  @Override
  public boolean removeIf(java.util.function.Predicate<? super E> filter) {
    throw readOnly();
  }

  @Override
  public void clear() {
    throw readOnly();
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("this set cannot be changed");
  }
}

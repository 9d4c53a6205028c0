/**
 * The SDK without Spring: a decision point and an integration guard built in plain Java, for services that do
 * not run on Spring and for test authors.
 */
@NullMarked
package com.algosure.examples.plain;

import org.jspecify.annotations.NullMarked;

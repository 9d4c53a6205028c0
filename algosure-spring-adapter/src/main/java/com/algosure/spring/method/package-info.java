/**
 * Method interception for {@link com.algosure.spring.Authorize} and
 * {@link com.algosure.spring.GuardedIntegration}: pointcuts that parse the annotations' expressions once,
 * when a bean is proxied, and interceptors that ask the decision point or run the method inside the
 * integration guard. Used by the auto-configuration; hosts rarely touch these types.
 */
@NullMarked
package com.algosure.spring.method;

import org.jspecify.annotations.NullMarked;

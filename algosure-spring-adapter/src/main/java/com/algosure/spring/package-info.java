/**
 * The Spring adapter's public API: the {@link com.algosure.spring.Authorize} and
 * {@link com.algosure.spring.GuardedIntegration} annotations, the authentication that carries the actor, and
 * the exceptions that turn decisions and integration outcomes into problem responses. Depends on the
 * Algosure cores and Spring; the cores never depend on it.
 */
@NullMarked
package com.algosure.spring;

import org.jspecify.annotations.NullMarked;

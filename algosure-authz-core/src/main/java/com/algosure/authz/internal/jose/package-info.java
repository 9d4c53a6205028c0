/**
 * Implementation helpers for JOSE (nimbus-jose-jwt) shared by the token validator and the callback verifier. <b>Not
 * API</b>: nothing here is documented for hosts, and it may change or disappear in any release. May depend on the JDK
 * and nimbus-jose-jwt only.
 */
@NullMarked
package com.algosure.authz.internal.jose;

import org.jspecify.annotations.NullMarked;

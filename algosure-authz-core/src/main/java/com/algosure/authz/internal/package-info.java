/**
 * Implementation helpers shared by the SDK's packages and modules. <b>Not API</b>: nothing here is documented for
 * hosts, and it may change or disappear in any release. May depend on the JDK only.
 */
@NullMarked
package com.algosure.authz.internal;

import org.jspecify.annotations.NullMarked;

/**
 * The audit model shared by every module: {@link com.algosure.audit.AuditEvent}, the
 * {@link com.algosure.audit.AuditSink} SPI and its built-in sinks. Depends on nothing else of the SDK.
 */
@NullMarked
package com.algosure.audit;

import org.jspecify.annotations.NullMarked;

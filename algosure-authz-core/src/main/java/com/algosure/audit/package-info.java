/**
 * The audit model shared by every module: {@link com.algosure.audit.AuditEvent}, the
 * {@link com.algosure.audit.AuditSink} SPI and its built-in sinks, and
 * {@link com.algosure.audit.AuditableDecision}, the view through which decisions reach a sink without an event
 * being built. Depends on nothing else of the SDK: the authorization package implements that view, never the
 * other way round.
 */
@NullMarked
package com.algosure.audit;

import org.jspecify.annotations.NullMarked;

package com.algosure.integration.spi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs escalations; see {@link EscalationHandler#logging()}. Thread-safe. */
final class LoggingEscalationHandler implements EscalationHandler {

  static final LoggingEscalationHandler INSTANCE = new LoggingEscalationHandler();
  private static final Logger LOG = LoggerFactory.getLogger("com.algosure.integration.escalation");

  private LoggingEscalationHandler() {}

  @Override
  public void escalate(Escalation e) {
    LOG.warn("unknown provider state escalated: id={} tenant={} provider={} action={} idempotencyKey={} attempts={} lastError={} evidence={}",
        e.id(), e.tenant(), e.provider(), e.action(), e.idempotencyKey().orElse("-"), e.attempts(), e.lastError(),
        e.evidenceRef());
  }

  @Override
  public void review(Escalation e) {
    LOG.warn("rejected provider answer needs review: id={} tenant={} provider={} action={} idempotencyKey={} attempts={} lastError={} evidence={}",
        e.id(), e.tenant(), e.provider(), e.action(), e.idempotencyKey().orElse("-"), e.attempts(), e.lastError(),
        e.evidenceRef());
  }
}

package com.algosure.integration;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Captures every log event of the JVM (logback ListAppender on the root logger) while open. */
public final class LogCapture implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    appender.start();
    root.addAppender(appender);
  }

  /** @return every captured line: formatted message, arguments and any stack trace */
  public List<String> lines() {
    synchronized (appender) {
      return List.copyOf(appender.list).stream()
          .map(e -> e.getLoggerName() + " " + e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())))
          .collect(Collectors.toList());
    }
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}

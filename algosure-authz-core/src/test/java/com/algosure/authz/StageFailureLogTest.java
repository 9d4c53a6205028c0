package com.algosure.authz;

import static com.algosure.authz.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.algosure.authz.spi.Directory;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A host SPI that fails makes the decision deny (fail closed), and its failure is logged by its class, at every
 * level: its message and its causes' are host code's and may carry a credential or personal data.
 */
class StageFailureLogTest {

  /** A credential in a host exception's message: the directory service's access token, in the URL it called. */
  static final String DIRECTORY_TOKEN = "DO-NOT-LEAK-directory-token-5b1e";

  @Test
  void decideWhenTheDirectoryThrowsWithACredentialInItsMessageThenNoLogLineCarriesItDebugIncluded() {
    Fixtures f = Fixtures.create();
    Directory careless = new Fixtures.HostDirectory(Fixtures.directory()) {
      @Override
      public Set<TenantId> tenantsOf(String subject) {
        throw new UncheckedIOException(new java.io.IOException("Server returned HTTP response code: 401 for URL: "
            + "https://directory.internal/v1/users/" + subject + "/tenants?access_token=" + DIRECTORY_TOKEN));
      }
    };
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).directory(careless)
        .auditSink(f.audit).build();
    Logger logger = (Logger) LoggerFactory.getLogger(PolicyDecisionPoint.class);
    Level before = logger.getLevel();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
    AuthorizationDecision d;
    try {
      d = pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales").build());
    } finally {
      logger.setLevel(before);
      logger.detachAppender(appender);
    }
    List<String> lines = appender.list.stream().map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();

    assertThat(d.reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
    assertThat(lines).anyMatch(l -> l.contains("TENANT") && l.contains("java.io.UncheckedIOException"));
    assertThat(lines).noneMatch(l -> l.contains(DIRECTORY_TOKEN));
    assertThat(d.explanation()).doesNotContain(DIRECTORY_TOKEN);
    assertThat(f.audit.events()).allSatisfy(e -> assertThat(e.toString()).doesNotContain(DIRECTORY_TOKEN));
  }
}

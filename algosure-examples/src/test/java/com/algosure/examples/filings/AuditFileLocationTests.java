package com.algosure.examples.filings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.FileAppender;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The audit trail's file as the example's own logging configuration ({@code logback-spring.xml}) opens it: never a
 * predictable file in a directory everyone can write, never through a link, readable by the service's user only.
 */
class AuditFileLocationTests {

  @TempDir
  Path dir;

  @AfterEach
  void testLogging() throws Exception {
    // back to logback-test.xml for the tests that follow in this JVM
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    logging.reset();
    new ContextInitializer(logging).autoConfig();
  }

  private static ConfigurableApplicationContext start(String... properties) {
    return new SpringApplicationBuilder(FilingsApplication.class)
        .properties("server.port=0", "logging.config=classpath:logback-spring.xml").properties(properties).run();
  }

  private static Path auditAppenderFile() {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    FileAppender<?> audit = (FileAppender<?>) logging.getLogger("com.algosure.audit").getAppender("AUDIT");
    return Path.of(audit.getFile());
  }

  @Test
  void auditFileWhenNotConfiguredThenInANewDirectoryOnlyTheUserMayEnter() throws Exception {
    Path file;
    String property;
    try (ConfigurableApplicationContext context = start()) {
      file = auditAppenderFile();
      property = context.getEnvironment().getProperty("filings.audit-file");
    }
    // was ${java.io.tmpdir}/algosure-filings-audit.log: a name anyone could create first, as a link to any file
    assertThat(file.getParent().getFileName().toString()).as(file.toString()).startsWith("algosure-filings-");
    try {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      assertThat(property).as("the path the walkthrough prints").isEqualTo(file.toString());
    } finally {
      Files.deleteIfExists(file); // only the new private directory's, checked above
      Files.deleteIfExists(file.getParent());
    }
  }

  @Test
  void auditFileWhenConfiguredAsALinkThenStartFailsAndTheLinkedFileIsNotCreated() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path victim = dir.resolve("victim");
    Path link = Files.createSymbolicLink(dir.resolve("audit.log"), victim);

    assertThatThrownBy(() -> start("filings.audit-file=" + link).close())
        .isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessage("filings.audit-file: '" + link + "' is a symbolic link: the audit trail is written to a "
            + "regular file only, never where a link points");
    assertThat(victim).doesNotExist();
  }

  @Test
  void auditFileWhenItsDirectoryIsReachedThroughALinkOthersCanReplaceThenWrittenAtTheRealPath() throws Exception {
    // the directory the link names is private, but the link sits where anyone may replace it, pointing the trail
    // elsewhere after start-up has checked it: logging must open the file by its real path, not through the link
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path real = Files.createDirectory(dir.resolve("real"));
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path link = Files.createSymbolicLink(shared.resolve("logs"), real);

    Path file;
    String property;
    try (ConfigurableApplicationContext context = start("filings.audit-file=" + link.resolve("audit.log"))) {
      file = auditAppenderFile();
      property = context.getEnvironment().getProperty("filings.audit-file");
    }
    assertThat(file).isEqualTo(real.resolve("audit.log"));
    assertThat(property).as("the path the walkthrough prints").isEqualTo(file.toString());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void auditFileWhenConfiguredInADirectoryOthersCanWriteThenStartFails() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path file = dir.resolve("audit.log");

    assertThatThrownBy(() -> start("filings.audit-file=" + file).close())
        .isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("filings.audit-file: '" + file + "' is in a directory other users can write "
            + "(rwxrwxrwx)");
    assertThat(file).doesNotExist();
  }

  @Test
  void auditFileWhenConfiguredInADirectoryAnotherUserOwnsThenStartFails() throws Exception {
    // giving a directory away needs root; the CI and the build machine run the tests as root
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a directory away");
    Path theirs = Files.createDirectory(dir.resolve("theirs"));
    Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwxr-xr-x"));
    // nobody else can write it, but its owner can: put a link where the file is, before logging opens it or after
    Files.setOwner(theirs, theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
    Path file = theirs.resolve("audit.log");

    assertThatThrownBy(() -> start("filings.audit-file=" + file).close())
        .isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("filings.audit-file: '" + file + "' is in a directory another user owns (nobody)");
    assertThat(file).doesNotExist();
  }

  @Test
  void auditFileWhenConfiguredInAPrivateDirectoryThenCreatedOwnerOnlyAndWritten() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path file = dir.resolve("audit.log");
    try (ConfigurableApplicationContext context = start("filings.audit-file=" + file)) {
      assertThat(auditAppenderFile()).isEqualTo(file);
    }

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }
}

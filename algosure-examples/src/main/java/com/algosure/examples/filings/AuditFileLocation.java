package com.algosure.examples.filings;

import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes the audit trail's file ready before logging opens it ({@code logback-spring.xml} appends to
 * {@code filings.audit-file}). The trail names people, tenants and what they did, so only the service's user may
 * read it or choose where it goes:
 *
 * <ul>
 *   <li>{@code filings.audit-file} unset: a new directory with a random name, only the user may enter
 *       ({@code rwx------}), holding {@code audit.log};
 *   <li>set: its directory, taken by its real path (a link on the way is resolved once, here, so that nobody can
 *       point it elsewhere later), must be one no other user can write (not {@code /tmp}: anyone could put a link
 *       there that sends the trail into another file), owned by the service's user (or root), the file is created
 *       owner-only ({@code rw-------}) or, if it exists, must be a regular file, not a symbolic link, and is made
 *       owner-only.
 * </ul>
 *
 * <p>The property is then set to the file's absolute path, which the walkthrough prints. Registered in
 * {@code META-INF/spring.factories}; runs after the configuration files are read and before logging starts.
 *
 * @since 0.1.0
 */
public final class AuditFileLocation implements EnvironmentPostProcessor {

  /** The property naming the audit trail's file. */
  public static final String PROPERTY = "filings.audit-file";

  private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

  /** Created by Spring Boot. */
  public AuditFileLocation() {}

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    String configured = environment.getProperty(PROPERTY);
    Path file;
    try {
      file = configured == null || configured.isBlank() ? privateFile()
          : prepare(Path.of(configured.strip()).toAbsolutePath().normalize());
    } catch (IOException e) {
      throw new InvalidAlgosureConfigurationException(PROPERTY, "the audit trail's file could not be prepared ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + "); name a file the service's user may create", e);
    }
    environment.getPropertySources().addFirst(new MapPropertySource("filingsAuditFile", Map.of(PROPERTY, file.toString())));
  }

  private static Path privateFile() throws IOException {
    // a fresh, unpredictable name, created rwx------ where POSIX permissions exist: nobody else can enter it
    Path file = Files.createTempDirectory("algosure-filings-").resolve("audit.log");
    create(file);
    return file;
  }

  private static Path prepare(Path file) throws IOException {
    Path dir = file.getParent();
    if (dir == null) {
      throw new InvalidAlgosureConfigurationException(PROPERTY, "'" + file + "' is not a file in a directory");
    }
    if (posix(dir) && !Files.exists(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
    }
    // the directory by its real path: a link on the way (in a directory others can write) could be pointed elsewhere
    // once this check is done, before or after logging opens the file; the property names the real path
    dir = dir.toRealPath();
    file = dir.resolve(String.valueOf(file.getFileName()));
    if (posix(dir)) {
      PosixFileAttributes d = Files.readAttributes(dir, PosixFileAttributes.class);
      if (d.permissions().contains(PosixFilePermission.GROUP_WRITE) || d.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new InvalidAlgosureConfigurationException(PROPERTY, "'" + file + "' is in a directory other users can write ("
            + PosixFilePermissions.toString(d.permissions()) + "): one of them could replace it with a link that sends "
            + "the audit trail into another file; choose a directory only the service's user can write, or leave "
            + PROPERTY + " unset for a new private one");
      }
      // its owner can write it whatever its permissions say (and change them): it must be the service's user
      UserPrincipal owner = d.owner();
      if (!owner.equals(serviceUser(dir)) && !owner.getName().equals("root")) {
        throw new InvalidAlgosureConfigurationException(PROPERTY, "'" + file + "' is in a directory another user owns ("
            + owner.getName() + "): that user could replace it with a link that sends the audit trail into another "
            + "file; choose a directory the service's user owns, or leave " + PROPERTY + " unset for a new private one");
      }
    }
    if (Files.isSymbolicLink(file)) {
      throw new InvalidAlgosureConfigurationException(PROPERTY, "'" + file + "' is a symbolic link: the audit trail is "
          + "written to a regular file only, never where a link points");
    }
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidAlgosureConfigurationException(PROPERTY, "'" + file + "' is not a regular file");
      }
      if (posix(file)) {
        Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
      }
    } else {
      create(file);
    }
    return file;
  }

  private static void create(Path file) throws IOException {
    try {
      // never follows a link: fails if anything, a dangling link included, is there already
      if (posix(file)) { // the file system the file (and so its directory) is on
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      throw new InvalidAlgosureConfigurationException(PROPERTY, "'" + file + "' appeared while it was being created: "
          + "another process writes in its directory; choose a directory only the service's user can write", e);
    }
  }

  /** @return the user the service runs as, or null if the file system does not know that name */
  private static @Nullable UserPrincipal serviceUser(Path dir) throws IOException {
    try {
      return dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
    } catch (UserPrincipalNotFoundException e) {
      return null; // then only root's directories are taken
    }
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}

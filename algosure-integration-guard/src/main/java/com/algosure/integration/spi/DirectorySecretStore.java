package com.algosure.integration.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Secrets in files of a directory; see {@link SecretStore#directory(Path, Duration)}. Thread-safe. */
final class DirectorySecretStore implements SecretStore {

  private static final Logger LOG = LoggerFactory.getLogger(DirectorySecretStore.class);

  /** The largest secret file read: a credential, a key or a certificate chain is far smaller. */
  static final int MAX_BYTES = 1024 * 1024;

  private final Path directory;
  private final Duration lease;

  DirectorySecretStore(Path directory, Duration lease) {
    this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
    this.lease = Leases.require(lease);
  }

  @Override
  public Optional<SecretLease> resolve(SecretRef ref, Instant now) {
    // SecretRef has no '..' segments; the check below is the second line of defence
    Path file = directory.resolve(ref.name()).normalize();
    if (!file.startsWith(directory)) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      // follows links, as a mounted Kubernetes secret's files are
      if (!Files.readAttributes(file, BasicFileAttributes.class).isRegularFile()) {
        // opening a pipe without a writer blocks, a device may never end: every call would wait on it
        LOG.warn("secret '{}' is not a regular file in {} (a directory, a pipe or a device), so it is not read: make it "
            + "a file holding the value", ref, directory);
        return Optional.empty();
      }
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("secret '{}' could not be read from {}: {}", ref, directory, e.getClass().getSimpleName());
      return Optional.empty();
    }
    if (bytes.length > MAX_BYTES) {
      Arrays.fill(bytes, (byte) 0);
      LOG.warn("secret '{}' in {} is larger than {} bytes, so it is not read: is the reference naming the right file?",
          ref, directory, MAX_BYTES);
      return Optional.empty();
    }
    int end = bytes.length;
    if (end > 0 && bytes[end - 1] == '\n') {
      end--;
      if (end > 0 && bytes[end - 1] == '\r') {
        end--;
      }
    }
    if (end == 0) {
      // a mount whose value was never set: say so, or the call's SECRET_UNAVAILABLE reads like a missing file
      LOG.warn("secret '{}' in {} is empty (or only a line break), so it is not available: write the value into the "
          + "file", ref, directory);
      return Optional.empty();
    }
    byte[] value = Arrays.copyOf(bytes, end);
    Arrays.fill(bytes, (byte) 0);
    return Optional.of(new SecretLease(Secret.ofBytes(ref, value), Leases.expiry(now, lease)));
  }

  @Override
  public String toString() {
    return "DirectorySecretStore[" + directory + ", lease " + lease + "]";
  }
}

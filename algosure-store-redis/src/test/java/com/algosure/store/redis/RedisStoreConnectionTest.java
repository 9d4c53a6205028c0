package com.algosure.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisStoreConnectionTest {

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void buildWhenRedisUnreachableThenFailsWithinConnectTimeoutAndNamesOnlyHostAndPort() throws IOException {
    int port = closedPort();
    long start = System.nanoTime();

    assertThatThrownBy(() -> RedisStoreConnection.builder("redis://user:s3cr3t-pw@127.0.0.1:" + port)
        .connectTimeout(Duration.ofMillis(500)).build())
        .isInstanceOf(RedisStoreUnavailableException.class)
        .hasMessage("Redis at 127.0.0.1:" + port + " could not be reached within connectTimeout PT0.5S; check it runs and "
            + "the URI is right")
        .message().doesNotContain("s3cr3t-pw");
    // bounded: the connect timeout plus starting and stopping the client's event loops (class loading on first use)
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void toStringWhenUriHasPasswordThenPasswordNeverShown() {
    try (RedisStoreConnection c = RedisStoreConnection.builder(RedisFixture.URI).keyPrefix("algosure-test:tostring:").build()) {
      assertThat(c).hasToString("RedisStoreConnection[127.0.0.1:6379, prefix algosure-test:tostring:, commandTimeout PT0.5S]");
      assertThat(c.isConnected()).isTrue();
    }
  }

  @Test
  void buildWhenRedisNeedsAPasswordThenTheRightOneConnectsAndNeitherIsEverShown() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start(List.of("--requirepass", "s3cr3t-pw"))) {
      String right = "redis://:s3cr3t-pw@127.0.0.1:" + server.port;
      try (RedisStoreConnection c = RedisStoreConnection.builder(right).keyPrefix("algosure-test:pw:").build()) {
        assertThat(c).hasToString("RedisStoreConnection[127.0.0.1:" + server.port + ", prefix algosure-test:pw:, "
            + "commandTimeout PT0.5S]");
        assertThat(RedisRateLimitStore.create(c).acquire(RateLimitKey.providerWide(ProviderId.of("acme-mail")),
            RateLimit.of(1, Duration.ofSeconds(1)), Instant.now())).isEqualTo(RateLimitDecision.granted());
      }

      // a wrong password is not an unreachable server: the message says what Redis answered, never the password
      assertThatThrownBy(() -> RedisStoreConnection.builder("redis://:wr0ng-pw@127.0.0.1:" + server.port).build())
          .isInstanceOf(RedisStoreUnavailableException.class)
          .hasMessage("Redis at 127.0.0.1:" + server.port + " refused the connection (WRONGPASS); check the URI's user "
              + "name and password, and its database number")
          .message().doesNotContain("wr0ng-pw");
      assertThatThrownBy(() -> RedisStoreConnection.builder("redis://127.0.0.1:" + server.port).build())
          .isInstanceOf(RedisStoreUnavailableException.class)
          .hasMessage("Redis at 127.0.0.1:" + server.port + " refused the connection (NOAUTH); check the URI's user "
              + "name and password, and its database number");
    }
  }

  @Test
  void commandWhenTheConnectionWasClosedThenSaysSoInsteadOfPromisingAReconnection() {
    RedisStoreConnection c = RedisStoreConnection.builder(RedisFixture.URI).keyPrefix("algosure-test:closed:").build();
    RedisRateLimitStore store = RedisRateLimitStore.create(c);
    c.close();

    // a closed connection never reconnects: "reconnects by itself" sent operators to a Redis that was fine
    assertThatThrownBy(() -> store.pausedUntil(RateLimitKey.providerWide(ProviderId.of("acme-mail")), Instant.now()))
        .isInstanceOf(RedisStoreException.class)
        .hasMessage("RedisStoreConnection[127.0.0.1:6379, prefix algosure-test:closed:, commandTimeout PT0.5S] was closed "
            + "(GET); build a new one");
    assertThat(c.isConnected()).isFalse();
  }

  @Test
  void claimWhenRedisIsFullThenTheMessageNamesRedissReasonNotJustAnExceptionClass() throws Exception {
    // a Redis at maxmemory (noeviction, as the stores require) refuses every claim, and "refused claim:
    // RedisCommandExecutionException" did not say why
    try (RedisServerProcess full = RedisServerProcess.start(List.of("--maxmemory", "3mb", "--maxmemory-policy", "noeviction"));
        RedisStoreConnection c = RedisStoreConnection.builder(full.uri()).build()) {
      RedisIdempotencyStore store = RedisIdempotencyStore.builder(c).build();
      String padding = "x".repeat(512 * 1024);
      RedisStoreException refused = null;
      for (int i = 0; i < 20 && refused == null; i++) {
        try {
          store.claim(new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "send", "k-" + i), padding,
              "owner-1", Duration.ofMinutes(1));
        } catch (RedisStoreException e) {
          refused = e;
        }
      }

      assertThat(refused).isNotNull();
      assertThat(refused).hasMessage("Redis at 127.0.0.1:" + full.port + " refused claim: OOM (RedisCommandExecutionException)");
    }
  }

  @Test
  void builderWhenUriMalformedThenRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> RedisStoreConnection.builder("http://user:s3cr3t-pw@host"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("redisUri is not a Redis URI (redis://host:port or rediss://host:port)");
  }

  @Test
  void builderWhenOptionSetTwiceThenRefused() {
    RedisStoreConnection.Builder b = RedisStoreConnection.builder(RedisFixture.URI).commandTimeout(Duration.ofMillis(100));

    assertThatThrownBy(() -> b.commandTimeout(Duration.ofMillis(200))).isInstanceOf(IllegalStateException.class)
        .hasMessage("commandTimeout was already set");
  }

  @Test
  void builderWhenTimeoutOutOfRangeThenRefused() {
    assertThatThrownBy(() -> RedisStoreConnection.builder(RedisFixture.URI).commandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("commandTimeout must be between PT0.001S and PT1M, was PT0S");
    assertThatThrownBy(() -> RedisStoreConnection.builder(RedisFixture.URI).reconnectDelayMax(Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reconnectDelayMax must be between PT0.01S and PT1M, was PT1H");
  }

  @Test
  void builderWhenKeyPrefixHasSpacesOrBracesThenRefused() {
    assertThatThrownBy(() -> RedisStoreConnection.builder(RedisFixture.URI).keyPrefix("my app {x}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keyPrefix must be 1 to 64 letters, digits and . _ : / -, was 'my app {x}'");
  }

  @Test
  void commandWhenRedisStopsAnsweringThenTimesOutWithinCommandTimeout() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start();
        RedisStoreConnection c = RedisStoreConnection.builder(server.uri()).commandTimeout(Duration.ofMillis(200)).build()) {
      RedisRateLimitStore store = RedisRateLimitStore.create(c);
      // a paused process keeps the socket open but never answers: only the command timeout ends the wait
      new ProcessBuilder("kill", "-STOP", Long.toString(server.pid())).start().waitFor();
      try {
        long start = System.nanoTime();
        assertThatThrownBy(() -> store.pausedUntil(com.algosure.integration.spi.RateLimitKey.providerWide(
            com.algosure.integration.ProviderId.of("acme-mail")), java.time.Instant.now()))
            .isInstanceOf(RedisStoreUnavailableException.class)
            .hasMessage("Redis at 127.0.0.1:" + server.port + " did not answer GET within commandTimeout PT0.2S; check its "
                + "load and the network");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      } finally {
        new ProcessBuilder("kill", "-CONT", Long.toString(server.pid())).start().waitFor();
      }
    }
  }
}

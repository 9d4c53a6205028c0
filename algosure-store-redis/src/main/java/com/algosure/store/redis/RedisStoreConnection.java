package com.algosure.store.redis;

import static com.algosure.authz.internal.Options.once;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lettuce connection to Redis, shared by the Redis stores of one process (Lettuce multiplexes every
 * thread's commands over it). Commands are bounded by {@code commandTimeout}; while Redis is unreachable they
 * fail at once instead of queueing (fail closed), and the connection reconnects in the background with a
 * bounded backoff, so the stores recover when Redis is back. Scripts are loaded once and run by SHA; a Redis
 * that lost them (a restart) gets them again on the first {@code NOSCRIPT}.
 *
 * <p>Every key the stores write starts with {@code keyPrefix}, so several applications (or test runs) can share
 * one Redis without colliding.
 *
 * <p>Thread-safe. Close it when the stores are no longer used.
 *
 * @since 0.1.0
 */
public final class RedisStoreConnection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RedisStoreConnection.class);
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._:/-]{1,64}");
  /** The code a Redis error starts with ({@code WRONGPASS}, {@code NOAUTH}, {@code ERR}). */
  private static final Pattern ERROR_CODE = Pattern.compile("[A-Z][A-Z_]{1,31}(?![A-Za-z0-9_])");

  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisCommands<String, String> commands;
  private final String where;
  private final String keyPrefix;
  private final Duration commandTimeout;
  private volatile boolean closed;

  private RedisStoreConnection(Builder b) {
    this.where = b.uri.getHost() + ":" + b.uri.getPort();
    this.keyPrefix = Objects.requireNonNull(b.keyPrefix);
    this.commandTimeout = Objects.requireNonNull(b.commandTimeout);
    Duration maxDelay = Objects.requireNonNull(b.reconnectDelayMax);
    this.resources = ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), maxDelay, 2, TimeUnit.MILLISECONDS))
        .build();
    RedisURI uri = b.uri;
    uri.setTimeout(commandTimeout);
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        // while disconnected, fail at once: a queued command would run late, after the guard has moved on
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(Objects.requireNonNull(b.connectTimeout)).keepAlive(true).build())
        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
        .build());
    try {
      this.connection = client.connect();
    } catch (RedisException e) {
      shutdown();
      String refusal = refusal(e);
      if (refusal != null) {
        // Redis answered, with an error (a wrong password, a database it does not have): not a network problem
        throw new RedisStoreUnavailableException("Redis at " + where + " refused the connection (" + refusal + "); check "
            + "the URI's user name and password, and its database number", e);
      }
      throw new RedisStoreUnavailableException("Redis at " + where + " could not be reached within connectTimeout "
          + b.connectTimeout + "; check it runs and the URI is right", e);
    }
    this.commands = connection.sync();
  }

  /**
   * @return the error code Redis answered with (to the connection's handshake: {@code WRONGPASS}, {@code NOAUTH}; to a
   *     command: {@code OOM}, {@code NOPERM}), or null if it did not answer with an error; only the code, as the rest
   *     of an error may echo what was sent
   */
  private static @Nullable String refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RedisCommandExecutionException && t.getMessage() != null) {
        Matcher code = ERROR_CODE.matcher(t.getMessage());
        return code.lookingAt() ? code.group() : "an error";
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /**
   * A new builder.
   *
   * @param redisUri where Redis is, such as {@code redis://127.0.0.1:6379} or {@code rediss://user:pw@host:6380/0}
   *     (a password in it is never logged or shown)
   * @return the builder
   * @throws IllegalArgumentException if the URI cannot be parsed
   */
  public static Builder builder(String redisUri) {
    Objects.requireNonNull(redisUri, "redisUri");
    try {
      return new Builder(RedisURI.create(redisUri));
    } catch (RuntimeException e) {
      // the message may echo the URI, and with it a password: say only what is wrong
      throw new IllegalArgumentException("redisUri is not a Redis URI (redis://host:port or rediss://host:port)");
    }
  }

  /** @return the prefix every key of these stores starts with */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** @return how long one command may take */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** @return whether the connection is up now (it reconnects by itself when Redis comes back) */
  public boolean isConnected() {
    return connection.isOpen();
  }

  /** Runs a script by SHA, loading it first if Redis does not know it (after a restart). One round trip. */
  <T> T eval(Script script, ScriptOutputType type, String[] keys, String... args) {
    return call(script.name(), c -> {
      try {
        return c.evalsha(script.sha(), type, keys, args);
      } catch (RedisNoScriptException e) {
        c.scriptLoad(script.body());
        return c.evalsha(script.sha(), type, keys, args);
      }
    });
  }

  /** Loads scripts once, so the first call does not pay for it. */
  void load(Script... scripts) {
    for (Script s : scripts) {
      String sha = call("SCRIPT LOAD " + s.name(), c -> c.scriptLoad(s.body()));
      if (!s.sha().equals(sha)) {
        throw new RedisStoreException("Redis at " + where + " named script " + s.name() + " " + sha + ", expected " + s.sha());
      }
    }
  }

  /**
   * Refuses a Redis that evicts keys when it reaches {@code maxmemory} (any {@code maxmemory-policy} but
   * {@code noeviction}, with a {@code maxmemory} set): every key of these stores has a time to live, so even the
   * {@code volatile-*} policies may drop one early. Where Redis does not allow {@code CONFIG GET} (managed services),
   * logs a warning and goes on.
   *
   * @param consequence what an evicted key would cause, for the message
   * @throws RedisStoreException if Redis evicts keys, or failed
   */
  void requireNoEviction(String consequence) {
    Map<String, String> config;
    try {
      // one pattern, not two names: CONFIG GET takes several parameters only from Redis 7 on, and the error an older
      // one answers would be taken for CONFIG GET not being allowed, skipping the check
      config = call("CONFIG GET", c -> c.configGet("maxmemory*"));
    } catch (RedisStoreUnavailableException e) {
      throw e;
    } catch (RedisStoreException e) {
      LOG.warn("Redis at {} does not allow CONFIG GET, so its maxmemory-policy was not checked: make sure it is "
          + "noeviction, since {}", where, consequence);
      return;
    }
    String policy = config.get("maxmemory-policy");
    String maxmemory = config.get("maxmemory");
    if (policy != null && !"noeviction".equals(policy) && maxmemory != null && !"0".equals(maxmemory)) {
      throw new RedisStoreException("Redis at " + where + " evicts keys when it reaches maxmemory (maxmemory-policy "
          + policy + "): " + consequence + "; set maxmemory-policy to noeviction, or maxmemory to 0");
    }
  }

  @Nullable String get(String key) {
    return call("GET", c -> c.get(key));
  }

  List<io.lettuce.core.KeyValue<String, String>> hmget(String key, String... fields) {
    return call("HMGET", c -> c.hmget(key, fields));
  }

  private <T> T call(String what, Function<RedisCommands<String, String>, T> command) {
    if (closed) {
      // Lettuce's answer on a closed client is an IllegalStateException from its stopped timer ("cannot be started
      // once stopped"), and a closed connection, unlike a lost one, never comes back
      throw new RedisStoreException(this + " was closed (" + what + "); build a new one");
    }
    try {
      return command.apply(commands);
    } catch (RedisCommandTimeoutException e) {
      throw new RedisStoreUnavailableException("Redis at " + where + " did not answer " + what + " within commandTimeout "
          + commandTimeout + "; check its load and the network", e);
    } catch (RedisConnectionException e) {
      throw new RedisStoreUnavailableException("Redis at " + where + " is not reachable (" + what + "); the connection "
          + "reconnects by itself when it is back", e);
    } catch (RedisException e) {
      if (!connection.isOpen() || e.getMessage() != null && e.getMessage().contains("not connected")) {
        throw new RedisStoreUnavailableException("Redis at " + where + " is not connected (" + what + "); the connection "
            + "reconnects by itself when it is back", e);
      }
      // Redis's error code says why (OOM: full, NOPERM: not allowed by its ACL, READONLY: a replica); the rest of its
      // error is left to the cause, as it may echo what was sent
      String code = e instanceof RedisCommandExecutionException ? refusal(e) : null;
      throw new RedisStoreException("Redis at " + where + " refused " + what + ": "
          + (code == null ? "" : code + " (") + e.getClass().getSimpleName() + (code == null ? "" : ")"), e);
    }
  }

  /** Closes the connection and releases its threads; the stores on it then fail every call. */
  @Override
  public void close() {
    closed = true;
    connection.close();
    shutdown();
  }

  private void shutdown() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "RedisStoreConnection[" + where + ", prefix " + keyPrefix + ", commandTimeout " + commandTimeout + "]";
  }

  /**
   * Builds a {@link RedisStoreConnection}. Each option may be set once; all have defaults. Not thread-safe.
   */
  public static final class Builder {
    private final RedisURI uri;
    private @Nullable Duration commandTimeout;
    private @Nullable Duration connectTimeout;
    private @Nullable Duration reconnectDelayMax;
    private @Nullable String keyPrefix;

    private Builder(RedisURI uri) {
      this.uri = uri;
    }

    private static Duration within(String option, Duration d, Duration min, Duration max) {
      Objects.requireNonNull(d, option);
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", was " + d);
      }
      return d;
    }

    /**
     * @param timeout how long one store operation may take, 1 ms to 1 minute (default 500 ms); past it the
     *     guard fails the call closed
     * @return this builder
     */
    public Builder commandTimeout(Duration timeout) {
      once(commandTimeout, "commandTimeout");
      this.commandTimeout = within("commandTimeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(1));
      return this;
    }

    /**
     * @param timeout how long connecting may take, 1 ms to 1 minute (default 2 seconds)
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      once(connectTimeout, "connectTimeout");
      this.connectTimeout = within("connectTimeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(1));
      return this;
    }

    /**
     * @param delay the longest wait between two reconnection attempts, 10 ms to 1 minute (default 1 second)
     * @return this builder
     */
    public Builder reconnectDelayMax(Duration delay) {
      once(reconnectDelayMax, "reconnectDelayMax");
      this.reconnectDelayMax = within("reconnectDelayMax", delay, Duration.ofMillis(10), Duration.ofMinutes(1));
      return this;
    }

    /**
     * @param prefix what every key starts with: 1 to 64 letters, digits and {@code . _ : / -} (default
     *     {@code algosure:})
     * @return this builder
     */
    public Builder keyPrefix(String prefix) {
      once(keyPrefix, "keyPrefix");
      Objects.requireNonNull(prefix, "prefix");
      if (!PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException("keyPrefix must be 1 to 64 letters, digits and . _ : / -, was '" + prefix + "'");
      }
      this.keyPrefix = prefix;
      return this;
    }

    /**
     * Connects.
     *
     * @return the connection
     * @throws RedisStoreUnavailableException if Redis cannot be reached within {@code connectTimeout}, or refuses the
     *     connection (a wrong password, a database number it does not have: the message names Redis's error code)
     */
    public RedisStoreConnection build() {
      Builder s = new Builder(RedisURI.builder(uri).build());
      s.commandTimeout = commandTimeout == null ? Duration.ofMillis(500) : commandTimeout;
      s.connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
      s.reconnectDelayMax = reconnectDelayMax == null ? Duration.ofSeconds(1) : reconnectDelayMax;
      s.keyPrefix = keyPrefix == null ? "algosure:" : keyPrefix;
      return new RedisStoreConnection(s);
    }
  }
}

package com.algosure.store.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The shared Redis fixture: the real Redis 7 on 127.0.0.1:6379, a key prefix unique to one test class run,
 * connections built on it, and a cleanup that deletes every key under the prefix.
 */
final class RedisFixture implements AutoCloseable {

  static final String URI = "redis://127.0.0.1:6379";

  final String prefix;
  private final RedisClient admin;
  private final StatefulRedisConnection<String, String> adminConnection;

  RedisFixture(Class<?> testClass) {
    this.prefix = "algosure-test:" + testClass.getSimpleName() + ":" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";
    this.admin = RedisClient.create(URI);
    this.adminConnection = admin.connect();
  }

  /** A new connection (as one service instance would have) on the test's prefix. */
  RedisStoreConnection connect() {
    return RedisStoreConnection.builder(URI).keyPrefix(prefix).build();
  }

  /** Direct commands, to look at (or tamper with) what the stores wrote. */
  RedisCommands<String, String> redis() {
    return adminConnection.sync();
  }

  long keys() {
    long n = 0;
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = redis().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
      n += page.getKeys().size();
      cursor = page;
    } while (!cursor.isFinished());
    return n;
  }

  @Override
  public void close() {
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = redis().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
      if (!page.getKeys().isEmpty()) {
        redis().unlink(page.getKeys().toArray(new String[0]));
      }
      cursor = page;
    } while (!cursor.isFinished());
    adminConnection.close();
    admin.shutdown();
  }
}

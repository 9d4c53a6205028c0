package com.algosure.store.jdbc;

import static com.algosure.authz.internal.Options.once;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditSink;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, tamper-evident audit sink on PostgreSQL over plain JDBC. Events go into a bounded in-memory
 * batch; one writer thread per sink writes each batch in one transaction (by size: up to {@code batchSize}
 * events; by time: a batch waits at most {@code flushInterval} for more events). Each tenant's events form
 * a hash chain, {@code hash(n) = SHA-256(hash(n-1) || canonical event n)}, so {@link #verifyChain(String)}
 * names the first edited or deleted row. Writers lock the tenant's chain head row, so any number of threads,
 * sink instances and processes may write the same tenant.
 *
 * <p>Failure is never silent: with {@link AuditAcknowledgement#ON_COMMIT} (the default) {@link #record}
 * returns only after the event's transaction committed and throws {@link AuditWriteException} otherwise, so
 * the caller's {@link com.algosure.audit.AuditFailurePolicy} applies to that event; see
 * {@link AuditAcknowledgement#ON_QUEUE} for the faster, weaker mode. Every wait is bounded:
 * {@code writeTimeout} bounds how long a caller waits, {@code statementTimeout} how long the database may
 * take (PostgreSQL's {@code statement_timeout} and {@code lock_timeout}). Connecting is bounded by the
 * DataSource's own settings (set PgJDBC's {@code connectTimeout}/{@code socketTimeout} or the pool's
 * connection timeout).
 *
 * <p>Stored: the event's fields and its details as JSON (ids, codes, hashes: the {@link AuditEvent} model
 * carries no secret or raw payload), the timestamp at microsecond precision. The schema is
 * {@code META-INF/algosure/jdbc/V1__audit.sql}; apply it with your migration tool or {@link #initialize()}.
 * Requires PostgreSQL 11 or later.
 *
 * <p>Thread-safe. Close it to write what is queued and stop the writer thread.
 *
 * @since 0.1.0
 */
public final class JdbcAuditSink implements AuditSink, AutoCloseable {

  /** The tenant value under which events without a tenant are chained: the empty string. */
  public static final String NO_TENANT = "";

  /** The schema script this sink needs, under {@code META-INF/algosure/jdbc/}. */
  public static final String SCHEMA_SCRIPT = "V1__audit.sql";

  private static final Logger LOG = LoggerFactory.getLogger(JdbcAuditSink.class);
  private static final Duration RETRY_INTERVAL = Duration.ofMillis(250);

  private final DataSource dataSource;
  private final SqlSchema schema;
  private final int batchSize;
  private final int capacity;
  private final Duration flushInterval;
  private final Duration writeTimeout;
  private final Duration statementTimeout;
  private final AuditAcknowledgement acknowledgement;
  private final AuditBatchWriter batchWriter;
  private final LinkedBlockingQueue<Pending> queue;
  private final Thread writer;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final AtomicInteger backlog = new AtomicInteger();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean closed;
  /** Taken by the one close() that does the closing; every other close() and flush() waits for its outcome. */
  private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
  /** What the closing close() reported: the failure naming the events not written, or empty if it wrote them all. */
  private final CompletableFuture<Optional<AuditWriteException>> closeOutcome = new CompletableFuture<>();
  /** Set when the writer thread ends, whatever the reason: nothing would write what is queued after that. */
  private volatile boolean writerStopped;
  private volatile long closeDeadlineNanos = Long.MAX_VALUE;
  private volatile @Nullable AuditWriteException lastFailure;
  private volatile List<Pending> retained = List.of();
  /** The events of the batch the writer is writing now: close() reports them if it stops waiting first. */
  private volatile List<Pending> writing = List.of();

  private JdbcAuditSink(Builder b) {
    this.dataSource = Objects.requireNonNull(b.dataSource);
    this.schema = Objects.requireNonNull(b.schema);
    this.batchSize = b.batchSize;
    this.capacity = b.capacity;
    this.flushInterval = Objects.requireNonNull(b.flushInterval);
    this.writeTimeout = Objects.requireNonNull(b.writeTimeout);
    this.statementTimeout = Objects.requireNonNull(b.statementTimeout);
    this.acknowledgement = Objects.requireNonNull(b.acknowledgement);
    this.batchWriter = new AuditBatchWriter(schema, statementTimeout);
    // markers for flush() may take slots beyond the events' capacity
    this.queue = b.queue != null ? b.queue : new LinkedBlockingQueue<>();
    this.writer = new Thread(this::runWriter, "algosure-jdbc-audit-writer");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /**
   * A new builder.
   *
   * @param dataSource where to write; a pooled DataSource is recommended (each batch borrows one connection)
   * @return the builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Creates the tables, indexes and append-only triggers of {@link #SCHEMA_SCRIPT} (and the schema, where one
   * is configured) if they do not exist. Idempotent; call it once at start-up, or apply the script with your
   * migration tool instead. The sink never runs DDL on its own.
   *
   * @throws SchemaInitializationException if the script could not be applied
   */
  public void initialize() {
    schema.apply(dataSource, SCHEMA_SCRIPT, statementTimeout);
  }

  /**
   * Records one event: with {@link AuditAcknowledgement#ON_COMMIT}, waits until it is committed.
   *
   * @param event the event
   * @throws AuditWriteException if the event was not written (the database failed or is unreachable, or the
   *     event holds a character PostgreSQL cannot store), or the sink is closed (also when {@link #close()} begins
   *     while the event is being queued); {@link AuditWriteTimeoutException} if the write was
   *     not confirmed within {@code writeTimeout}; {@link AuditBacklogFullException} if {@code capacity} events
   *     wait already; with {@link AuditAcknowledgement#ON_QUEUE}, also while an earlier flush is failing; also once
   *     the writer thread has stopped (interrupted, or killed by an error)
   */
  @Override
  public void record(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    StorableText.check(event);
    if (closed) {
      throw new AuditWriteException("audit event " + event.id() + " not recorded: the JDBC audit sink is closed",
          event.id(), null);
    }
    if (writerStopped) {
      throw writerStopped(event);
    }
    AuditWriteException failing = lastFailure;
    if (failing != null) {
      throw new AuditWriteException("audit event " + event.id() + " not recorded: the audit database is failing and "
          + pending() + " earlier events wait to be written; " + failing.getMessage(), event.id(), failing);
    }
    if (backlog.incrementAndGet() > capacity) {
      backlog.decrementAndGet();
      throw new AuditBacklogFullException("audit event " + event.id() + " not recorded: " + capacity
          + " events wait to be written already (the database is too slow or failing); raise capacity or batchSize, "
          + "or check the database", event.id());
    }
    Pending p = new Pending(event);
    queue.add(p);
    if (closed && p.withdraw()) {
      // close() began while the event was being queued: it may have drained the queue and stopped the writer
      // already, so the event is taken back (the writer skips it) and refused rather than left unwritten
      throw new AuditWriteException("audit event " + event.id() + " not recorded: the JDBC audit sink is closed",
          event.id(), null);
    }
    if (writerStopped && p.withdraw()) {
      queue.remove(p); // nobody will skip it: taken out, so close() does not report it as lost as well
      backlog.decrementAndGet();
      throw writerStopped(event); // it stopped while the event was being queued
    }
    if (acknowledgement == AuditAcknowledgement.ON_COMMIT) {
      await(p, event.id());
    }
  }

  private static AuditWriteException writerStopped(AuditEvent event) {
    return new AuditWriteException("audit event " + event.id() + " not recorded: the JDBC audit sink's writer thread has"
        + " stopped, so nothing would write it; build a new sink", event.id(), null);
  }

  /**
   * Writes every event recorded before this call and waits, at most {@code writeTimeout}, until they are
   * committed. Once the sink is closing or closed, waits for {@link #close()} to end and answers as it did: returns
   * if it wrote every event, throws if it did not.
   *
   * @throws AuditWriteException if they could not be written, or not within {@code writeTimeout}; at once if the
   *     writer thread has stopped (interrupted, or killed by an error), as nothing would write them; if the sink was
   *     closed with events not written
   */
  public void flush() {
    if (closed) {
      // every event recorded before this call is close()'s to write or to report (record refuses events once closed);
      // returning normally after close() reported events not written told the host they were all written
      Optional<AuditWriteException> lost = awaitClose("flush");
      if (lost.isPresent()) {
        throw new AuditWriteException("flush not done: " + lost.get().getMessage(), null, lost.get());
      }
      return;
    }
    if (writerStopped) {
      throw flushWriterStopped();
    }
    Pending marker = new Pending(null);
    queue.add(marker);
    // it stopped as the marker was queued: its answer is final by now (the flag is set once the writer has ended)
    if (writerStopped && !(marker.done.isDone() && !marker.done.isCompletedExceptionally())) {
      queue.remove(marker);
      throw flushWriterStopped();
    }
    await(marker, null);
  }

  private static AuditWriteException flushWriterStopped() {
    return new AuditWriteException("flush not done: the JDBC audit sink's writer thread has stopped, so nothing recorded"
        + " before it will be written; build a new sink", null, null);
  }

  private void await(Pending p, @Nullable String eventId) {
    String what = eventId == null ? "flush" : "audit event " + eventId;
    try {
      p.done.get(writeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      boolean withdrawn = p.withdraw();
      if (!withdrawn && p.done.isDone() && !p.done.isCompletedExceptionally()) {
        return; // committed just as the wait ended
      }
      throw new AuditWriteTimeoutException(what + " not confirmed within writeTimeout " + writeTimeout
          + (withdrawn ? ": withdrawn from the batch, it will not be written" : ": the write had started, the row may exist")
          + "; check the database's health and the DataSource's connect/socket timeouts",
          eventId == null ? "" : eventId, !withdrawn);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new AuditWriteException(what + " not written: " + (cause == null ? "unknown failure" : cause.getMessage()),
          eventId, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      boolean withdrawn = p.withdraw();
      throw new AuditWriteException(what + " not confirmed: the calling thread was interrupted"
          + (withdrawn ? "; withdrawn, it will not be written" : "; the write had started, the row may exist"), eventId, e);
    }
  }

  /** @return how many events wait in memory to be written (queued, in the batch being written, or kept after a failure) */
  public int pending() {
    return backlog.get();
  }

  /** @return how many events this sink has committed */
  public long written() {
    return written.get();
  }

  /** @return how many events this sink failed to write and reported to their callers */
  public long failed() {
    return failed.get();
  }

  /**
   * Verifies one tenant's chain from its first row to its head, in one consistent snapshot, streaming the
   * rows. Stops at the first bad row.
   *
   * @param tenant the tenant ({@link #NO_TENANT} for events without one)
   * @return the verification, naming the first bad row (tenant, sequence, event id) if there is one
   * @throws JdbcStoreException if the database could not be read
   */
  public AuditChainVerification verifyChain(String tenant) {
    return new AuditChainVerifier(dataSource, schema, statementTimeout).verify(Objects.requireNonNull(tenant, "tenant"), null);
  }

  /**
   * Verifies one tenant's chain and that it still holds a head published earlier (see {@link #chainHead}):
   * this also detects a chain rewritten consistently from an earlier row on, head row included.
   *
   * @param tenant the tenant ({@link #NO_TENANT} for events without one)
   * @param anchor a head of the same tenant's chain, obtained and kept safe earlier
   * @return the verification
   * @throws IllegalArgumentException if the anchor belongs to another tenant
   * @throws JdbcStoreException if the database could not be read
   */
  public AuditChainVerification verifyChain(String tenant, AuditChainHead anchor) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(anchor, "anchor");
    if (!anchor.tenant().equals(tenant)) {
      throw new IllegalArgumentException("anchor belongs to tenant '" + anchor.tenant() + "', not '" + tenant + "'");
    }
    return new AuditChainVerifier(dataSource, schema, statementTimeout).verify(tenant, anchor);
  }

  /**
   * Verifies every tenant's chain.
   *
   * @return one verification per tenant that has a chain, ordered by tenant
   * @throws JdbcStoreException if the database could not be read
   */
  public List<AuditChainVerification> verifyAllChains() {
    AuditChainVerifier verifier = new AuditChainVerifier(dataSource, schema, statementTimeout);
    List<AuditChainVerification> results = new ArrayList<>();
    for (String tenant : verifier.tenants()) {
      results.add(verifier.verify(tenant, null));
    }
    return List.copyOf(results);
  }

  /**
   * The newest link of a tenant's chain as the chain head table records it; publish it to anchor later
   * verifications.
   *
   * @param tenant the tenant ({@link #NO_TENANT} for events without one)
   * @return the head, or empty if the tenant has no events
   * @throws JdbcStoreException if the database could not be read
   */
  public Optional<AuditChainHead> chainHead(String tenant) {
    return new AuditChainVerifier(dataSource, schema, statementTimeout).head(Objects.requireNonNull(tenant, "tenant"));
  }

  /**
   * Stops taking events, writes what is queued (waiting at most {@code writeTimeout}) and stops the writer. Every
   * call answers the same: one closes the sink, and any other call, at the same time or later, waits for it to end
   * and then returns or throws as it does. The closing call waits even if its thread is interrupted, and keeps the
   * interrupt flag.
   *
   * @throws AuditWriteException if events could not be written before the timeout; they are named by id in
   *     the ERROR log and counted in the message
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      // returning at once, while the first close() was still writing, told this caller everything was written
      Optional<AuditWriteException> lost = awaitClose("close");
      if (lost.isPresent()) {
        throw new AuditWriteException(String.valueOf(lost.get().getMessage()), null, lost.get());
      }
      return;
    }
    Optional<AuditWriteException> outcome = Optional.empty();
    try {
      outcome = closeOnce();
    } finally {
      closeOutcome.complete(outcome);
    }
    if (outcome.isPresent()) {
      throw outcome.get();
    }
  }

  /**
   * Waits for the closing close() to end; it is bounded by {@code writeTimeout} and one second more.
   *
   * @return its outcome
   * @throws AuditWriteException if the calling thread was interrupted while waiting
   */
  private Optional<AuditWriteException> awaitClose(String what) {
    try {
      return closeOutcome.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuditWriteException(what + " not confirmed: the calling thread was interrupted while the JDBC audit sink"
          + " was closing", null, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("close() completes its outcome normally", e);
    }
  }

  private Optional<AuditWriteException> closeOnce() {
    closed = true;
    closeDeadlineNanos = System.nanoTime() + writeTimeout.toNanos();
    stopping.countDown();
    queue.add(new Pending(null)); // ends a batch waiting for more events
    // waited for on an interrupted thread too (the flag is set again afterwards): giving up at once took the queued
    // events away from a writer about to write them and reported them not written
    long joinDeadline = System.nanoTime() + writeTimeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
    boolean interrupted = false;
    for (long left = joinDeadline - System.nanoTime(); left > 0 && writer.isAlive();
        left = joinDeadline - System.nanoTime()) {
      try {
        writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    List<Pending> lost = new ArrayList<>(retained);
    if (writer.isAlive()) {
      // still writing when close() stopped waiting: those events are not known to be written either
      for (Pending w : writing) {
        if (!w.done.isDone() && !lost.contains(w)) {
          lost.add(w);
        }
      }
    }
    Pending p;
    while ((p = queue.poll()) != null) {
      lost.add(p);
    }
    // flushes queued as close() began: answered with close()'s outcome (left waiting, they timed out saying nothing)
    List<Pending> markers = lost.stream().filter(x -> x.event == null).toList();
    lost.removeIf(x -> x.event == null);
    if (!lost.isEmpty()) {
      AuditWriteException cause = lastFailure;
      List<String> ids = lost.stream().map(x -> Objects.requireNonNull(x.event).id()).toList();
      LOG.error("JDBC audit sink closed with {} events not written: {}", ids.size(), ids);
      AuditWriteException failure = new AuditWriteException("JDBC audit sink closed with " + ids.size()
          + " events not written (ids in the ERROR log)" + (cause == null ? "" : ": " + cause.getMessage()), null, cause);
      lost.forEach(x -> x.done.completeExceptionally(failure));
      markers.forEach(x -> x.done.completeExceptionally(failure));
      return Optional.of(failure);
    }
    markers.forEach(x -> x.done.complete(null));
    return Optional.empty();
  }

  // ---------------------------------------------------------------------------------------------- writer

  private void runWriter() {
    try {
      writeLoop();
    } finally {
      writerStopped = true;
    }
  }

  private void writeLoop() {
    while (true) {
      List<Pending> batch;
      boolean again = !retained.isEmpty();
      if (again) {
        if (closed && System.nanoTime() - closeDeadlineNanos > 0) {
          return; // close() reports what is left
        }
        // the kept events first; flush markers (and events queued before the failure was seen) join them
        batch = new ArrayList<>(retained);
        queue.drainTo(batch, Math.max(0, batchSize - batch.size()) + 16);
      } else {
        Pending first;
        try {
          first = queue.poll(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return;
        }
        if (first == null) {
          if (closed) {
            return;
          }
          continue;
        }
        batch = collect(first);
      }
      writeBatch(batch, again);
    }
  }

  /** A batch: the first event, whatever else is queued (up to batchSize), waiting up to flushInterval for more. */
  private List<Pending> collect(Pending first) {
    List<Pending> batch = new ArrayList<>(Math.min(batchSize, 1024));
    batch.add(first);
    int events = first.event == null ? 0 : 1;
    boolean flushRequested = first.event == null;
    long deadline = first.enqueuedNanos + flushInterval.toNanos();
    while (events < batchSize && !flushRequested) {
      Pending next = queue.poll();
      if (next == null) {
        long wait = deadline - System.nanoTime();
        if (wait <= 0 || closed) {
          break;
        }
        try {
          next = queue.poll(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        if (next == null) {
          break;
        }
      }
      batch.add(next);
      if (next.event == null) {
        flushRequested = true;
      } else {
        events++;
      }
    }
    return batch;
  }

  /** @param again whether the batch holds events kept from a failed attempt, which may have committed */
  private void writeBatch(List<Pending> batch, boolean again) {
    List<Pending> events = new ArrayList<>(batch.size());
    List<Pending> markers = new ArrayList<>(1);
    for (Pending p : batch) {
      if (p.event == null) {
        markers.add(p);
      } else if (p.claim()) {
        events.add(p);
      } else {
        backlog.decrementAndGet(); // withdrawn by its caller
      }
    }
    writing = events;
    try {
      if (!events.isEmpty()) {
        batchWriter.write(dataSource, events.stream().map(p -> p.row).toList(), again);
      }
      succeeded(events, markers);
    } catch (Exception | Error e) {
      if (acknowledgement == AuditAcknowledgement.ON_COMMIT && mayHaveCommitted(e) && committed(events)) {
        // the connection was lost after the commit reached the database: the rows are there, and a caller told
        // otherwise would act on a failure (deny, escalate) the trail does not show
        LOG.warn("JDBC audit batch of {} events lost its connection after committing; the rows were found written",
            events.size());
        succeeded(events, markers);
        return;
      }
      // the DataSource and the driver are host code: whatever they throw (an Error, a checked exception thrown
      // sneakily) fails this batch like any failure, and the writer goes on; let through, it would end the writer
      // thread and leave every later event waiting for nobody
      AuditWriteException failure = describe(e, events.size());
      if (acknowledgement == AuditAcknowledgement.ON_COMMIT) {
        failed.addAndGet(events.size());
        backlog.addAndGet(-events.size());
        LOG.warn("JDBC audit batch of {} events failed; every caller was told: {}", events.size(), failure.getMessage());
        events.forEach(p -> p.done.completeExceptionally(failure));
      } else {
        // keep the events: they were acknowledged to their callers, so they are written or reported by close()
        LOG.warn("JDBC audit batch of {} events failed; kept for the next attempt in {}: {}", events.size(),
            RETRY_INTERVAL, failure.getMessage());
        lastFailure = failure;
        // events queued meanwhile wait with the kept ones; flushes waiting behind them learn the failure now
        List<Pending> kept = new ArrayList<>(events);
        List<Pending> queued = new ArrayList<>();
        queue.drainTo(queued);
        for (Pending p : queued) {
          if (p.event == null) {
            markers.add(p);
          } else {
            kept.add(p);
          }
        }
        retained = kept;
      }
      writing = List.of(); // only now: each event is either told its failure or kept in retained
      markers.forEach(p -> p.done.completeExceptionally(failure));
      if (acknowledgement == AuditAcknowledgement.ON_QUEUE) {
        awaitRetry();
      }
    }
  }

  private void succeeded(List<Pending> events, List<Pending> markers) {
    written.addAndGet(events.size());
    backlog.addAndGet(-events.size());
    retained = List.of();
    lastFailure = null;
    events.forEach(p -> p.done.complete(null));
    markers.forEach(p -> p.done.complete(null));
    writing = List.of();
  }

  /**
   * @return whether the failure may have come after the commit reached the database: the connection was lost while
   *     committing
   */
  private static boolean mayHaveCommitted(Throwable e) {
    return e instanceof AuditBatchWriter.CommitFailedException sql && sql.getSQLState() != null
        && sql.getSQLState().startsWith("08");
  }

  /** @return whether every event of the batch is found written, on a new connection; false if that cannot be read */
  private boolean committed(List<Pending> events) {
    if (events.isEmpty()) {
      return false;
    }
    try {
      return batchWriter.allWritten(dataSource, events.stream().map(p -> p.row).toList());
    } catch (Exception | Error e) { // the database is still out of reach: the batch failed, as reported
      return false;
    }
  }

  private void awaitRetry() {
    try {
      if (!closed) {
        stopping.await(RETRY_INTERVAL.toNanos(), TimeUnit.NANOSECONDS); // close() ends the wait early
        return;
      }
      // closing: keep the retry pace until close()'s deadline, then the loop gives up and close() reports
      long wait = Math.min(RETRY_INTERVAL.toNanos(), closeDeadlineNanos - System.nanoTime());
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private AuditWriteException describe(Throwable e, int events) {
    if (e instanceof SQLException sql) {
      String state = sql.getSQLState();
      String kind = state != null && state.startsWith("08") ? "the audit database could not be reached"
          : "57014".equals(state) || "55P03".equals(state) ? "the audit database did not answer within statementTimeout "
              + statementTimeout + " (slow, or a tenant's chain head is locked by another writer)"
          : "the audit database refused the batch";
      return new AuditWriteException(kind + " (SQL state " + state + ", " + events + " events in the batch, schema "
          + schema + "); check the database and the DataSource", null, e);
    }
    return new AuditWriteException("the audit batch of " + events + " events could not be written ("
        + e.getClass().getName() + "); check the database and the DataSource", null, e);
  }

  @Override
  public String toString() {
    return "JdbcAuditSink[schema " + schema + ", " + acknowledgement + ", batchSize " + batchSize + ", capacity "
        + capacity + ", flushInterval " + flushInterval + ", writeTimeout " + writeTimeout + ", statementTimeout "
        + statementTimeout + "]";
  }

  /** One queued event (or, with a null event, a flush marker) and its completion. */
  static final class Pending {
    private static final int QUEUED = 0;
    private static final int WRITING = 1;
    private static final int WITHDRAWN = 2;

    final @Nullable AuditEvent event;
    final @Nullable AuditRow row;
    final long enqueuedNanos = System.nanoTime();
    final CompletableFuture<@Nullable Void> done = new CompletableFuture<>();
    private final AtomicInteger state = new AtomicInteger(QUEUED);

    Pending(@Nullable AuditEvent event) {
      this.event = event;
      this.row = event == null ? null : AuditRow.of(event);
    }

    /** The writer takes the event; false if its caller gave up waiting first. */
    boolean claim() {
      return state.compareAndSet(QUEUED, WRITING) || state.get() == WRITING;
    }

    /** The caller gives up; true if the event was still queued and so will never be written. */
    boolean withdraw() {
      return state.compareAndSet(QUEUED, WITHDRAWN);
    }
  }

  /**
   * Builds a {@link JdbcAuditSink}. Each option may be set once; every option but the DataSource has a
   * default. Not thread-safe.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable SqlSchema schema;
    private int batchSize;
    private int capacity;
    private @Nullable Duration flushInterval;
    private @Nullable Duration writeTimeout;
    private @Nullable Duration statementTimeout;
    private @Nullable AuditAcknowledgement acknowledgement;
    /** The sink's queue, for tests that pause a caller at a known point; a new one when null. */
    @Nullable LinkedBlockingQueue<Pending> queue;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * @param schema the schema holding the tables: a lowercase SQL identifier (default: the connection's search
     *     path)
     * @return this builder
     * @throws IllegalArgumentException if the name is not a lowercase SQL identifier
     */
    public Builder schema(String schema) {
      once(this.schema != null, "schema");
      this.schema = SqlSchema.named(Objects.requireNonNull(schema, "schema"));
      return this;
    }

    /**
     * @param batchSize the most events written in one transaction, 1 to 10,000 (default 500)
     * @return this builder
     */
    public Builder batchSize(int batchSize) {
      once(this.batchSize != 0, "batchSize");
      if (batchSize < 1 || batchSize > 10_000) {
        throw new IllegalArgumentException("batchSize must be between 1 and 10000, was " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * @param capacity the most events waiting in memory; beyond it {@link #record} throws
     *     {@link AuditBacklogFullException} (default 10,000)
     * @return this builder
     */
    public Builder capacity(int capacity) {
      once(this.capacity != 0, "capacity");
      if (capacity < 1 || capacity > 1_000_000) {
        throw new IllegalArgumentException("capacity must be between 1 and 1000000, was " + capacity);
      }
      this.capacity = capacity;
      return this;
    }

    /**
     * @param flushInterval how long a batch waits for more events before it is written, 0 to 10 seconds
     *     (default 0: written as soon as the writer is free; events arriving meanwhile form the next batch); with
     *     {@link AuditAcknowledgement#ON_COMMIT}, shorter than {@code writeTimeout}, or a caller recording an event
     *     alone would stop waiting for it before its batch is written
     * @return this builder
     */
    public Builder flushInterval(Duration flushInterval) {
      once(this.flushInterval != null, "flushInterval");
      Objects.requireNonNull(flushInterval, "flushInterval");
      if (flushInterval.isNegative() || flushInterval.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("flushInterval must be between 0 and 10 seconds, was " + flushInterval);
      }
      this.flushInterval = flushInterval;
      return this;
    }

    /**
     * @param writeTimeout how long {@link #record} (with {@link AuditAcknowledgement#ON_COMMIT}),
     *     {@link #flush()} and {@link #close()} wait for the database, 1 ms to 5 minutes (default 5 seconds)
     * @return this builder
     */
    public Builder writeTimeout(Duration writeTimeout) {
      once(this.writeTimeout != null, "writeTimeout");
      this.writeTimeout = positive("writeTimeout", writeTimeout);
      return this;
    }

    /**
     * @param statementTimeout how long one statement, and a wait for a tenant's chain lock, may take in the
     *     database, 1 ms to 5 minutes (default 5 seconds)
     * @return this builder
     */
    public Builder statementTimeout(Duration statementTimeout) {
      once(this.statementTimeout != null, "statementTimeout");
      this.statementTimeout = positive("statementTimeout", statementTimeout);
      return this;
    }

    /**
     * @param acknowledgement when {@link #record} returns (default {@link AuditAcknowledgement#ON_COMMIT})
     * @return this builder
     */
    public Builder acknowledgement(AuditAcknowledgement acknowledgement) {
      once(this.acknowledgement != null, "acknowledgement");
      this.acknowledgement = Objects.requireNonNull(acknowledgement, "acknowledgement");
      return this;
    }

    private static Duration positive(String option, Duration d) {
      Objects.requireNonNull(d, option);
      if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException(option + " must be between 1 ms and 5 minutes, was " + d);
      }
      return d;
    }

    /**
     * Builds the sink and starts its writer thread. Does not touch the database.
     *
     * @return the sink
     * @throws IllegalStateException if events are acknowledged {@link AuditAcknowledgement#ON_COMMIT} and
     *     {@code flushInterval} is not shorter than {@code writeTimeout}
     */
    public JdbcAuditSink build() {
      Duration flushing = flushInterval == null ? Duration.ZERO : flushInterval;
      Duration waiting = writeTimeout == null ? Duration.ofSeconds(5) : writeTimeout;
      AuditAcknowledgement acknowledged = acknowledgement == null ? AuditAcknowledgement.ON_COMMIT : acknowledgement;
      if (acknowledged == AuditAcknowledgement.ON_COMMIT && flushing.compareTo(waiting) >= 0) {
        // checked before the writer thread starts: a refused build leaves nothing running
        throw new IllegalStateException("flushInterval " + flushing + " must be shorter than writeTimeout " + waiting
            + " when events are acknowledged ON_COMMIT: an event alone in its batch would wait for more events longer "
            + "than its caller waits for it, and time out unwritten; shorten flushInterval, lengthen writeTimeout, or "
            + "acknowledge ON_QUEUE");
      }
      Builder snapshot = new Builder(dataSource);
      snapshot.schema = schema == null ? SqlSchema.searchPath() : schema;
      snapshot.batchSize = batchSize == 0 ? 500 : batchSize;
      snapshot.capacity = capacity == 0 ? 10_000 : capacity;
      snapshot.flushInterval = flushing;
      snapshot.writeTimeout = waiting;
      snapshot.statementTimeout = statementTimeout == null ? Duration.ofSeconds(5) : statementTimeout;
      snapshot.acknowledgement = acknowledged;
      snapshot.queue = queue;
      return new JdbcAuditSink(snapshot);
    }
  }
}

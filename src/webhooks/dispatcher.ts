import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createDatabase } from '../db/database.js';
import type { DB } from '../db/types.js';
import { attemptOutcome } from './attempt-outcome.js';
import { CircuitBreakers } from './circuit-breaker.js';
import { WebhookSender } from './delivery.js';
import { NotificationListener } from './listener.js';
import { deliveryChannel } from './outbox.js';
import { claimDue, postponeEndpoint, recordOutcomes, type AttemptOutcome, type ClaimedDelivery } from './queue.js';
import { defaultJitter, defaultRetryDelaysMs, type RetryPolicy } from './retry-schedule.js';
import { signatureHeader } from './signature.js';

export interface DispatcherOptions {
  /** The dispatcher opens a small pool of its own and one LISTEN connection. */
  databaseUrl: string;
  logger: Logger;
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS. */
  allowPrivateNetworks?: boolean;
  /** Per attempt; docs/signing.md says 15 s. */
  timeoutMs?: number;
  /** Waits after each failed attempt; docs/signing.md's schedule by default. */
  retryDelaysMs?: readonly number[];
  /** Fraction of each wait added at random (0.1: up to 10%). */
  jitter?: number;
  /** How often to look for due deliveries when no notification comes. */
  pollIntervalMs?: number;
  /** Deliveries claimed per query. */
  batchSize?: number;
  /** Attempts in flight at once. */
  concurrency?: number;
  /**
   * Deliveries of one endpoint held at once, so one slow endpoint cannot take every slot. Those
   * beyond connectionsPerHost wait for a connection; at most twice as many, so a claimed delivery
   * is sent and done well within its lease even when the receiver hangs.
   */
  perEndpointConcurrency?: number;
  /**
   * Deliveries of one owner's endpoints (a school's, a program's, the admins') held at once, so one
   * owner's dead endpoints cannot take every slot; half of `concurrency` by default.
   */
  perOwnerConcurrency?: number;
  /** Attempts in a row with no answer before an endpoint is paused (its circuit breaker opens). */
  breakerThreshold?: number;
  /** The first pause of an endpoint that does not answer; doubled on each failed probe, up to breakerMaxCooldownMs. */
  breakerCooldownMs?: number;
  breakerMaxCooldownMs?: number;
  /** Kept-alive connections to one receiver host. */
  connectionsPerHost?: number;
  /** How long a claimed delivery stays ours; after it, another dispatcher may take it. Longer than 3 timeouts. */
  leaseMs?: number;
  /** An endpoint failing for this long without a success is disabled; 5 days by default. */
  disableAfterMs?: number;
}

interface Pending {
  outcome: AttemptOutcome;
  done: () => void;
}

/** Result writers running at once, and the backlog of results that calls in one more. */
const maxWriters = 4;
const writerBacklog = 25;

/**
 * The dispatcher's own connections. synchronous_commit off: a claim or a result lost in a database
 * crash only means a delivery is sent again (receivers dedupe on webhook-id), never that one is
 * lost, and it spares a disk flush per statement. No bitmap scans: the claim must walk the due
 * index in order and stop at its limit, even when the planner's statistics have not caught up
 * with a sudden backlog (it would otherwise read and sort every due row on each claim).
 */
function dispatcherConnection(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const options = [url.searchParams.get('options'), '-c synchronous_commit=off', '-c enable_bitmapscan=off']
    .filter(Boolean)
    .join(' ');
  url.searchParams.set('options', options);
  return url.toString();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends webhook deliveries: claims due ones in batches (FOR UPDATE SKIP LOCKED, so several
 * dispatchers share the work and none sends a delivery another holds), sends them concurrently,
 * and records the results in batches. Wakes on NOTIFY from enqueueEvent, on its own retry timers
 * and on a poll; when the database is away it keeps polling and carries on once it is back.
 */
export class WebhookDispatcher {
  private readonly db: Kysely<DB>;
  private readonly logger: Logger;
  private readonly sender: WebhookSender;
  private readonly listener: NotificationListener;
  private readonly policy: RetryPolicy;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly perEndpointConcurrency: number;
  private readonly perOwnerConcurrency: number;
  private readonly breakers: CircuitBreakers;
  private readonly leaseMs: number;
  private readonly disableAfterMs: number;

  /** Attempts this dispatcher has made since it was built. */
  sent = 0;
  private running = false;
  private stoppedAt: number | undefined;
  private pumping = false;
  private pumpAgain = false;
  /** The last claim was full, so more deliveries are probably due right now. */
  private moreDue = false;
  private databaseDown = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private retryTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly perEndpoint = new Map<string, number>();
  private readonly perOwner = new Map<string, number>();
  private readonly unrecorded: Pending[] = [];
  private readonly writers = new Set<Promise<void>>();
  /**
   * Writers still inside their loop. The set above drops a writer a microtask after its loop ends,
   * too late for record() to see: a result queued in between would wait for a writer that never
   * comes, and stop() would wait on it for ever.
   */
  private activeWriters = 0;

  constructor(options: DispatcherOptions) {
    const timeoutMs = options.timeoutMs ?? 15_000;
    const connectionsPerHost = options.connectionsPerHost ?? 32;
    // createDatabase already keeps a connection that dies between queries from ending the process.
    const { db } = createDatabase(dispatcherConnection(options.databaseUrl), maxWriters + 2);
    this.db = db;
    this.logger = options.logger;
    this.sender = new WebhookSender({
      timeoutMs,
      allowPrivateNetworks: options.allowPrivateNetworks ?? false,
      maxSocketsPerHost: connectionsPerHost,
    });
    this.policy = { delaysMs: options.retryDelaysMs ?? defaultRetryDelaysMs, jitter: options.jitter ?? defaultJitter };
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.batchSize = options.batchSize ?? 100;
    this.concurrency = options.concurrency ?? 200;
    this.perEndpointConcurrency = Math.min(options.perEndpointConcurrency ?? 64, 2 * connectionsPerHost);
    this.perOwnerConcurrency = options.perOwnerConcurrency ?? Math.max(1, Math.floor(this.concurrency / 2));
    this.breakers = new CircuitBreakers({
      threshold: options.breakerThreshold ?? 5,
      cooldownMs: options.breakerCooldownMs ?? 30_000,
      maxCooldownMs: options.breakerMaxCooldownMs ?? 10 * 60_000,
    });
    this.leaseMs = options.leaseMs ?? Math.max(60_000, timeoutMs * 4);
    this.disableAfterMs = options.disableAfterMs ?? 5 * 24 * 3_600_000;
    // A delivery may wait up to two timeouts for a connection, then take one: the lease must cover all three.
    if (this.leaseMs <= 3 * timeoutMs) throw new RangeError('leaseMs must be longer than three timeouts');
    this.listener = new NotificationListener({
      connectionString: options.databaseUrl,
      channel: deliveryChannel,
      onNotify: () => this.wake(),
      onConnected: () => this.wake(),
      logger: this.logger,
    });
  }

  /** Starts claiming and sending. A stopped dispatcher has closed its connections: make a new one instead. */
  start(): void {
    if (this.running) return;
    if (this.stoppedAt !== undefined) throw new Error('a stopped webhook dispatcher cannot be started again');
    this.running = true;
    this.listener.start();
    this.pollTimer = setInterval(() => this.wake(), this.pollIntervalMs);
    this.wake();
  }

  /** Stops claiming, waits for the attempts in flight and their results to be stored, then closes. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stoppedAt = Date.now();
    clearInterval(this.pollTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    this.retryTimer = undefined;
    await this.listener.stop();
    while (this.pumping || this.inFlight.size > 0) {
      await Promise.all([...this.inFlight]);
      if (this.pumping) await sleep(5);
    }
    await Promise.all([...this.writers]);
    this.sender.close();
    await this.db.destroy();
  }

  /** Look for due deliveries now (a claim is already running: look again when it ends). */
  wake(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (this.running && this.inFlight.size < this.concurrency) {
          const limit = Math.min(this.batchSize, this.concurrency - this.inFlight.size);
          let claimed: ClaimedDelivery[];
          try {
            claimed = await claimDue(this.db, {
              limit,
              leaseMs: this.leaseMs,
              inFlight: this.slotsTaken(),
              perEndpoint: this.perEndpointConcurrency,
              ownersInFlight: this.perOwner,
              perOwner: this.perOwnerConcurrency,
              paused: this.breakers.open(),
            });
          } catch (error) {
            this.noteDatabase(error);
            return;
          }
          this.noteDatabase(undefined);
          this.moreDue = claimed.length === limit;
          for (const delivery of claimed) this.launch(delivery);
          if (claimed.length < limit) break;
        }
      } while (this.pumpAgain && this.running);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Slots taken per endpoint, as the claim sees them: an endpoint whose pause is over is let
   * have one delivery in flight (the probe) and no more until it answers.
   */
  private slotsTaken(): ReadonlyMap<string, number> {
    const probing = this.breakers.halfOpen();
    if (probing.length === 0) return this.perEndpoint;
    const taken = new Map(this.perEndpoint);
    for (const id of probing) {
      taken.set(id, this.perEndpointConcurrency - 1 + Math.min(this.perEndpoint.get(id) ?? 0, 1));
    }
    return taken;
  }

  private noteDatabase(error: unknown): void {
    if (error !== undefined && !this.databaseDown) {
      this.databaseDown = true;
      this.logger.warn(
        { err: error },
        'webhook dispatcher: cannot claim deliveries; retrying until the database is back',
      );
    } else if (error === undefined && this.databaseDown) {
      this.databaseDown = false;
      this.logger.info('webhook dispatcher: database reachable again');
    }
  }

  private launch(delivery: ClaimedDelivery): void {
    this.perEndpoint.set(delivery.endpoint_id, (this.perEndpoint.get(delivery.endpoint_id) ?? 0) + 1);
    this.perOwner.set(delivery.owner, (this.perOwner.get(delivery.owner) ?? 0) + 1);
    const task = this.deliver(delivery)
      .catch((error: unknown) =>
        this.logger.error({ err: error, delivery_id: delivery.id }, 'webhook dispatcher: delivery failed unexpectedly'),
      )
      .finally(() => {
        this.inFlight.delete(task);
        const left = (this.perEndpoint.get(delivery.endpoint_id) ?? 1) - 1;
        if (left === 0) this.perEndpoint.delete(delivery.endpoint_id);
        else this.perEndpoint.set(delivery.endpoint_id, left);
        const ownerLeft = (this.perOwner.get(delivery.owner) ?? 1) - 1;
        if (ownerLeft === 0) this.perOwner.delete(delivery.owner);
        else this.perOwner.set(delivery.owner, ownerLeft);
        // Claim again when it can bring a useful batch, not after every single send: when the last
        // claim left work behind and half a batch of slots is free, or when an endpoint that had
        // as much in flight as it may have is down to a quarter.
        const free = this.concurrency - this.inFlight.size;
        const refilled = this.moreDue && free === Math.ceil(Math.min(this.batchSize, this.concurrency) / 2);
        const endpointDrained = left === Math.floor(this.perEndpointConcurrency / 4);
        const ownerDrained = ownerLeft === Math.floor(this.perOwnerConcurrency / 2);
        if (refilled || endpointDrained || ownerDrained || this.inFlight.size === 0) this.wake();
      });
    this.inFlight.add(task);
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify({
      type: delivery.type,
      timestamp: delivery.event_created_at.toISOString(),
      data: delivery.data,
    });
    const startedAt = new Date();
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    const secrets = delivery.previous_secret === null ? [delivery.secret] : [delivery.secret, delivery.previous_secret];
    const result = await this.sender.send({
      url: delivery.url,
      body,
      headers: {
        'webhook-id': delivery.event_id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, delivery.event_id, timestamp, body),
      },
    });
    this.sent++;
    this.noteAnswer(delivery.endpoint_id, result.statusCode !== null);
    const outcome = attemptOutcome(delivery, result, startedAt, this.policy);
    if (outcome.status === 'pending' && outcome.next_attempt_at) this.wakeAt(outcome.next_attempt_at.getTime());
    await this.record(outcome);
  }

  /** Feeds the endpoint's circuit breaker; its pause takes effect as the result is written (writeResults). */
  private noteAnswer(endpointId: string, answered: boolean): void {
    const pausedUntil = this.breakers.record(endpointId, answered);
    if (pausedUntil === undefined) return;
    this.logger.warn(
      { endpoint_id: endpointId, paused_until: new Date(pausedUntil).toISOString() },
      'webhook dispatcher: the endpoint keeps not answering; its deliveries wait until the pause ends',
    );
    this.wakeAt(pausedUntil);
  }

  /**
   * A retry of a paused endpoint waits for the end of the pause, like its other deliveries. Judged
   * as the result is written, since the pause may have begun after the attempt ended.
   */
  private afterPause(outcome: AttemptOutcome): AttemptOutcome {
    const pausedUntil = this.breakers.pausedUntil(outcome.endpoint_id);
    if (!outcome.next_attempt_at || pausedUntil === undefined || outcome.next_attempt_at.getTime() >= pausedUntil)
      return outcome;
    return { ...outcome, next_attempt_at: new Date(pausedUntil) };
  }

  /**
   * The waiting deliveries of a paused endpoint are moved to the end of its pause, so they neither
   * take slots nor use up their attempts meanwhile, and other dispatchers leave them too. Done
   * after the endpoint's results are written, so a retry time written just before cannot undo it.
   */
  private async postponePaused(endpointIds: string[]): Promise<void> {
    for (const endpointId of new Set(endpointIds)) {
      const pausedUntil = this.breakers.pausedUntil(endpointId);
      if (pausedUntil === undefined) continue;
      await postponeEndpoint(this.db, endpointId, new Date(pausedUntil)).catch((error: unknown) =>
        this.logger.warn({ err: error, endpoint_id: endpointId }, 'webhook dispatcher: could not postpone deliveries'),
      );
    }
  }

  /** A retry due before the next poll gets its own timer, so short schedules (and tests) are exact. */
  private wakeAt(at: number): void {
    if (!this.running || at - Date.now() >= this.pollIntervalMs) return;
    if (this.retryTimer && this.retryTimer.at <= at) return;
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    const timer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.wake();
      },
      Math.max(at - Date.now(), 0) + 5,
    );
    this.retryTimer = { at, timer };
  }

  /**
   * Results are written in groups: while a write runs, the next results gather, so under load one
   * statement stores many of them, and when idle a result is stored at once. A few writers may run
   * together when results arrive faster than one can store them.
   */
  private record(outcome: AttemptOutcome): Promise<void> {
    return new Promise((done) => {
      this.unrecorded.push({ outcome, done });
      if (this.activeWriters === 0 || (this.activeWriters < maxWriters && this.unrecorded.length >= writerBacklog)) {
        this.activeWriters += 1;
        const writer: Promise<void> = this.writeResults().finally(() => this.writers.delete(writer));
        this.writers.add(writer);
      }
    });
  }

  private async writeResults(): Promise<void> {
    try {
      while (this.unrecorded.length > 0) {
        const batch = this.unrecorded.splice(0, 500);
        await this.writeWithRetry(batch.map((p) => this.afterPause(p.outcome)));
        await this.postponePaused(batch.map((p) => p.outcome.endpoint_id));
        for (const pending of batch) pending.done();
      }
    } finally {
      // In the same turn as the empty-queue check: the next record() starts a new writer.
      this.activeWriters -= 1;
    }
  }

  /**
   * While the database is away, results wait and are written when it is back. After about half a
   * lease they are dropped: the deliveries then come back when their lease ends and are sent
   * again (receivers dedupe on webhook-id).
   */
  private async writeWithRetry(outcomes: AttemptOutcome[]): Promise<void> {
    const giveUpAt = Date.now() + this.leaseMs / 2;
    for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
      try {
        await recordOutcomes(this.db, outcomes, this.disableAfterMs);
        return;
      } catch (error) {
        // Stopping does not wait long for a database that is away.
        const stopping = this.stoppedAt !== undefined && Date.now() - this.stoppedAt > 2_000;
        if (Date.now() + wait > giveUpAt || stopping) {
          this.logger.error(
            { err: error, deliveries: outcomes.length },
            'webhook dispatcher: could not store attempt results; they will be retried after their lease',
          );
          return;
        }
        this.noteDatabase(error);
        await sleep(wait);
      }
    }
  }
}

/** The dispatcher the server and `emswp worker` run, with the spec's timings and the configured address safety. */
export function dispatcherFromConfig(config: Config, database: { url: string }, logger: Logger): WebhookDispatcher {
  return new WebhookDispatcher({
    databaseUrl: database.url,
    logger: logger.child({ component: 'webhook-dispatcher' }),
    allowPrivateNetworks: config.webhooks.allowPrivateNetworks,
  });
}

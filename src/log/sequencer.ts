import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Config } from '../config.js';
import { createDatabase } from '../db/database.js';
import type { DB } from '../db/types.js';
import { NotificationListener } from '../webhooks/listener.js';
import { ForeignCheckpointError, InconsistentLogError, integrateBatch } from './integrate.js';
import { pendingChannel } from './repository.js';
import type { LogKey } from './signing-key.js';

export interface SequencerOptions {
  /** The sequencer opens a small pool of its own and one LISTEN connection. */
  databaseUrl: string;
  logger: Logger;
  key: LogKey;
  /** Checkpoints are signed at most this often (LOG_CHECKPOINT_INTERVAL_MS). */
  intervalMs: number;
  /** Entries integrated per checkpoint at most. */
  batchSize?: number;
  /** Where its metrics go: the server's /metrics registry. */
  registry?: Registry;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sequencerMetrics(registry: Registry) {
  const existing = (name: string) => registry.getSingleMetric(name);
  return {
    checkpoints: (existing('emswp_log_checkpoints_total') ??
      new Counter({
        name: 'emswp_log_checkpoints_total',
        help: 'Checkpoints the transparency log sequencer signed',
        registers: [registry],
      })) as Counter,
    entries: (existing('emswp_log_entries_integrated_total') ??
      new Counter({
        name: 'emswp_log_entries_integrated_total',
        help: 'Entries the sequencer gave an index and put in a signed checkpoint',
        registers: [registry],
      })) as Counter,
    refusals: (existing('emswp_log_signing_refusals_total') ??
      new Counter({
        name: 'emswp_log_signing_refusals_total',
        help: 'Times the sequencer refused to sign because the tree no longer extends its last checkpoint',
        registers: [registry],
      })) as Counter,
    size: (existing('emswp_log_tree_size') ??
      new Gauge({
        name: 'emswp_log_tree_size',
        help: 'Size of the latest signed checkpoint',
        registers: [registry],
      })) as Gauge,
    latency: (existing('emswp_log_commit_to_checkpoint_seconds') ??
      new Histogram({
        name: 'emswp_log_commit_to_checkpoint_seconds',
        help: 'From a change being queued for the log to its entry being in a signed checkpoint',
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
        registers: [registry],
      })) as Histogram,
  };
}

/**
 * Runs the log's sequencer: wakes when entries are queued (NOTIFY) or on a poll, waits out the
 * checkpoint interval, then integrates batches until nothing is pending. Any number may run; the
 * advisory lock lets one at a time work and the others find nothing to do.
 */
export class LogSequencer {
  private readonly db: Kysely<DB>;
  private readonly listener: NotificationListener;
  private readonly metrics: ReturnType<typeof sequencerMetrics>;
  private readonly batchSize: number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private again = false;
  private lastRunAt = 0;
  private databaseDown = false;
  /** Checkpoints this sequencer has signed. */
  signed = 0;

  constructor(private readonly options: SequencerOptions) {
    this.db = createDatabase(options.databaseUrl, 2).db;
    this.batchSize = options.batchSize ?? 5_000;
    this.metrics = sequencerMetrics(options.registry ?? new Registry());
    this.listener = new NotificationListener({
      connectionString: options.databaseUrl,
      channel: pendingChannel,
      name: 'log sequencer',
      onNotify: () => this.wake(),
      onConnected: () => this.wake(),
      logger: options.logger,
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.listener.start();
    // Notifications can be missed (a restart of the database): the poll catches up.
    this.pollTimer = setInterval(() => this.wake(), Math.max(1_000, this.options.intervalMs * 5));
    this.wake();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.pollTimer);
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.listener.stop();
    await this.current;
    await this.db.destroy();
  }

  /** Integrate soon: right away when the last checkpoint is an interval old, else when it will be. */
  wake(): void {
    if (!this.running) return;
    if (this.current) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    const delay = Math.max(0, this.lastRunAt + this.options.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.current = this.run().finally(() => {
        this.current = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
    }, delay);
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.lastRunAt = Date.now();
      let result;
      try {
        result = await integrateBatch(this.db, this.options.key, this.batchSize);
      } catch (error) {
        this.failed(error);
        return;
      }
      if (this.databaseDown) {
        this.databaseDown = false;
        this.options.logger.info('log sequencer: database reachable again');
      }
      if (result.outcome !== 'signed') return;
      this.signed += 1;
      this.metrics.checkpoints.inc();
      this.metrics.entries.inc(result.entries);
      this.metrics.size.set(result.size);
      const now = Date.now();
      for (const at of result.commitTimes) this.metrics.latency.observe(Math.max(0, now - at.getTime()) / 1000);
      this.options.logger.debug({ from: result.from, size: result.size }, 'log sequencer: signed a checkpoint');
      // A full batch leaves more behind: carry on after the interval.
      if (result.entries < this.batchSize) return;
      await sleep(Math.max(0, this.lastRunAt + this.options.intervalMs - Date.now()));
    }
  }

  private failed(error: unknown): void {
    if (error instanceof InconsistentLogError || error instanceof ForeignCheckpointError) {
      this.metrics.refusals.inc();
      this.options.logger.fatal(
        { err: error },
        'log sequencer: REFUSING TO SIGN: the log no longer extends its last signed checkpoint; its stored tiles or checkpoints were changed behind the service. Nothing more is sequenced until an operator investigates.',
      );
      return;
    }
    if (!this.databaseDown) {
      this.databaseDown = true;
      this.options.logger.warn({ err: error }, 'log sequencer: cannot integrate; retrying until the database is back');
    }
  }
}

/** The sequencer the server and `emswp worker` run. */
export function sequencerFromConfig(
  config: Config,
  database: { url: string },
  key: LogKey,
  logger: Logger,
  registry?: Registry,
): LogSequencer {
  return new LogSequencer({
    databaseUrl: database.url,
    logger: logger.child({ component: 'log-sequencer' }),
    key,
    intervalMs: config.log.checkpointIntervalMs,
    ...(registry ? { registry } : {}),
  });
}

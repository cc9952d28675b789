import pg from 'pg';
import type { Logger } from 'pino';

export interface ListenerOptions {
  connectionString: string;
  channel: string;
  /** A notification arrived. */
  onNotify: () => void;
  /** (Re)connected: anything committed while we were not listening is now waiting. */
  onConnected: () => void;
  logger: Logger;
  /** Who is listening, for the log lines; the webhook dispatcher by default. */
  name?: string;
  /** Reconnection waits double from 100 ms up to this. */
  maxBackoffMs?: number;
}

/**
 * LISTEN on a dedicated connection (a pooled one would be handed to queries) that comes back by
 * itself after the database restarts or the connection drops: reconnects with exponential
 * backoff and jitter, and never throws.
 */
export class NotificationListener {
  private running = false;
  private client: pg.Client | undefined;
  private wakeUp: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: ListenerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    // pg never settles end(), nor the connect() in flight, when a client is ended while it is still
    // connecting (a stop right after start): wait a moment at most, so stopping never hangs.
    const settled = async (promise: Promise<unknown> | undefined) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, 1_000)))]);
      clearTimeout(timer);
    };
    await settled(this.client?.end().catch(() => {}));
    await settled(this.loop);
  }

  private async run(): Promise<void> {
    const { connectionString, channel, logger, maxBackoffMs = 30_000, name = 'webhook dispatcher' } = this.options;
    let backoff = 100;
    let wasDown = false;
    while (this.running) {
      const client = new pg.Client({ connectionString, keepAlive: true, connectionTimeoutMillis: 5_000 });
      this.client = client;
      const closed = new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        client.on('error', (error) => {
          logger.warn({ err: error }, `${name}: lost its LISTEN connection`);
          resolve();
        });
        client.on('end', () => resolve());
      });
      try {
        await client.connect();
        client.on('notification', () => this.options.onNotify());
        await client.query(`listen ${pg.escapeIdentifier(channel)}`);
        if (wasDown) logger.info(`${name}: listening again`);
        wasDown = false;
        backoff = 100;
        this.options.onConnected();
        await closed;
      } catch (error) {
        if (!wasDown && this.running)
          logger.warn({ err: error }, `${name}: cannot LISTEN; polling until the database is back`);
      }
      await client.end().catch(() => {});
      if (!this.running) break;
      wasDown = true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff * (1 + Math.random() * 0.2));
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      backoff = Math.min(backoff * 2, maxBackoffMs);
    }
  }
}

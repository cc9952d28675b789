import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { migrateToLatest } from './db/migrator.js';
import { openDatabase, type OpenDatabase } from './db/open.js';
import { sweepAbandonedSpools } from './documents/upload.js';
import { createLogger } from './logger.js';
import { sequencerFromConfig, type LogSequencer } from './log/sequencer.js';
import { dispatcherFromConfig, type WebhookDispatcher } from './webhooks/dispatcher.js';

/** config -> database -> migrations -> app -> listen; on SIGINT/SIGTERM the reverse, in order. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`emswp: configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // Shutdown is in place before the database starts, so a signal during start-up still stops it.
  let database: OpenDatabase | undefined = undefined;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let dispatcher: WebhookDispatcher | undefined;
  let sequencer: LogSequencer | undefined;

  closeWithGrace({ delay: config.shutdownGraceMs }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down: finishing requests in flight');
    // Webhook sends in flight finish and are recorded first, while the database is surely still there.
    await dispatcher?.stop();
    await sequencer?.stop();
    // Fastify stops accepting, lets in-flight requests finish, then closes; only then the pool and the database go.
    await app?.close();
    await database?.close();
    logger.info('stopped');
  });

  const swept = await sweepAbandonedSpools();
  if (swept.length > 0)
    logger.info({ removed: swept }, 'removed upload spool directories left by a server that crashed');

  database = await openDatabase(config, logger);
  try {
    const applied = await migrateToLatest(database.db);
    for (const migration of applied) logger.info({ migration: migration.migrationName }, 'migration applied');
    app = await buildApp({ config, db: database.db, logger });
    await app.listen({ port: config.port, host: config.host });
    if (config.webhooks.worker) {
      dispatcher = dispatcherFromConfig(config, database, logger);
      dispatcher.start();
    }
    if (config.log.sequencer) {
      sequencer = sequencerFromConfig(config, database, app.logKey, logger, app.metricsRegistry);
      sequencer.start();
    }
  } catch (error) {
    // A failed start (a bad migration, the port taken) must not leave an embedded Postgres behind.
    await app?.close();
    await database.close();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(`emswp: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

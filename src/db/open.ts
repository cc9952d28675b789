import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createDatabase, type Database } from './database.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface OpenDatabase {
  db: Database;
  /** The connection string, for what needs a connection of its own (the webhook dispatcher's LISTEN). */
  url: string;
  /** Closes the pool, then stops the embedded server if this process started one. */
  close(): Promise<void>;
}

/** DATABASE_URL when set; otherwise an embedded PostgreSQL whose files persist in DATA_DIR/postgres. */
export async function openDatabase(config: Config, logger: Logger): Promise<OpenDatabase> {
  if (config.databaseUrl !== undefined) {
    const { db } = createDatabase(config.databaseUrl, config.databasePoolSize);
    return { db, url: config.databaseUrl, close: () => db.destroy() };
  }
  const directory = join(config.dataDir, 'postgres');
  logger.info({ directory }, 'DATABASE_URL is not set: starting an embedded PostgreSQL');
  const embedded = await startEmbeddedPostgres({
    directory,
    onLog: (message) => logger.debug({ postgres: message.trim() }),
    onNotice: (message) => logger.warn(message),
  });
  const { db } = createDatabase(embedded.url, config.databasePoolSize);
  return {
    db,
    url: embedded.url,
    close: async () => {
      await db.destroy();
      await embedded.stop();
    },
  };
}

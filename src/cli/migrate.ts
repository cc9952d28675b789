import { Command } from 'commander';
import { migrateToLatest } from '../db/migrator.js';
import { openDatabase } from '../db/open.js';
import { createLogger } from '../logger.js';
import { cliConfig } from './config.js';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply pending database migrations (DATABASE_URL, or the embedded database in DATA_DIR) and exit')
    .action(async () => {
      const config = cliConfig();
      const database = await openDatabase(config, createLogger('warn'));
      try {
        const applied = await migrateToLatest(database.db);
        console.log(applied.length === 0 ? 'database is up to date' : applied.map((m) => `applied ${m.migrationName}`).join('\n'));
      } finally {
        await database.close();
      }
    });
}

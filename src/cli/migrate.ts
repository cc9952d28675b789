import { Command } from 'commander';
import { MigrationError, migrateToLatest } from '../db/migrator.js';
import { openDatabase } from '../db/open.js';
import { createLogger } from '../logger.js';
import { cliConfig } from './config.js';
import { fail } from './fail.js';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply pending database migrations (DATABASE_URL, or the embedded database in DATA_DIR) and exit')
    .action(async () => {
      const config = cliConfig();
      const database = await openDatabase(config, createLogger('warn'));
      let applied;
      try {
        applied = await migrateToLatest(database.db);
      } catch (error) {
        await database.close();
        // Nothing was applied (each run is one transaction): the operator needs the reason, not a stack.
        if (error instanceof MigrationError) fail(error.message);
        throw error;
      }
      await database.close();
      console.log(
        applied.length === 0 ? 'database is up to date' : applied.map((m) => `applied ${m.migrationName}`).join('\n'),
      );
    });
}

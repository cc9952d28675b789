import { ConfigError, loadConfig, type Config } from '../config.js';
import { fail } from './fail.js';

/** The same settings the server reads, so the CLI acts on the same database and data directory. */
export function cliConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(`configuration error: ${error.message}`, 2);
    throw error;
  }
}

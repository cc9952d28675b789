import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { sequencerFromConfig } from '../../src/log/sequencer.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { createTestIssuer, testAudience, testIssuerName, type TestIssuer } from './test-issuer.js';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  db: TestDatabase['db'];
  config: Config;
  issuer: TestIssuer;
  /** A folder of this test's own, removed afterwards. */
  directory: string;
}

/**
 * The whole service on a fresh migrated database, trusting a test issuer through AUTH_JWKS_FILE
 * exactly as production trusts a real one. `env` adds or overrides settings; `logger` replaces the
 * silent one, for a test that reads what the service logs.
 */
export async function buildTestApp(t: Test, env: Record<string, string> = {}, logger?: Logger): Promise<TestApp> {
  const directory = t.testdir({});
  const database = await createTestDatabase(t);
  const issuer = await createTestIssuer(directory);
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: directory,
    LOG_LEVEL: 'silent',
    AUTH_ISSUER: testIssuerName,
    AUTH_AUDIENCE: testAudience,
    AUTH_JWKS_FILE: issuer.jwksFile,
    WEBHOOK_WORKER: 'false',
    LOG_CHECKPOINT_INTERVAL_MS: '20',
    ...env,
  });
  const appLogger = logger ?? createLogger(config.logLevel);
  const app = await buildApp({ config, db: database.db, logger: appLogger });
  t.teardown(() => app.close());
  // As in the server: the log's sequencer runs beside the app (LOG_SEQUENCER=false for a test that drives it).
  if (config.log.sequencer) {
    const sequencer = sequencerFromConfig(config, database, app.logKey, appLogger);
    sequencer.start();
    // Before the database goes: a sequencer reconnecting while it is dropped would make the drop fail.
    database.beforeDrop.push(() => sequencer.stop());
  }
  return { app, database, db: database.db, config, issuer, directory };
}

/** Authorization header for inject(). */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

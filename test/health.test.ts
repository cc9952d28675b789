import t, { type Test } from 'tap';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDatabase } from '../src/db/database.js';
import { createLogger } from '../src/logger.js';
import { createTestDatabase } from './support/test-database.js';
import { buildTestApp } from './support/test-app.js';
import { createTestIssuer, testIssuerName } from './support/test-issuer.js';

t.test('an operator sees the process live and the database ready', async (t) => {
  const { app } = await buildTestApp(t);
  const live = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(live.statusCode, 200);
  t.same(live.json(), { status: 'ok' });
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ok' });
});

async function appOn(t: Test, url: string) {
  const directory = t.testdir({});
  const issuer = await createTestIssuer(directory);
  const config = loadConfig({
    DATABASE_URL: url,
    DATA_DIR: directory,
    LOG_LEVEL: 'silent',
    AUTH_ISSUER: testIssuerName,
    AUTH_JWKS_FILE: issuer.jwksFile,
  });
  const { db } = createDatabase(url, 1);
  const app = await buildApp({ config, db, logger: createLogger('silent') });
  t.teardown(async () => {
    await app.close();
    await db.destroy();
  });
  return app;
}

t.test('readiness is 503 problem+json while the database is unreachable, liveness stays 200', async (t) => {
  const app = await appOn(t, 'postgres://postgres@127.0.0.1:1/nothing-listens-here');
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 503);
  t.match(ready.headers['content-type'], /^application\/problem\+json/);
  t.match(ready.json(), { status: 503, code: 'service_unavailable' });
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
});

t.test('readiness is 503 while the database is reachable but not migrated', async (t) => {
  const empty = await createTestDatabase(t, { migrated: false });
  const app = await appOn(t, empty.url);
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 503);
  t.match(ready.json(), { code: 'service_unavailable' });
});

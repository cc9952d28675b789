import { randomInt } from 'node:crypto';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { developmentIssuerKey, mintAccessToken } from '../../src/auth/development-issuer.js';
import { developmentIssuer, loadConfig, type Config } from '../../src/config.js';
import { freePort } from '../../src/free-port.js';
import { createLogger } from '../../src/logger.js';
import { sequencerFromConfig } from '../../src/log/sequencer.js';
import { createTestDatabase } from './test-database.js';

/** The whole service listening on a port with the development issuer, and so the development OpenID provider. */
export interface PortalApp {
  baseUrl: string;
  config: Config;
  directory: string;
  /** Calls the API as an operator, failing loudly: for setting up what a story needs. */
  asAdmin<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** A new active school with a unique World Directory id. */
  activeSchool(name: string): Promise<{ id: string; wdoms_id: string; name: string }>;
  applicant(fields: {
    given_name: string;
    family_name: string;
    date_of_birth: string;
  }): Promise<{ id: string; ecfmg_id: string }>;
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

export async function startPortalApp(t: Test, env: Record<string, string> = {}): Promise<PortalApp> {
  const directory = t.testdir({});
  const database = await createTestDatabase(t);
  const port = await freePort();
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: directory,
    LOG_LEVEL: 'silent',
    PORT: String(port),
    WEBHOOK_WORKER: 'false',
    ...env,
  });
  const logger = createLogger(config.logLevel);
  const app = await buildApp({ config, db: database.db, logger });
  await app.listen({ port, host: '127.0.0.1' });
  t.teardown(() => app.close());
  // As in the server: the transparency log's sequencer runs beside the app, so receipts can be signed.
  const sequencer = sequencerFromConfig(config, database, app.logKey, logger);
  sequencer.start();
  // Before the database goes: a sequencer reconnecting while it is dropped would make the drop fail.
  database.beforeDrop.push(() => sequencer.stop());
  const baseUrl = `http://127.0.0.1:${port}`;

  const adminToken = await mintAccessToken(await developmentIssuerKey(directory), {
    issuer: developmentIssuer,
    audience: config.auth.audience,
    principal: { sub: 'test-operator', role: 'admin' },
    ttlSeconds: 3600,
  });
  const asAdmin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`setting up: ${method} ${path} answered ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };

  return {
    baseUrl,
    config,
    directory,
    asAdmin,
    activeSchool: async (name) => {
      const school = await asAdmin<{ id: string; wdoms_id: string; name: string }>('POST', '/v1/schools', {
        wdoms_id: `F${digits(7)}`,
        name,
        country: 'NG',
        contact_email: 'registrar@school.example',
      });
      await asAdmin('PATCH', `/v1/schools/${school.id}`, { status: 'active' });
      return school;
    },
    applicant: (fields) => asAdmin('POST', '/v1/applicants', { ecfmg_id: digits(8), ...fields }),
  };
}

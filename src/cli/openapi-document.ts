import { stringify } from 'yaml';
import { buildApp } from '../app.js';
import { InvalidTokenError } from '../auth/token-verifier.js';
import { loadConfig } from '../config.js';
import { generateSigningKey } from '../crypto/jwk.js';
import { serviceKeyFrom } from '../crypto/service-key.js';
import { createDatabase } from '../db/database.js';
import { createLogger } from '../logger.js';

/**
 * The published contract as YAML, generated from the route schemas. It is built from default
 * settings (not this machine's environment) so the same code always yields the same file; no
 * request is served, so the database is never contacted and no token is ever accepted.
 */
export async function openApiYaml(): Promise<string> {
  const { db } = createDatabase('postgres://openapi@127.0.0.1:1/openapi', 1);
  const app = await buildApp({
    config: loadConfig({}),
    db,
    logger: createLogger('silent'),
    verifier: {
      verify: async () => {
        throw new InvalidTokenError('no tokens are accepted while generating the spec');
      },
    },
    // A throwaway key, so generating the spec never writes a key file into a data directory.
    serviceKey: await serviceKeyFrom((await generateSigningKey('EdDSA')).privateJwk, 'a generated key'),
  });
  try {
    await app.ready();
    return stringify(app.swagger(), { lineWidth: 0, aliasDuplicateObjects: false });
  } finally {
    await app.close();
    await db.destroy();
  }
}

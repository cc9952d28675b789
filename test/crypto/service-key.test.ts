import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign, compactVerify, createLocalJWKSet, type JWK } from 'jose';
import t, { type Test } from 'tap';
import { ConfigError } from '../../src/config.js';
import { generateSigningKey } from '../../src/crypto/jwk.js';
import { defaultServiceKeyFile } from '../../src/crypto/service-key.js';
import { buildTestApp } from '../support/test-app.js';

/** A folder of key files outside the test's own testdir, which buildTestApp empties. */
async function keyFolder(t: Test): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'emswp-service-key-'));
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  return folder;
}

t.test(
  'on first start the service makes its Ed25519 key in DATA_DIR, private to its owner, and publishes the public half',
  async (t) => {
    const ctx = await buildTestApp(t);
    const file = defaultServiceKeyFile(ctx.directory);
    t.equal((await stat(file)).mode & 0o777, 0o600, 'the key file is mode 0600');

    const response = await ctx.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    t.equal(response.statusCode, 200);
    t.equal(response.headers['cache-control'], 'public, max-age=300');
    const { keys } = response.json<{ keys: JWK[] }>();
    t.equal(keys.length, 1);
    const [published] = keys as [JWK];
    t.match(published, { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: ctx.app.serviceKey.kid });
    t.same(Object.keys(published).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x'], 'public members only');

    // What receipts and checkpoints will do: sign with app.serviceKey, verify with the published set alone.
    const jws = await new CompactSign(new TextEncoder().encode('checkpoint 42'))
      .setProtectedHeader({ alg: ctx.app.serviceKey.alg, kid: ctx.app.serviceKey.kid })
      .sign(ctx.app.serviceKey.privateKey);
    const verified = await compactVerify(jws, createLocalJWKSet({ keys }));
    t.equal(new TextDecoder().decode(verified.payload), 'checkpoint 42');

    await t.test('the next start uses the same key', async (t) => {
      const again = await buildTestApp(t, { DATA_DIR: ctx.directory });
      t.equal(again.app.serviceKey.kid, ctx.app.serviceKey.kid);
    });
  },
);

t.test('SERVICE_SIGNING_KEY_FILE names the key to use, of any accepted algorithm', async (t) => {
  const directory = await keyFolder(t);
  const { privateJwk } = await generateSigningKey('ES256');
  const file = join(directory, 'receipts.jwk.json');
  await writeFile(file, JSON.stringify({ ...privateJwk, kid: 'receipts-2027' }), { mode: 0o600 });
  const ctx = await buildTestApp(t, { SERVICE_SIGNING_KEY_FILE: file });
  t.match(ctx.app.serviceKey, { kid: 'receipts-2027', alg: 'ES256' });
  const { keys } = (await ctx.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{ keys: JWK[] }>();
  t.same(keys, [
    { kty: 'EC', crv: 'P-256', x: privateJwk.x, y: privateJwk.y, kid: 'receipts-2027', alg: 'ES256', use: 'sig' },
  ]);
});

t.test('a missing or unusable SERVICE_SIGNING_KEY_FILE stops the start, naming the variable', async (t) => {
  const directory = await keyFolder(t);
  const pair = await generateSigningKey('EdDSA');
  const other = await generateSigningKey('EdDSA');
  const files = {
    missing: join(directory, 'nothing-here.json'),
    'not JSON': join(directory, 'garbage.json'),
    'a public key only': join(directory, 'public.json'),
    'public members of another key': join(directory, 'mismatch.json'),
    'a symmetric key': join(directory, 'oct.json'),
  };
  await writeFile(files['not JSON'], 'not json');
  await writeFile(files['a public key only'], JSON.stringify(pair.publicJwk));
  await writeFile(files['public members of another key'], JSON.stringify({ ...pair.privateJwk, x: other.publicJwk.x }));
  await writeFile(files['a symmetric key'], JSON.stringify({ kty: 'oct', k: 'c2VjcmV0', d: 'x' }));
  const why: Record<keyof typeof files, RegExp> = {
    missing: /no such file/,
    'not JSON': /cannot read the service signing key/,
    'a public key only': /is not a private key/,
    'public members of another key': /"x" does not belong to the private key/,
    'a symmetric key': /not a usable private key/,
  };
  for (const [name, file] of Object.entries(files) as [keyof typeof files, string][]) {
    const error = await buildTestApp(t, { SERVICE_SIGNING_KEY_FILE: file }).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.type(error, ConfigError, name);
    t.match(error, { variable: 'SERVICE_SIGNING_KEY_FILE', message: why[name] }, name);
  }
});

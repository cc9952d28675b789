import { stat } from 'node:fs/promises';
import { decodeJwt } from 'jose';
import t from 'tap';
import { developmentIssuerKey, developmentIssuerKeys, developmentKeyFile } from '../../src/auth/development-issuer.js';
import type { Principal } from '../../src/auth/principal.js';
import { createTokenVerifier } from '../../src/auth/token-verifier.js';
import { developmentIssuer } from '../../src/config.js';
import { runEmswp } from '../support/run-process.js';

const id = '3d6f0b8e-5b7a-4c1e-9f2d-8a1b2c3d4e5f';

// Every case runs the built CLI (`npm test` builds first): a few seconds in all, more on a busy machine.
t.setTimeout(300_000);

/** Runs the commands two at a time, in order, so a small machine is not swamped. */
async function runAll(commands: Array<[string[], Record<string, string>]>) {
  const results: Awaited<ReturnType<typeof runEmswp>>[] = [];
  for (let index = 0; index < commands.length; index += 2) {
    results.push(...(await Promise.all(commands.slice(index, index + 2).map(([args, env]) => runEmswp(args, env)))));
  }
  return results;
}

/** Checks a printed token the way the server will: against the development key in DATA_DIR. */
async function verifyPrinted(dataDir: string, token: string, audience = 'emswp'): Promise<Principal> {
  const keys = developmentIssuerKeys(await developmentIssuerKey(dataDir));
  return createTokenVerifier({ issuer: developmentIssuer, audience, keys, cacheSize: 0 }).verify(token);
}

t.test('a newcomer mints a token for each role from the development issuer', async (t) => {
  const dataDir = t.testdir({});
  const env = { DATA_DIR: dataDir };
  const runs = await runAll([
    [['token', '--role', 'admin'], env],
    [['token', '--role', 'school', '--school-id', id], env],
    [['token', '--role', 'applicant', '--applicant-id', id], env],
    [['token', '--role', 'program', '--program-id', id.toUpperCase(), '--sub', 'pd-42'], env],
  ]);
  const expected: Principal[] = [
    { sub: 'dev-admin', role: 'admin' },
    { sub: 'dev-school', role: 'school', school_id: id },
    { sub: 'dev-applicant', role: 'applicant', applicant_id: id },
    { sub: 'pd-42', role: 'program', program_id: id },
  ];
  for (const [index, run] of runs.entries()) {
    t.equal(run.code, 0, `exit 0 (${run.stderr.trim()})`);
    t.match(
      run.stderr,
      /^emswp: (token signed with the development issuer key in|warning: DATA_DIR .* had no development issuer key)/,
      'stderr names the key',
    );
    const token = run.stdout.trim();
    t.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'stdout is just the JWT');
    t.same(await verifyPrinted(dataDir, token), expected[index], `it speaks for ${JSON.stringify(expected[index])}`);
  }
  t.equal(
    (await stat(developmentKeyFile(dataDir))).mode & 0o777,
    0o600,
    'the private key file is readable by its owner only',
  );
});

t.test('the token command says which key signed, and warns when it had to make one', async (t) => {
  const serverDataDir = t.testdir({ server: {}, elsewhere: {} });
  const server = `${serverDataDir}/server`;
  await developmentIssuerKey(server);
  const used = await runEmswp(['token', '--role', 'admin'], { DATA_DIR: server });
  t.equal(used.code, 0);
  t.equal(used.stderr, `emswp: token signed with the development issuer key in ${developmentKeyFile(server)}\n`);

  // Another DATA_DIR than the server's: a new key, whose tokens that server refuses.
  const elsewhere = `${serverDataDir}/elsewhere`;
  const made = await runEmswp(['token', '--role', 'admin'], { DATA_DIR: elsewhere });
  t.equal(made.code, 0, 'the token is still printed');
  t.equal(
    made.stderr,
    `emswp: warning: DATA_DIR ${elsewhere} had no development issuer key, so a new one was made in ${developmentKeyFile(elsewhere)}; a server using another DATA_DIR will refuse this token (401): run \`emswp token\` with the server's DATA_DIR\n`,
  );
  await t.rejects(verifyPrinted(server, made.stdout.trim()), 'the server with the other DATA_DIR refuses it');
});

t.test('the lifetime and audience follow --ttl and AUTH_AUDIENCE', async (t) => {
  const dataDir = t.testdir({});
  const run = await runEmswp(['token', '--role', 'admin', '--ttl', '60'], {
    DATA_DIR: dataDir,
    AUTH_AUDIENCE: 'emswp-staging',
  });
  t.equal(run.code, 0, run.stderr);
  const claims = decodeJwt(run.stdout.trim());
  t.equal((claims.exp as number) - (claims.iat as number), 60);
  t.equal(claims.aud, 'emswp-staging');
  t.equal(claims.iss, developmentIssuer);
  t.same(await verifyPrinted(dataDir, run.stdout.trim(), 'emswp-staging'), { sub: 'dev-admin', role: 'admin' });
});

t.test('a role without its entity, or with a bad value, fails with a clear message', async (t) => {
  const env = { DATA_DIR: t.testdir({}) };
  const cases: Array<[string[], RegExp]> = [
    [['--role', 'school'], /^emswp: --role school needs --school-id\n$/],
    [['--role', 'program', '--school-id', id], /^emswp: --role program needs --program-id\n$/],
    [['--role', 'applicant', '--applicant-id', 'ann'], /^emswp: --applicant-id must be a UUID, got "ann"\n$/],
    [['--role', 'admin', '--ttl', 'forever'], /^emswp: --ttl must be a positive whole number of seconds\n$/],
    [['--role', 'root'], /--role.*'root' is invalid.*admin, school, applicant, program/s],
  ];
  const runs = await runAll(cases.map(([args]) => [['token', ...args], env]));
  for (const [index, run] of runs.entries()) {
    const [args, message] = cases[index] as [string[], RegExp];
    t.not(run.code, 0, `emswp token ${args.join(' ')} fails`);
    t.match(run.stderr, message, `and says why: ${run.stderr.trim().split('\n')[0]}`);
    t.equal(run.stdout, '', 'and prints no token');
  }
});

t.test('with a real issuer configured it refuses to mint tokens', async (t) => {
  const dataDir = t.testdir({});
  const issuer = { AUTH_ISSUER: 'https://login.example.org', DATA_DIR: dataDir };
  const runs = await runAll([
    [['token', '--role', 'admin'], { ...issuer, AUTH_JWKS_FILE: '/etc/emswp/issuer-jwks.json' }],
    [['token', '--role', 'admin'], { ...issuer, AUTH_JWKS_URL: 'https://login.example.org/jwks.json' }],
  ]);
  for (const run of runs) {
    t.equal(run.code, 1);
    t.equal(
      run.stderr,
      'emswp: AUTH_JWKS_FILE or AUTH_JWKS_URL is set: the service trusts your issuer, so mint tokens there\n',
    );
    t.equal(run.stdout, '');
  }
  await t.rejects(stat(developmentKeyFile(dataDir)), { code: 'ENOENT' }, 'no development key was made');

  const misconfigured = await runEmswp(['token', '--role', 'admin'], {
    DATA_DIR: dataDir,
    AUTH_JWKS_FILE: '/etc/emswp/issuer-jwks.json',
  });
  t.equal(misconfigured.code, 2, 'a configuration error exits 2');
  t.match(misconfigured.stderr, /^emswp: configuration error: AUTH_ISSUER: /);
});

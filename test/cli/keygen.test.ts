import { chmod, lstat, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { calculateJwkThumbprint, CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import { runEmswp } from '../support/run-process.js';

/** Runs `emswp` as a user would: the compiled command, in the given folder. */
const emswp = (args: string[], cwd: string) => runEmswp(args, {}, { cwd });

const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** The printed public key verifies what the private key in the file signs. */
async function pairWorks(privateJwk: JWK, publicJwk: JWK): Promise<boolean> {
  const alg = privateJwk.alg as string;
  const jws = await new CompactSign(Buffer.from('hello'))
    .setProtectedHeader({ alg })
    .sign(await importJWK(privateJwk, alg));
  const { payload } = await compactVerify(jws, await importJWK(publicJwk, alg), { algorithms: [alg] });
  return Buffer.from(payload).toString() === 'hello';
}

t.test(
  'a school officer makes an Ed25519 key: private file 0600 (whatever the umask), public JWK printed ready to register',
  async (t) => {
    const dir = t.testdir({});
    const previous = process.umask(0);
    t.teardown(() => {
      process.umask(previous);
    });
    const run = await emswp(['keygen', '--out', 'school-key.json'], dir);
    t.equal(run.code, 0, run.stderr);
    const file = join(dir, 'school-key.json');
    t.equal(await modeOf(file), 0o600);
    const privateJwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
    t.match(privateJwk, { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', d: String, x: String });

    const body = JSON.parse(run.stdout) as { jwk: JWK };
    t.same(Object.keys(body), ['jwk']);
    const publicJwk = body.jwk;
    t.same(Object.keys(publicJwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    for (const member of privateMembers) t.notOk(member in publicJwk, `no ${member} in the printed key`);
    t.equal(publicJwk.kid, await calculateJwkThumbprint(publicJwk), 'kid is the RFC 7638 thumbprint');
    t.equal(privateJwk.kid, publicJwk.kid);
    t.ok(await pairWorks(privateJwk, publicJwk));
    t.match(run.stderr, /written to school-key\.json/);
    t.notMatch(run.stdout + run.stderr, privateJwk.d as string, 'the private key is never printed');
  },
);

t.test('--alg picks the algorithm; RSA keys are 3072 bits and print only n and e', async (t) => {
  const dir = t.testdir({});
  const run = await emswp(['keygen', '--alg', 'PS256', '--out', 'rsa.json'], dir);
  t.equal(run.code, 0, run.stderr);
  const privateJwk = JSON.parse(await readFile(join(dir, 'rsa.json'), 'utf8')) as JWK;
  const { jwk: publicJwk } = JSON.parse(run.stdout) as { jwk: JWK };
  t.match(privateJwk, { kty: 'RSA', alg: 'PS256', use: 'sig', d: String, p: String, q: String });
  t.same(Object.keys(publicJwk).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
  for (const member of privateMembers) t.notOk(member in publicJwk, `no ${member} in the printed key`);
  t.equal(publicJwk.kid, privateJwk.kid);
  t.equal(await modeOf(join(dir, 'rsa.json')), 0o600);
  t.equal(Buffer.from(publicJwk.n as string, 'base64url').length * 8, 3072);
  t.ok(await pairWorks(privateJwk, publicJwk));
});

t.test('an existing key file is never overwritten without --force', async (t) => {
  const dir = t.testdir({ 'school-key.json': '{"the":"old key"}' });
  const file = join(dir, 'school-key.json');
  const run = await emswp(['keygen', '--out', 'school-key.json'], dir);
  t.equal(run.code, 1);
  t.match(run.stderr, /^emswp: school-key\.json already exists; pass --force/m);
  t.equal(run.stdout, '', 'no public key printed for a key that was not saved');
  t.equal(await readFile(file, 'utf8'), '{"the":"old key"}');
});

t.test('--force replaces the file, and it is 0600 even if the old one was readable by all', async (t) => {
  const dir = t.testdir({});
  const file = join(dir, 'school-key.json');
  await writeFile(file, '{}');
  await chmod(file, 0o644);
  const run = await emswp(['keygen', '--out', 'school-key.json', '--force'], dir);
  t.equal(run.code, 0, run.stderr);
  t.equal(await modeOf(file), 0o600);
  const privateJwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  t.equal(privateJwk.kid, (JSON.parse(run.stdout) as { jwk: JWK }).jwk.kid);
});

t.test('--force over a symlink replaces the link, never writes through it', async (t) => {
  const dir = t.testdir({ 'elsewhere.txt': 'precious' });
  await symlink(join(dir, 'elsewhere.txt'), join(dir, 'school-key.json'));
  const forced = await emswp(['keygen', '--out', 'school-key.json', '--force'], dir);
  t.equal(forced.code, 0, forced.stderr);
  t.equal(await readFile(join(dir, 'elsewhere.txt'), 'utf8'), 'precious', 'the link target is untouched');
  t.notOk((await lstat(join(dir, 'school-key.json'))).isSymbolicLink());
  t.equal(await modeOf(join(dir, 'school-key.json')), 0o600);
});

t.test('an algorithm outside the accepted list is refused and nothing is written', async (t) => {
  const dir = t.testdir({});
  const run = await emswp(['keygen', '--alg', 'HS256', '--out', 'k.json'], dir);
  t.not(run.code, 0);
  t.match(run.stderr, /Allowed choices are EdDSA, ES256, ES384, PS256, RS256/);
  await t.rejects(stat(join(dir, 'k.json')), { code: 'ENOENT' });
});

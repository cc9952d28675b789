import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { pdf, storedCounts } from '../support/documents.js';
import {
  registerApplicant,
  registerSchool,
  type RegisteredApplicant,
  type RegisteredSchool,
} from '../support/registry.js';
import { runEmswp, type Finished } from '../support/run-process.js';
import { bearer, buildTestApp, type TestApp } from '../support/test-app.js';

type Run = Finished;

/** Runs `emswp` as a school officer would: the compiled command, in the officer's folder, with only the environment given. */
// About twenty runs of the built CLI against a real server: over the default 2 minutes on a busy machine.
t.setTimeout(300_000);

const emswp = (args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> =>
  runEmswp(args, env, { cwd });

interface Setup {
  ctx: TestApp;
  url: string;
  school: RegisteredSchool;
  applicant: RegisteredApplicant;
  dir: string;
}

/** The real service listening on 127.0.0.1, an active school whose officer holds the private key in a file, and an applicant. */
async function setup(t: Test, schoolStatus: 'active' | 'suspended' = 'active'): Promise<Setup> {
  const ctx = await buildTestApp(t);
  const url = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const school = await registerSchool(ctx, { status: schoolStatus });
  const applicant = await registerApplicant(ctx);
  const dir = ctx.directory;
  await writeFile(join(dir, 'school-key.json'), JSON.stringify(school.key.privateJwk), { mode: 0o600 });
  return { ctx, url, school, applicant, dir };
}

function identityFlags(applicant: RegisteredApplicant): string[] {
  return [
    '--ecfmg-id',
    applicant.ecfmg_id,
    '--given-name',
    applicant.given_name,
    '--family-name',
    applicant.family_name,
    '--date-of-birth',
    applicant.date_of_birth,
  ];
}

function submitArgs({ url, school, applicant }: Setup, file: string, extra: string[] = []): string[] {
  return [
    'submit',
    '--url',
    url,
    '--token',
    school.token,
    '--key',
    'school-key.json',
    '--type',
    'transcript',
    ...identityFlags(applicant),
    ...extra,
    file,
  ];
}

async function writePdf(dir: string, name: string, bytes: Buffer): Promise<Buffer> {
  await writeFile(join(dir, name), bytes);
  return bytes;
}

/** The first line of stdout: "<id> <status> <type>". */
function printed(run: Run): { id: string; status: string; type: string } {
  const [id = '', status = '', type = ''] = run.stdout.trim().split(' ');
  return { id, status, type };
}

async function download(ctx: TestApp, token: string, id: string): Promise<Buffer> {
  const response = await ctx.app.inject({ method: 'GET', url: `/v1/documents/${id}/content`, headers: bearer(token) });
  if (response.statusCode !== 200) throw new Error(`download failed: ${response.statusCode} ${response.body}`);
  return response.rawPayload;
}

async function documentStatus(
  ctx: TestApp,
  token: string,
  id: string,
): Promise<{ status: string; superseded_by: string | null; supersedes: string | null }> {
  return (await ctx.app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: bearer(token) })).json();
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

t.test(
  'a school officer signs and uploads a transcript in one step; it is verified and stored byte for byte',
  async (t) => {
    const s = await setup(t);
    // Larger than a stored chunk and than the client's read buffer, so the upload really streams.
    const file = await writePdf(s.dir, 'transcript.pdf', pdf('transcript of Chiamaka Okafor', 2 * 1024 * 1024 + 4321));

    const run = await emswp(submitArgs(s, 'transcript.pdf'), s.dir);
    t.equal(run.code, 0, run.stderr);
    const { id, status, type } = printed(run);
    t.match(id, /^[0-9a-f-]{36}$/);
    t.equal(status, 'verified');
    t.equal(type, 'transcript');
    t.notMatch(run.stderr, /\[|%/, 'no progress bar when stderr is not a terminal');

    const stored = await download(s.ctx, s.school.token, id);
    t.ok(stored.equals(file), 'the stored bytes are the file, byte for byte');
    const document = await s.ctx.db
      .selectFrom('documents')
      .select(['applicant_id', 'school_id', 'sha256', 'size'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    t.same(document, {
      applicant_id: s.applicant.id,
      school_id: s.school.id,
      sha256: createHash('sha256').update(file).digest('hex'),
      size: file.length,
    });
  },
);

t.test('the URL and token can come from EMSWP_URL and EMSWP_TOKEN, and --json prints the whole document', async (t) => {
  const s = await setup(t);
  await writePdf(s.dir, 'transcript.pdf', pdf());
  const run = await emswp(
    [
      'submit',
      '--json',
      '--key',
      'school-key.json',
      '--type',
      'transcript',
      ...identityFlags(s.applicant),
      'transcript.pdf',
    ],
    s.dir,
    { EMSWP_URL: `${s.url}/`, EMSWP_TOKEN: s.school.token },
  );
  t.equal(run.code, 0, run.stderr);
  const document = JSON.parse(run.stdout) as Record<string, unknown>;
  t.match(document, {
    id: String,
    type: 'transcript',
    status: 'verified',
    school: { id: s.school.id, wdoms_id: s.school.wdoms_id },
    applicant_id: s.applicant.id,
    ecfmg_id: s.applicant.ecfmg_id,
  });
  t.equal((await storedCounts(s.ctx))?.documents, 1);
});

t.test(
  'the same command again with the same --jti answers with the same document and stores nothing more',
  async (t) => {
    const s = await setup(t);
    await writePdf(s.dir, 'transcript.pdf', pdf());
    const args = submitArgs(s, 'transcript.pdf', ['--jti', 'sis-2026-000123']);
    const first = await emswp(args, s.dir);
    t.equal(first.code, 0, first.stderr);
    const counts = await storedCounts(s.ctx);

    const again = await emswp(args, s.dir);
    t.equal(again.code, 0, again.stderr);
    t.equal(printed(again).id, printed(first).id, 'the same document');
    t.match(again.stderr, /Already submitted/);
    t.same(await storedCounts(s.ctx), counts, 'nothing more stored');
  },
);

t.test('other bytes under a used --jti are refused with submission_conflict', async (t) => {
  const s = await setup(t);
  await writePdf(s.dir, 'transcript.pdf', pdf());
  await writePdf(s.dir, 'corrected.pdf', pdf());
  t.equal((await emswp(submitArgs(s, 'transcript.pdf', ['--jti', 'sis-7']), s.dir)).code, 0);
  const counts = await storedCounts(s.ctx);

  const run = await emswp(submitArgs(s, 'corrected.pdf', ['--jti', 'sis-7']), s.dir);
  t.equal(run.code, 1);
  t.equal(run.stdout, '');
  t.match(run.stderr, /^emswp: submission_conflict: Submission sis-7 was already made with other bytes/);
  t.same(await storedCounts(s.ctx), counts, 'nothing stored');
});

t.test('a file altered after `emswp sign` is refused with digest_mismatch and nothing is stored', async (t) => {
  const s = await setup(t);
  const original = await writePdf(s.dir, 'transcript.pdf', pdf('signed version', 10_000));
  const signed = await emswp(
    [
      'sign',
      '--issuer',
      s.school.wdoms_id,
      '--key',
      'school-key.json',
      '--type',
      'transcript',
      ...identityFlags(s.applicant),
      'transcript.pdf',
    ],
    s.dir,
  );
  t.equal(signed.code, 0, signed.stderr);
  await writeFile(join(s.dir, 'manifest.jws'), signed.stdout);
  const tampered = Buffer.from(original);
  const at = tampered.length - 100;
  tampered.writeUInt8(tampered.readUInt8(at) ^ 0xff, at);
  await writeFile(join(s.dir, 'transcript.pdf'), tampered);

  const run = await emswp(
    ['submit', '--url', s.url, '--token', s.school.token, '--manifest', 'manifest.jws', 'transcript.pdf'],
    s.dir,
  );
  t.equal(run.code, 1);
  t.match(
    run.stderr,
    /^emswp: digest_mismatch: The file \(\d+ bytes, sha256 [0-9a-f]{64}\) is not the one the manifest describes/,
  );
  t.same(await storedCounts(s.ctx), { documents: 0, chunks: 0, events: 0, received_letters: 0 }, 'nothing stored');

  // The untouched file with the same manifest goes through: the refusal was about the bytes.
  await writeFile(join(s.dir, 'transcript.pdf'), original);
  const retry = await emswp(
    ['submit', '--url', s.url, '--token', s.school.token, '--manifest', 'manifest.jws', 'transcript.pdf'],
    s.dir,
  );
  t.equal(retry.code, 0, retry.stderr);
  t.equal(printed(retry).status, 'verified');
});

t.test('--manifest takes no signing flags, and signing without --manifest needs all of them', async (t) => {
  const s = await setup(t);
  await writePdf(s.dir, 'transcript.pdf', pdf());
  const both = await emswp(
    [
      'submit',
      '--url',
      s.url,
      '--token',
      s.school.token,
      '--manifest',
      'm.jws',
      '--key',
      'school-key.json',
      'transcript.pdf',
    ],
    s.dir,
  );
  t.equal(both.code, 1);
  t.match(both.stderr, /^emswp: --manifest is already signed: leave out --key/);
  const missing = await emswp(
    [
      'submit',
      '--url',
      s.url,
      '--token',
      s.school.token,
      '--key',
      'school-key.json',
      '--type',
      'transcript',
      'transcript.pdf',
    ],
    s.dir,
  );
  t.equal(missing.code, 1);
  t.match(missing.stderr, /^emswp: missing --ecfmg-id, --given-name, --family-name, --date-of-birth/);
  const badDate = await emswp(submitArgs(s, 'transcript.pdf', ['--date-of-birth', '12/04/1996']), s.dir);
  t.equal(badDate.code, 1);
  t.match(badDate.stderr, /^emswp: --date-of-birth /, 'a bad flag is named before anything is sent');
  t.equal((await storedCounts(s.ctx))?.documents, 0);
});

t.test('a suspended school is told school_not_active and nothing is stored', async (t) => {
  const s = await setup(t, 'suspended');
  await writePdf(s.dir, 'transcript.pdf', pdf());
  const run = await emswp(submitArgs(s, 'transcript.pdf'), s.dir);
  t.equal(run.code, 1);
  t.equal(run.stdout, '');
  t.match(run.stderr, /^emswp: school_not_active: Your school is suspended/);
  t.equal((await storedCounts(s.ctx))?.documents, 0);
});

t.test('a wrong token is refused with invalid_token, whether the issuer is looked up or given', async (t) => {
  const s = await setup(t);
  await writePdf(s.dir, 'transcript.pdf', pdf());
  const forged = `${s.school.token.slice(0, -4)}AAAA`;
  for (const extra of [[], ['--issuer', s.school.wdoms_id]]) {
    const run = await emswp(
      submitArgs({ ...s, school: { ...s.school, token: forged } }, 'transcript.pdf', extra),
      s.dir,
    );
    t.equal(run.code, 1);
    t.match(run.stderr, /^emswp: invalid_token: /, `refused (${extra.length ? 'issuer given' : 'issuer looked up'})`);
  }
  const applicantToken = await emswp(
    submitArgs({ ...s, school: { ...s.school, token: s.applicant.token } }, 'transcript.pdf'),
    s.dir,
  );
  t.equal(applicantToken.code, 1);
  t.match(applicantToken.stderr, /^emswp: the token speaks for an applicant, not a school/);
  t.equal((await storedCounts(s.ctx))?.documents, 0);
});

t.test('a service that cannot be reached is reported as such', async (t) => {
  const s = await setup(t);
  await writePdf(s.dir, 'transcript.pdf', pdf());
  const run = await emswp(submitArgs({ ...s, url: `http://127.0.0.1:${await closedPort()}` }, 'transcript.pdf'), s.dir);
  t.equal(run.code, 1);
  t.match(run.stderr, /^emswp: cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  const notUrl = await emswp(submitArgs({ ...s, url: 'emswp.example.org' }, 'transcript.pdf'), s.dir);
  t.equal(notUrl.code, 1);
  t.match(notUrl.stderr, /^emswp: --url "emswp\.example\.org" is not a URL/);
});

t.test('--supersedes replaces an earlier document: the new one is verified, the old one superseded', async (t) => {
  const s = await setup(t);
  await writePdf(s.dir, 'transcript.pdf', pdf('first issue'));
  const first = await emswp(submitArgs(s, 'transcript.pdf'), s.dir);
  t.equal(first.code, 0, first.stderr);
  const old = printed(first).id;

  const corrected = await writePdf(s.dir, 'transcript-corrected.pdf', pdf('corrected issue'));
  const second = await emswp(submitArgs(s, 'transcript-corrected.pdf', ['--supersedes', old]), s.dir);
  t.equal(second.code, 0, second.stderr);
  const replacement = printed(second);
  t.equal(replacement.status, 'verified');
  t.match(await documentStatus(s.ctx, s.school.token, old), { status: 'superseded', superseded_by: replacement.id });
  t.match(await documentStatus(s.ctx, s.school.token, replacement.id), { supersedes: old });
  t.ok((await download(s.ctx, s.applicant.token, replacement.id)).equals(corrected));

  // Superseding it again is refused: it is no longer current.
  const counts = await storedCounts(s.ctx);
  const again = await emswp(
    submitArgs(s, 'transcript-corrected.pdf', ['--supersedes', old, '--jti', 'another']),
    s.dir,
  );
  t.equal(again.code, 1);
  t.match(again.stderr, /^emswp: supersede_invalid: A superseded document cannot be replaced/);
  t.same(await storedCounts(s.ctx), counts);
});

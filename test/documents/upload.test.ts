import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import { receiveFile } from '../../src/documents/upload.js';
import { bearer, buildTestApp } from '../support/test-app.js';
import { registerApplicant, registerSchool } from '../support/registry.js';
import { pdf, signedManifest, submissionParts, submit } from '../support/documents.js';
import { multipartBody } from '../support/multipart.js';
import { expectRefused } from '../support/refusal.js';

/** Points os.tmpdir() at a directory of this test's own, so what an upload leaves there can be seen. */
async function privateTmpdir(t: Test): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'emswp-upload-test-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = directory;
  t.teardown(async () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    await rm(directory, { recursive: true, force: true });
  });
  return directory;
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

const piecesOf = (bytes: Buffer, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

t.test(
  'a file that fits one chunk stays in memory; a larger one is spooled to disk and removed by discard',
  async (t) => {
    const spools = await privateTmpdir(t);

    const small = pdf('small', 1000);
    const inMemory = await receiveFile(Readable.from(piecesOf(small, 100)), 4096);
    t.same(await readdir(spools), [], 'nothing written for a file of one chunk');
    t.equal(inMemory.sha256, createHash('sha256').update(small).digest('hex'));
    t.same(await collect(inMemory.chunks()), [small], 'given back as one chunk');
    await inMemory.discard();

    const large = pdf('large', 10_000);
    const spooled = await receiveFile(Readable.from(piecesOf(large, 700)), 4096);
    t.equal((await readdir(spools)).length, 1, 'one private spool directory while the file is held');
    t.equal(spooled.size, large.length);
    t.equal(spooled.sha256, createHash('sha256').update(large).digest('hex'));
    const chunks = await collect(spooled.chunks());
    t.same(
      chunks.map((chunk) => chunk.length),
      [4096, 4096, large.length - 8192],
      'read back in chunks of the stored size',
    );
    t.ok(Buffer.concat(chunks).equals(large), 'unchanged');
    await spooled.discard();
    t.same(await readdir(spools), [], 'discard removes the spool');
  },
);

t.test('a broken stream leaves no spool behind', async (t) => {
  const spools = await privateTmpdir(t);
  const broken = new Readable({ read() {} });
  const received = receiveFile(broken, 1024);
  broken.push(Buffer.alloc(3000, 1));
  await new Promise((resolve) => setImmediate(resolve));
  broken.destroy(new Error('client went away'));
  await t.rejects(received, /client went away/);
  t.same(await readdir(spools), []);
});

t.test('uploads through the API leave no temporary files, stored or refused', async (t) => {
  const spools = await privateTmpdir(t);
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);

  const small = pdf('one chunk', 200_000);
  const stored = await submit(ctx, school, applicant, { file: small });
  t.equal(stored.response.statusCode, 201, stored.response.body);

  const large = pdf('three chunks', 2 * 1024 * 1024 + 5);
  const storedLarge = await submit(ctx, school, applicant, { file: large });
  t.equal(storedLarge.response.statusCode, 201, storedLarge.response.body);
  const content = await ctx.app.inject({
    method: 'GET',
    url: `/v1/documents/${storedLarge.document.id}/content`,
    headers: bearer(school.token),
  });
  t.ok(content.rawPayload.equals(large), 'a spooled file is stored unchanged');

  const documentTables = ['documents', 'document_chunks', 'document_events'];
  const post = (body: { payload: Buffer; headers: Record<string, string> }) => ({
    method: 'POST' as const,
    url: '/v1/documents',
    headers: { ...body.headers, ...bearer(school.token) },
    payload: body.payload,
  });
  const tampered = Buffer.concat([large.subarray(0, -1), Buffer.from('!')]);
  await expectRefused(
    t,
    ctx,
    post(multipartBody(submissionParts(await signedManifest(school, large, applicant), tampered))),
    'digest_mismatch',
    documentTables,
  );

  const body = multipartBody(submissionParts(await signedManifest(school, large, applicant), large));
  await expectRefused(
    t,
    ctx,
    post({ ...body, payload: body.payload.subarray(0, body.payload.length - 100_000) }),
    'multipart_invalid',
    documentTables,
  );

  t.same(await readdir(spools), [], 'no spool left behind');
});

import { sql } from 'kysely';
import t from 'tap';
import { buildTestApp } from '../support/test-app.js';
import { call, get, release, releaseWorld } from './helpers.js';

interface Disclosure {
  document_id: string;
  kind: string;
  count: number;
  created_at: string;
  last_disclosed_at: string;
  program: { id: string };
}

t.test('a program downloading a document again and again leaves one disclosure with a count', async (t) => {
  const ctx = await buildTestApp(t);
  const { applicant, program, otherProgram, transcript } = await releaseWorld(ctx);
  const documentId = transcript.document.id;
  await release(ctx, applicant, documentId, program.id);
  await release(ctx, applicant, documentId, otherProgram.id);
  const content = `/v1/documents/${documentId}/content`;

  const head = await call(ctx, program.token, { method: 'HEAD', url: content });
  t.equal(head.statusCode, 200, 'HEAD answers');
  t.equal(head.headers['content-length'], String(transcript.file.length), 'with the size of the document');
  t.equal(head.body, '', 'and no content');
  const disclosures = async () =>
    (await get(ctx, applicant.token, `/v1/applicants/${applicant.id}/disclosures`)).json<{ items: Disclosure[] }>()
      .items;
  t.same(await disclosures(), [], 'a HEAD is not a disclosure');
  t.equal(
    (await call(ctx, program.token, { method: 'HEAD', url: `/v1/documents/${documentId}/receipt` })).statusCode,
    200,
  );
  t.same(await disclosures(), [], 'nor is a HEAD on the receipt');

  for (let i = 0; i < 25; i++) t.equal((await get(ctx, program.token, content)).statusCode, 200);
  await get(ctx, otherProgram.token, content);
  await get(ctx, program.token, `/v1/documents/${documentId}/receipt`);

  const listed = await disclosures();
  t.match(listed, [
    { document_id: documentId, kind: 'content', count: 25, program: { id: program.id } },
    { document_id: documentId, kind: 'content', count: 1, program: { id: otherProgram.id } },
    { document_id: documentId, kind: 'receipt', count: 1, program: { id: program.id } },
  ]);
  t.equal(listed.length, 3, 'one row per program and kind, not one per download');
  const first = listed[0] as Disclosure;
  t.ok(first.last_disclosed_at > first.created_at, 'the latest download is after the first');

  // Once the window since the first download has passed, the next download is a new disclosure.
  await sql`update disclosures set created_at = created_at - interval '11 minutes', last_disclosed_at = last_disclosed_at - interval '11 minutes'`.execute(
    ctx.db,
  );
  await get(ctx, program.token, content);
  const later = await disclosures();
  t.equal(later.length, 4);
  t.match(later.at(-1), { kind: 'content', count: 1, program: { id: program.id } });
});

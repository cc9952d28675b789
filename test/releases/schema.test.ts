import { sql } from 'kysely';
import t from 'tap';
import { pdf } from '../support/documents.js';
import { buildTestApp } from '../support/test-app.js';
import { call, release, releaseWorld, verifiedDocument } from './helpers.js';

t.test("the view behind a program's reads carries every column of documents, in order and type", async (t) => {
  const ctx = await buildTestApp(t);
  const columns = async (table: string) =>
    (
      await sql<{ name: string; type: string }>`
        select column_name as name, data_type as type from information_schema.columns
        where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(ctx.db)
    ).rows;
  const documents = await columns('documents');
  const view = await columns('program_document_rows');
  t.ok(documents.length > 20);
  t.same(
    view.slice(0, documents.length),
    documents,
    'a column added to documents must be added to program_document_rows too (migration 0005)',
  );
});

t.test("a release's copy of its document's updated_at stays true, whoever changes the document", async (t) => {
  const ctx = await buildTestApp(t);
  const { school, applicant, program, otherProgram, transcript } = await releaseWorld(ctx);
  const made = await release(ctx, applicant, transcript.document.id, program.id);
  const other = await release(ctx, applicant, transcript.document.id, otherProgram.id);
  await call(ctx, applicant.token, { method: 'DELETE', url: `/v1/releases/${other.id}` });

  const copies = async () =>
    (
      await sql<{ id: string; copy: Date; actual: Date }>`
        select r.id, r.document_updated_at as copy, d.updated_at as actual
        from releases r join documents d on d.id = r.document_id order by r.created_at`.execute(ctx.db)
    ).rows;
  const before = await copies();
  t.same(
    before.map((row) => row.copy.getTime()),
    before.map((row) => row.actual.getTime()),
    'equal when made',
  );

  await new Promise((resolve) => setTimeout(resolve, 5));
  await call(ctx, school.token, {
    method: 'POST',
    url: `/v1/documents/${transcript.document.id}/revoke`,
    payload: { reason: 'issued in error' },
  });
  const [active, withdrawn] = await copies();
  t.equal(active?.id, made.id);
  t.equal(active?.copy.getTime(), active?.actual.getTime(), 'the active release follows the revocation');
  t.ok((active?.copy.getTime() ?? 0) > (before[0]?.copy.getTime() ?? 0), 'to a later time');
  t.equal(withdrawn?.copy.getTime(), before[1]?.copy.getTime(), 'a withdrawn release is left as it was');

  const fresh = await verifiedDocument(ctx, school, applicant, { file: pdf('second transcript') });
  await release(ctx, applicant, fresh.document.id, program.id);
  const replacement = await verifiedDocument(ctx, school, applicant, {
    supersedes: fresh.document.id,
    file: pdf('corrected second transcript'),
  });
  const moved = (
    await sql<{ copy: Date; actual: Date }>`
      select r.document_updated_at as copy, d.updated_at as actual from releases r join documents d on d.id = r.document_id
      where r.document_id = ${replacement.document.id}`.execute(ctx.db)
  ).rows;
  t.equal(moved.length, 1, 'the release moved to the replacement');
  t.equal(moved[0]?.copy.getTime(), moved[0]?.actual.getTime(), "and took the replacement's updated_at");
});

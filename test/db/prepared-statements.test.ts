import { sql } from 'kysely';
import t from 'tap';
import { createDatabase } from '../../src/db/database.js';
import { statementName } from '../../src/db/prepared-statements.js';
import { bearer, buildTestApp } from '../support/test-app.js';
import { registerApplicant, registerSchool } from '../support/registry.js';
import { pdf, submit } from '../support/documents.js';

t.test('only statements that carry bytes are prepared, each text under one name', async (t) => {
  const insert = 'insert into document_chunks (document_id, seq, bytes) values ($1, $2, $3)';
  const name = statementName(insert, ['d', 1, Buffer.from('x')]);
  t.match(name, /^emswp_[0-9a-f]{32}$/);
  t.equal(statementName(insert, ['e', 2, Buffer.alloc(1024)]), name, 'the same text, the same name');
  t.not(statementName(`${insert} returning seq`, ['d', 1, Buffer.from('x')]), name, 'another text, another name');
  t.equal(statementName('select * from documents where id = $1', ['d']), undefined, 'no bytes: sent unnamed');
  t.equal(statementName('select 1', []), undefined);
});

t.test("a document's bytes are written by a prepared statement, and its reads are not", async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const { document } = await submit(ctx, school, applicant);

  // One connection, so the session whose prepared statements are listed is the one that wrote.
  const { db } = createDatabase(ctx.database.url, 1);
  t.teardown(() => db.destroy());
  await db
    .insertInto('document_chunks')
    .values({ document_id: document.id, seq: 1, bytes: Buffer.from('more') })
    .execute();
  await db.selectFrom('document_chunks').select('seq').where('document_id', '=', document.id).execute();
  const { rows } = await sql<{
    name: string;
    statement: string;
  }>`select name, statement from pg_prepared_statements`.execute(db);
  t.same(
    rows.map((row) => row.statement),
    ['insert into "document_chunks" ("document_id", "seq", "bytes") values ($1, $2, $3)'],
    'the chunk insert only',
  );
});

t.test('a migration that adds a column to documents does not break submissions on open connections', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  // Enough submissions for Postgres to settle on a generic plan for the prepared document insert.
  for (let i = 0; i < 6; i++) {
    const { response } = await submit(ctx, school, applicant);
    t.equal(response.statusCode, 201, response.body);
  }

  await sql`alter table documents add column added_by_a_later_release text`.execute(ctx.db);

  const file = pdf('after the migration');
  const after = await submit(ctx, school, applicant, { file });
  t.equal(after.response.statusCode, 201, after.response.body);
  t.equal(after.document.status, 'verified');
  const content = await ctx.app.inject({
    method: 'GET',
    url: `/v1/documents/${after.document.id}/content`,
    headers: bearer(school.token),
  });
  t.ok(content.rawPayload.equals(file), 'stored unchanged');
});

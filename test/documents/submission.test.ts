import { createHash } from 'node:crypto';
import t from 'tap';
import { bearer, buildTestApp } from '../support/test-app.js';
import { registerApplicant, registerSchool, newEcfmgId } from '../support/registry.js';
import { pdf, postDocument, signedManifest, storedCounts, submissionParts, submit } from '../support/documents.js';

t.test('a school submits a transcript and it is verified, stored unchanged and tracked', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const file = pdf('transcript of Chiamaka Okafor', 50_000);

  const { response, document, manifest } = await submit(ctx, school, applicant, { file });
  t.equal(response.statusCode, 201, response.body);
  t.match(document, {
    type: 'transcript',
    status: 'verified',
    status_reason: null,
    sha256: createHash('sha256').update(file).digest('hex'),
    size: file.length,
    media_type: 'application/pdf',
    school: { id: school.id, wdoms_id: school.wdoms_id, name: school.name },
    applicant_id: applicant.id,
    ecfmg_id: applicant.ecfmg_id,
    key_id: school.key.publicJwk.kid,
    supersedes: null,
    superseded_by: null,
  });
  t.equal(document.available_at, document.created_at, 'no embargo for a transcript');

  const content = await ctx.app.inject({
    method: 'GET',
    url: `/v1/documents/${document.id}/content`,
    headers: bearer(applicant.token),
  });
  t.equal(content.statusCode, 200);
  t.ok(content.rawPayload.equals(file), 'the applicant downloads the bytes unchanged');
  t.equal(content.headers['content-type'], 'application/pdf');
  t.equal(content.headers['repr-digest'], `sha-256=:${createHash('sha256').update(file).digest('base64')}:`);
  t.match(content.headers['content-disposition'], /^attachment; filename="transcript-\d{8}-[0-9a-f]{8}\.pdf"$/);

  const events = await ctx.app.inject({
    method: 'GET',
    url: `/v1/documents/${document.id}/events`,
    headers: bearer(school.token),
  });
  t.match(events.json(), {
    items: [{ from_status: null, to_status: 'verified', reason: 'submitted', actor_role: 'school' }],
  });

  const stored = await ctx.db
    .selectFrom('documents')
    .select('manifest')
    .where('id', '=', document.id)
    .executeTakeFirstOrThrow();
  t.equal(stored.manifest, manifest, 'the manifest is kept exactly as received');
});

t.test('a document larger than one chunk comes back byte for byte', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const file = pdf('big', 3 * 1024 * 1024 + 12345);
  const { response, document } = await submit(ctx, school, applicant, { file });
  t.equal(response.statusCode, 201, response.body);
  const chunks = await ctx.db
    .selectFrom('document_chunks')
    .select('seq')
    .where('document_id', '=', document.id)
    .execute();
  t.equal(chunks.length, 4, 'stored in 1 MiB chunks');
  const content = await ctx.app.inject({
    method: 'GET',
    url: `/v1/documents/${document.id}/content`,
    headers: bearer(school.token),
  });
  t.ok(content.rawPayload.equals(file));
  t.equal(Number(content.headers['content-length']), file.length);
});

t.test(
  'sending the same submission again returns the same document; the same jti with other bytes is refused',
  async (t) => {
    const ctx = await buildTestApp(t);
    const school = await registerSchool(ctx);
    const applicant = await registerApplicant(ctx);
    const first = await submit(ctx, school, applicant, { jti: 'sis-2026-000123' });
    t.equal(first.response.statusCode, 201);

    const again = await postDocument(ctx, school.token, submissionParts(first.manifest, first.file));
    t.equal(again.statusCode, 200);
    t.equal(again.json().id, first.document.id);

    const before = await storedCounts(ctx);
    const other = await submit(ctx, school, applicant, { jti: 'sis-2026-000123' });
    t.equal(other.response.statusCode, 409);
    t.match(other.response.json(), { code: 'submission_conflict' });
    t.same(await storedCounts(ctx), before, 'nothing more stored');
  },
);

t.test('identity matching: accents, case and spacing are ignored; a real difference needs review', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx, {
    given_name: 'José María',
    family_name: 'Núñez',
    date_of_birth: '1995-01-31',
  });

  const loose = await submit(ctx, school, { ...applicant, given_name: '  jose   MARIA ', family_name: 'NUNEZ' });
  t.equal(loose.document.status, 'verified');

  const otherBirthday = await submit(ctx, school, { ...applicant, date_of_birth: '1995-01-30' });
  t.equal(otherBirthday.document.status, 'needs_review');
  t.equal(otherBirthday.document.status_reason, 'identity_mismatch');
  t.equal(otherBirthday.document.applicant_id, applicant.id, 'an admin sees whom it was meant for');

  const unknown = await submit(ctx, school, { ...applicant, ecfmg_id: newEcfmgId() });
  t.equal(unknown.document.status, 'unmatched');
  t.equal(unknown.document.applicant_id, null);
});

t.test('an MSPE is embargoed until MSPE_RELEASE_AT', async (t) => {
  const releaseAt = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  releaseAt.setUTCMilliseconds(0);
  const ctx = await buildTestApp(t, { MSPE_RELEASE_AT: releaseAt.toISOString() });
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const mspe = await submit(ctx, school, applicant, { type: 'mspe' });
  t.equal(mspe.document.available_at, releaseAt.toISOString());
  const transcript = await submit(ctx, school, applicant, { type: 'transcript' });
  t.equal(transcript.document.available_at, transcript.document.created_at);
});

t.test('a manifest uploaded from a file with a trailing newline (curl -F manifest=<file) is accepted', async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const file = pdf();
  const manifest = await signedManifest(school, file, applicant);
  const response = await postDocument(ctx, school.token, submissionParts(`${manifest}\n`, file));
  t.equal(response.statusCode, 201, response.body);
  const stored = await ctx.db.selectFrom('documents').select('manifest').executeTakeFirstOrThrow();
  t.equal(stored.manifest, manifest, 'the JWS itself is what is kept');
});

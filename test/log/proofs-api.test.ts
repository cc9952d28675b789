import { decodeProtectedHeader } from 'jose';
import t from 'tap';
import { leafHash } from '../../src/log/merkle.js';
import { openCheckpoint, parseVerifierKey } from '../../src/log/note.js';
import { parseLogProof } from '../../src/log/proof-text.js';
import { verifyInclusion } from '../../src/log/proofs.js';
import { submit } from '../support/documents.js';
import { registerApplicant, registerSchool } from '../support/registry.js';
import { bearer, buildTestApp } from '../support/test-app.js';

const payloadOf = (jws: string) =>
  JSON.parse(Buffer.from(jws.split('.')[1] as string, 'base64url').toString()) as {
    document: { status: string };
    log: { origin: string; index: number; proof: string };
  };

t.test("a receipt carries the document's latest log entry, proven in a signed checkpoint", async (t) => {
  const ctx = await buildTestApp(t);
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const { document } = await submit(ctx, school, applicant);
  const verifier = parseVerifierKey((await ctx.app.inject({ url: '/log/vkey' })).body);

  const first = await ctx.app.inject({ url: `/v1/documents/${document.id}/receipt`, headers: bearer(school.token) });
  t.equal(first.statusCode, 200);
  const receipt = first.json().receipt as string;
  t.equal(decodeProtectedHeader(receipt).typ, 'emswp-receipt+jwt');
  const { log } = payloadOf(receipt);
  t.equal(log.origin, ctx.app.logKey.origin);
  const proof = parseLogProof(log.proof);
  t.equal(proof.index, log.index);
  const checkpoint = openCheckpoint(proof.checkpoint, verifier);
  t.ok(verifyInclusion(proof.index, checkpoint.size, leafHash(proof.entry as Buffer), proof.proof, checkpoint.root));
  t.match(JSON.parse((proof.entry as Buffer).toString()), { kind: 'document', document_id: document.id, seq: 1 });

  // The school revokes it: the next receipt proves the new, latest entry.
  await ctx.app.inject({
    method: 'POST',
    url: `/v1/documents/${document.id}/revoke`,
    headers: bearer(school.token),
    payload: { reason: 'sent in error' },
  });
  const text = await ctx.app.inject({ url: `/v1/documents/${document.id}/log-proof`, headers: bearer(school.token) });
  t.equal(text.statusCode, 200);
  t.equal(text.headers['content-type'], 'text/plain; charset=utf-8');
  const latest = parseLogProof(text.body);
  t.ok(latest.index > proof.index);
  t.match(JSON.parse((latest.entry as Buffer).toString()), { seq: 2, status: 'revoked', reason: 'revoked_by_school' });
  const latestCheckpoint = openCheckpoint(latest.checkpoint, verifier);
  t.ok(
    verifyInclusion(
      latest.index,
      latestCheckpoint.size,
      leafHash(latest.entry as Buffer),
      latest.proof,
      latestCheckpoint.root,
    ),
  );

  const other = await registerSchool(ctx);
  const hidden = await ctx.app.inject({ url: `/v1/documents/${document.id}/log-proof`, headers: bearer(other.token) });
  t.equal(hidden.statusCode, 404, 'another school cannot see it, as for the document itself');
});

t.test('a change not yet in a checkpoint: the request waits, then 503 log_pending with Retry-After', async (t) => {
  const ctx = await buildTestApp(t, { LOG_SEQUENCER: 'false' });
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const { document } = await submit(ctx, school, applicant);
  const started = Date.now();
  const response = await ctx.app.inject({ url: `/v1/documents/${document.id}/receipt`, headers: bearer(school.token) });
  t.ok(Date.now() - started >= 2_500, 'it waited a few seconds first');
  t.equal(response.statusCode, 503);
  t.equal(response.headers['retry-after'], '2');
  t.match(response.json(), { code: 'log_pending', status: 503 });
  const proof = await ctx.app.inject({ url: `/v1/documents/${document.id}/log-proof`, headers: bearer(school.token) });
  t.equal(proof.statusCode, 503);
});

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JSONWebKeySet } from 'jose';
import t from 'tap';
import { sha256Hex } from '../../src/crypto/digest.js';
import { verifyReceipt } from '../../src/receipts/receipt.js';
import { integrateAll } from '../log/support.js';
import { expectProblem } from '../support/expect-problem.js';
import { buildTestApp, type TestApp } from '../support/test-app.js';
import { snapshotTables } from '../support/table-snapshot.js';
import {
  call,
  get,
  registerApplicant,
  registerProgram,
  registerSchool,
  release,
  releaseWorld,
  verifiedDocument,
} from '../releases/helpers.js';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** Runs `emswp` as a program director would, with tap's TypeScript loader carried over in execArgv. */
function emswp(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function serviceJwks(ctx: TestApp): Promise<JSONWebKeySet> {
  return (await ctx.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<JSONWebKeySet>();
}

t.test(
  'a program director lists, downloads, fetches a receipt and checks it offline; the applicant sees it all',
  async (t) => {
    const ctx = await buildTestApp(t, { SERVICE_ISSUER: 'https://emswp.example' });
    const { school, applicant, program, transcript } = await releaseWorld(ctx);
    await release(ctx, applicant, transcript.document.id, program.id);

    const list = await get(ctx, program.token, `/v1/programs/${program.id}/documents?applicant_id=${applicant.id}`);
    t.match(list.json(), { items: [{ id: transcript.document.id }], next_cursor: null });
    const content = await get(ctx, program.token, `/v1/documents/${transcript.document.id}/content`);
    t.equal(content.statusCode, 200);
    const receiptResponse = await get(ctx, program.token, `/v1/documents/${transcript.document.id}/receipt`);
    t.equal(receiptResponse.statusCode, 200, receiptResponse.body);
    t.equal(receiptResponse.headers['cache-control'], 'private, no-store');
    const { receipt } = receiptResponse.json<{ receipt: string }>();

    const checked = await verifyReceipt(receipt, await serviceJwks(ctx), {
      file: (async function* () {
        yield content.rawPayload;
      })(),
      expectedIssuer: 'https://emswp.example',
    });
    t.same(checked.header, { alg: ctx.app.serviceKey.alg, kid: ctx.app.serviceKey.kid, typ: 'emswp-receipt+jwt' });
    t.match(checked.payload, {
      iss: 'https://emswp.example',
      sub: transcript.document.id,
      document: {
        id: transcript.document.id,
        type: 'transcript',
        status: 'verified',
        status_reason: null,
        sha256: sha256Hex(transcript.file),
        size: transcript.file.length,
        media_type: 'application/pdf',
        school: { id: school.id, wdoms_id: school.wdoms_id, name: school.name },
        ecfmg_id: applicant.ecfmg_id,
        submission_id: transcript.document.submission_id,
        key_id: transcript.document.key_id,
        signed_at: transcript.document.signed_at,
      },
      manifest_sha256: sha256Hex(transcript.manifest),
    });
    t.notMatch(
      JSON.stringify(checked.payload),
      new RegExp(`${applicant.given_name}|${applicant.family_name}|${applicant.date_of_birth}`),
      'no name or birth date in the receipt',
    );
    t.ok(Math.abs(checked.payload.iat - Date.now() / 1000) < 60, 'iat is now');

    t.test('`emswp verify-receipt` checks it offline, with the PDF', async (t) => {
      const dir = t.testdir({});
      const files = {
        receipt: join(dir, 'receipt.json'),
        jwks: join(dir, 'jwks.json'),
        pdf: join(dir, 'transcript.pdf'),
        forged: join(dir, 'forged.pdf'),
      };
      await writeFile(files.receipt, receiptResponse.body);
      await writeFile(files.jwks, JSON.stringify(await serviceJwks(ctx)));
      await writeFile(files.pdf, content.rawPayload);
      await writeFile(files.forged, Buffer.concat([content.rawPayload, Buffer.from('%% altered')]));

      const ok = await emswp([
        'verify-receipt',
        files.receipt,
        '--jwks',
        files.jwks,
        '--file',
        files.pdf,
        '--issuer',
        'https://emswp.example',
      ]);
      t.equal(ok.code, 0, ok.stderr);
      t.match(ok.stdout, /^Receipt valid\./);
      t.match(ok.stdout, new RegExp(`${transcript.document.id} \\(transcript\\)`));
      t.match(ok.stdout, /transcript\.pdf matches/);

      const forged = await emswp(['verify-receipt', files.receipt, '--jwks', files.jwks, '--file', files.forged]);
      t.equal(forged.code, 1, 'an altered PDF does not pass');
      t.match(forged.stderr, /receipt not valid: the file is not this document/);
    });

    const disclosures = await get(ctx, applicant.token, `/v1/applicants/${applicant.id}/disclosures`);
    t.equal(disclosures.statusCode, 200);
    const items = disclosures.json<{
      items: {
        document_id: string;
        document_type: string;
        kind: string;
        program: { id: string; name: string };
        created_at: string;
      }[];
    }>().items;
    t.match(items, [
      {
        document_id: transcript.document.id,
        document_type: 'transcript',
        kind: 'content',
        program: { id: program.id, name: 'Internal Medicine Residency' },
      },
      {
        document_id: transcript.document.id,
        document_type: 'transcript',
        kind: 'receipt',
        program: { id: program.id },
      },
    ]);
    t.equal(items.length, 2, 'the list read and the metadata read are not disclosures');
    t.ok(items.every((item) => Date.parse(item.created_at) <= Date.now()));
    const byAdmin = await get(ctx, await ctx.issuer.admin(), `/v1/applicants/${applicant.id}/disclosures`);
    t.same(byAdmin.json(), disclosures.json(), 'an operator sees the same record');
  },
);

t.test('everyone who may read a document gets a receipt; only programs are recorded', async (t) => {
  const ctx = await buildTestApp(t);
  const { school, applicant, transcript } = await releaseWorld(ctx);
  const url = `/v1/documents/${transcript.document.id}/receipt`;
  const jwks = await serviceJwks(ctx);
  for (const [who, token] of [
    ['the school', school.token],
    ['the applicant', applicant.token],
    ['an operator', await ctx.issuer.admin()],
  ] as const) {
    const response = await get(ctx, token, url);
    t.equal(response.statusCode, 200, who);
    const { payload } = await verifyReceipt(response.json<{ receipt: string }>().receipt, jwks);
    t.equal(payload.sub, transcript.document.id, `${who}: the receipt is for the document`);
  }
  t.same(
    await snapshotTables(ctx.db, ['disclosures']),
    { disclosures: [] },
    'no disclosure recorded for the school, applicant or operator',
  );

  const revoked = await call(ctx, school.token, {
    method: 'POST',
    url: `/v1/documents/${transcript.document.id}/revoke`,
    payload: { reason: 'issued in error' },
  });
  t.equal(revoked.statusCode, 200);
  const fresh = await verifyReceipt((await get(ctx, applicant.token, url)).json<{ receipt: string }>().receipt, jwks);
  t.match(
    fresh.payload.document,
    { status: 'revoked', status_reason: 'issued in error' },
    'a fresh receipt tells the current status',
  );
});

t.test('a receipt for a document the caller cannot see is 404, and nothing is recorded', async (t) => {
  const ctx = await buildTestApp(t);
  const { applicant, program, otherProgram, transcript } = await releaseWorld(ctx);
  const otherSchool = await registerSchool(ctx);
  const otherApplicant = await registerApplicant(ctx, {
    given_name: 'Ama',
    family_name: 'Owusu',
    date_of_birth: '1993-01-15',
  });
  const made = await release(ctx, applicant, transcript.document.id, otherProgram.id);
  const url = `/v1/documents/${transcript.document.id}/receipt`;

  const cases = [
    ['another school', otherSchool.token, url],
    ['another applicant', otherApplicant.token, url],
    ['a program it was not released to', program.token, url],
    ['a program, for an unknown id', program.token, `/v1/documents/${randomUUID()}/receipt`],
  ] as const;
  for (const [who, token, target] of cases) {
    const before = await snapshotTables(ctx.db, ['disclosures']);
    expectProblem(t, await get(ctx, token, target), 'not_found');
    t.same(await snapshotTables(ctx.db, ['disclosures']), before, `${who}: nothing recorded`);
  }
  expectProblem(t, await call(ctx, undefined, { method: 'GET', url }), 'invalid_token');

  await call(ctx, applicant.token, { method: 'DELETE', url: `/v1/releases/${made.id}` });
  expectProblem(t, await get(ctx, otherProgram.token, url), 'not_found');
  t.same(
    await snapshotTables(ctx.db, ['disclosures']),
    { disclosures: [] },
    'a program whose release was withdrawn gets no receipt',
  );
});

t.test(
  'a receipt that ends in 503 log_pending was never given: only the receipt that follows is a disclosure',
  async (t) => {
    const ctx = await buildTestApp(t, { LOG_SEQUENCER: 'false' });
    const { applicant, program, transcript } = await releaseWorld(ctx);
    await release(ctx, applicant, transcript.document.id, program.id);
    const url = `/v1/documents/${transcript.document.id}/receipt`;

    // The log is behind: the program asks for a receipt and is told to come back.
    const pending = await get(ctx, program.token, url);
    expectProblem(t, pending, 'log_pending');
    t.same(await snapshotTables(ctx.db, ['disclosures']), { disclosures: [] }, 'nothing was disclosed');

    await integrateAll(ctx.db, ctx.app.logKey);
    const given = await get(ctx, program.token, url);
    t.equal(given.statusCode, 200, given.body);
    const disclosures = await get(ctx, applicant.token, `/v1/applicants/${applicant.id}/disclosures`);
    t.match(disclosures.json(), {
      items: [{ document_id: transcript.document.id, kind: 'receipt', program: { id: program.id }, count: 1 }],
    });
    t.equal(disclosures.json<{ items: unknown[] }>().items.length, 1, 'one receipt given, one counted');
  },
);

t.test(
  'a receipt signs the stored record: a replaced document says superseded, a pending one says needs_review',
  async (t) => {
    const ctx = await buildTestApp(t);
    const school = await registerSchool(ctx);
    const applicant = await registerApplicant(ctx);
    const program = await registerProgram(ctx);
    const original = await verifiedDocument(ctx, school, applicant);
    await release(ctx, applicant, original.document.id, program.id);
    const replacement = await verifiedDocument(ctx, school, applicant, { supersedes: original.document.id });
    const jwks = await serviceJwks(ctx);
    const receiptOf = async (token: string, id: string) =>
      (
        await verifyReceipt(
          (await get(ctx, token, `/v1/documents/${id}/receipt`)).json<{ receipt: string }>().receipt,
          jwks,
        )
      ).payload;

    t.match((await receiptOf(applicant.token, original.document.id)).document, {
      status: 'superseded',
      status_reason: 'replaced_by_school',
    });
    t.match((await receiptOf(program.token, replacement.document.id)).document, {
      id: replacement.document.id,
      status: 'verified',
    });
    const mismatch = await verifiedDocument(ctx, school, { ...applicant, family_name: 'Okafo' });
    t.match((await receiptOf(school.token, mismatch.document.id)).document, {
      status: 'needs_review',
      status_reason: 'identity_mismatch',
    });
  },
);

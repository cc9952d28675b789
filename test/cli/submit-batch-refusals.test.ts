import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { generateSigningKey, publicJwkOf } from '../../src/crypto/jwk.js';
import { batchArgs, parseResults, setup, submitBatch, transcripts, writeCsv, type Row } from '../support/batch-cli.js';
import { pdf, storedCounts } from '../support/documents.js';
import { bearer } from '../support/test-app.js';

t.test('keys that cannot sign for the school are refused plainly and nothing is stored', async (t) => {
  const s = await setup(t, 1);
  await writeCsv(s, await transcripts(s, 6));
  const other = await generateSigningKey('EdDSA');
  await writeFile(join(s.dir, 'public.json'), JSON.stringify(publicJwkOf(s.school.key.privateJwk)));
  await writeFile(
    join(s.dir, 'symmetric.json'),
    JSON.stringify({ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0', alg: 'HS256' }),
  );
  await writeFile(join(s.dir, 'corrupt.json'), '{"kty": "OKP", "crv": "Ed25519", "d": "AAAA');
  await writeFile(join(s.dir, 'damaged.json'), JSON.stringify({ ...s.school.key.privateJwk, d: 'c2hvcnQ' }));
  await writeFile(join(s.dir, 'unknown.json'), JSON.stringify(other.privateJwk));

  const refusals: Array<[string, RegExp]> = [
    ['public.json', /^emswp: \S+public\.json holds no private key \(a public JWK cannot sign\)/m],
    ['symmetric.json', /^emswp: \S+symmetric\.json holds a symmetric \(oct\) key/m],
    ['corrupt.json', /^emswp: \S+corrupt\.json is not a JSON key file/m],
    ['damaged.json', /^emswp: \S+damaged\.json is not a usable private key/m],
  ];
  const runs = await Promise.all(refusals.map(([file]) => submitBatch(s, ['batch/batch.csv', '--key', file])));
  for (const [index, [file, message]] of refusals.entries()) {
    const run = runs[index] as Awaited<ReturnType<typeof submitBatch>>;
    t.equal(run.code, 1, file);
    t.match(run.stderr, message, file);
    t.equal(run.stdout, '', `${file}: no results, nothing tried`);
  }

  const unknown = await submitBatch(s, ['batch/batch.csv', '--key', 'unknown.json', '--concurrency', '2']);
  t.equal(unknown.code, 1);
  t.match(
    unknown.stderr,
    /The batch stopped: the service refused it with unknown_key: No key with kid "[^"]+" is registered for this school\./,
  );
  const statuses = parseResults(unknown.stdout).map((r) => r.status);
  t.ok(statuses.includes('not_sent'), 'the rows after the refusal are not sent');
  t.same([...new Set(statuses)].sort(), ['failed', 'not_sent']);

  const revoke = await s.ctx.app.inject({
    method: 'POST',
    url: `/v1/schools/${s.school.id}/keys/${s.school.key.privateJwk.kid}/revoke`,
    headers: bearer(s.school.token),
    payload: { reason: 'laptop stolen' },
  });
  t.equal(revoke.statusCode, 200, revoke.body);
  const revoked = await submitBatch(s, ['batch/batch.csv', '--key', 'school-key.json']);
  t.equal(revoked.code, 1);
  t.match(
    revoked.stderr,
    /The batch stopped: the service refused it with key_revoked: Key \S+ has been revoked; sign with an active key\./,
  );
  t.same(await storedCounts(s.ctx), { documents: 0, chunks: 0, events: 0, received_letters: 0 }, 'nothing stored');
});

t.test(
  'a missing CSV, a bad --concurrency, a PDF over --max-document-bytes and an unreachable service each get one clear line',
  async (t) => {
    const s = await setup(t, 1);
    const rows = await transcripts(s, 2);
    await writeFile(join(s.batchDir, 'large.pdf'), pdf('large', 4096));
    await writeCsv(s, [...rows, { ...(rows[0] as Row), file: 'large.pdf' }]);

    // Independent of each other: run side by side.
    const [missing, concurrency, large, unreachable] = await Promise.all([
      submitBatch(s, ['nowhere.csv', '--key', 'school-key.json']),
      submitBatch(s, batchArgs(['--concurrency', '0'])),
      submitBatch(s, batchArgs(['--max-document-bytes', '2048'])),
      submitBatch(s, batchArgs(), { env: { EMSWP_URL: 'http://127.0.0.1:9' } }),
    ]);
    t.equal(missing.code, 1);
    t.match(missing.stderr, /^emswp: no batch CSV at \S+nowhere\.csv$/m);

    t.equal(concurrency.code, 1);
    t.match(concurrency.stderr, /^emswp: --concurrency must be a whole number from 1 to 32, got "0"$/m);

    t.equal(large.code, 1);
    t.match(
      large.stderr,
      /^Row 4, file: The file "large\.pdf" is 0\.0 MiB; the service accepts documents of at most 0\.0 MiB \(2048 bytes\)\.$/m,
    );

    t.equal(unreachable.code, 1);
    t.match(unreachable.stderr, /^emswp: cannot reach http:\/\/127\.0\.0\.1:9: /m);
    t.equal((await storedCounts(s.ctx))?.documents, 0, 'nothing stored');
  },
);

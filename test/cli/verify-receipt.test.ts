import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { sha256Hex } from '../../src/crypto/digest.js';
import { generateSigningKey } from '../../src/crypto/jwk.js';
import { signReceipt, type ReceiptPayload, type ReceiptSigningKey } from '../../src/receipts/receipt.js';
import { runEmswp } from '../support/run-process.js';

/** Runs `emswp` as a user would: the compiled command, in the given folder. */
const emswp = (args: string[], cwd: string) => runEmswp(args, {}, { cwd });

const service = await generateSigningKey('EdDSA');
const intruder = await generateSigningKey('EdDSA');
const signingKey = (privateJwk = service.privateJwk): ReceiptSigningKey => ({
  privateJwk,
  kid: service.privateJwk.kid as string,
  alg: 'EdDSA',
});
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(50_000)]);
const documentId = randomUUID();
const schoolId = randomUUID();
const payload: ReceiptPayload = {
  iss: 'https://emswp.example',
  sub: documentId,
  iat: Math.floor(Date.now() / 1000) - 30,
  document: {
    id: documentId,
    type: 'mspe',
    status: 'verified',
    status_reason: null,
    sha256: sha256Hex(pdf),
    size: pdf.length,
    media_type: 'application/pdf',
    // A hostile name: the summary must not pass terminal escapes through.
    school: { id: schoolId, wdoms_id: 'F0001234', name: 'University of Ibadan\u001b[2J' },
    ecfmg_id: '12345678',
    submission_id: 'SIS-2026-0042',
    key_id: 'school-key-1',
    signed_at: '2026-01-15T11:59:00.000Z',
  },
  manifest_sha256: sha256Hex('a.b.c'),
};

const receipt = await signReceipt(signingKey(), payload);
const forged = await signReceipt(signingKey(intruder.privateJwk), payload);
const [h, p, s] = receipt.split('.') as [string, string, string];
const tampered = `${h}.${Buffer.from(Buffer.from(p, 'base64url').toString().replace('"mspe"', '"lor"')).toString('base64url')}.${s}`;

const dir = t.testdir({
  'receipt.jwt': `${receipt}\n`,
  'receipt.json': JSON.stringify({ receipt }),
  'tampered.jwt': tampered,
  'forged.jwt': forged,
  'jwks.json': JSON.stringify({ keys: [service.publicJwk] }),
  'document.pdf': pdf,
  'other.pdf': Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(50_000)]),
});

t.test('a program checks a receipt and its PDF offline and reads a plain summary', async (t) => {
  const run = await emswp(['verify-receipt', 'receipt.jwt', '--jwks', 'jwks.json', '--file', 'document.pdf'], dir);
  t.equal(run.code, 0, run.stderr);
  const out = run.stdout;
  t.match(out, /^Receipt valid\./);
  t.match(out, new RegExp(`Document +${documentId} \\(mspe\\)`));
  t.match(out, /Status +verified\n/);
  t.match(out, /School +University of Ibadan\?\[2J \(F0001234\)/);
  t.notMatch(out, '\u001b', 'no control characters reach the terminal');
  t.match(out, /Signed at +2026-01-15T11:59:00.000Z with the school's key school-key-1/);
  t.match(out, new RegExp(`Receipt time +${new Date(payload.iat * 1000).toISOString()} by https://emswp.example`));
  t.match(out, /File +document\.pdf matches/);
  t.match(out, /This proves:\n {2}- The receipt is signed by key/);
  t.match(out, /This does not prove:\n {2}- That the status is still verified now/);
});

t.test('the JWKS fetched from the service URL, the receipt as the API returned it', async (t) => {
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    if (request.url === '/.well-known/jwks.json') {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [service.publicJwk] }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const [valid, missing] = await Promise.all([
    emswp(
      [
        'verify-receipt',
        'receipt.json',
        '--jwks',
        `${base}/.well-known/jwks.json`,
        '--issuer',
        'https://emswp.example',
      ],
      dir,
    ),
    emswp(['verify-receipt', 'receipt.json', '--jwks', `${base}/nothing-here.json`], dir),
  ]);
  t.equal(valid.code, 0, valid.stderr);
  t.match(valid.stdout, /^Receipt valid\./);
  t.match(valid.stdout, /That any file you hold is this document/, 'without --file it says the file was not checked');
  t.equal(missing.code, 2, 'could not check is not the same as not valid');
  t.match(missing.stderr, /^emswp: cannot fetch the JWKS from .*: HTTP 404/m);
  t.equal(requests, 2);
});

t.test('a tampered receipt, one signed by another key, and a different file are each refused', async (t) => {
  const [tamperedRun, forgedRun, otherFile, notAReceipt] = await Promise.all([
    emswp(['verify-receipt', 'tampered.jwt', '--jwks', 'jwks.json'], dir),
    emswp(['verify-receipt', 'forged.jwt', '--jwks', 'jwks.json'], dir),
    emswp(['verify-receipt', 'receipt.jwt', '--jwks', 'jwks.json', '--file', 'other.pdf'], dir),
    emswp(['verify-receipt', 'jwks.json', '--jwks', 'jwks.json'], dir),
  ]);
  for (const [name, run] of Object.entries({ tamperedRun, forgedRun, otherFile, notAReceipt })) {
    t.equal(run.code, 1, `${name} exits 1`);
    t.equal(run.stdout, '', `${name} prints no summary`);
  }
  t.match(tamperedRun.stderr, /^emswp: receipt not valid: the receipt signature does not verify/m);
  t.match(forgedRun.stderr, /^emswp: receipt not valid: the receipt signature does not verify/m);
  t.match(otherFile.stderr, /^emswp: receipt not valid: the file is not this document/m);
  t.match(notAReceipt.stderr, /^emswp: the receipt file is JSON without a "receipt" string/m);
});

t.test(
  "a receipt shows the school's standing and the service's receipt time beside the school's signing time",
  async (t) => {
    const suspendedSchool = {
      ...payload.document.school,
      name: 'University of Ibadan',
      status: 'suspended' as const,
      status_reason: 'accreditation withdrawn',
    };
    const later = await signReceipt(signingKey(), {
      ...payload,
      document: { ...payload.document, school: suspendedSchool, received_at: '2026-01-15T12:00:01.250Z' },
    });
    const folder = t.testdir({ 'receipt.jwt': later, 'jwks.json': JSON.stringify({ keys: [service.publicJwk] }) });
    const run = await emswp(['verify-receipt', 'receipt.jwt', '--jwks', 'jwks.json'], folder);
    t.equal(run.code, 0, run.stderr);
    t.match(run.stdout, /Status +verified\n/, "the document's own status is unchanged");
    t.match(
      run.stdout,
      /School +University of Ibadan \(F0001234\), suspended \(accreditation withdrawn\) when the receipt was signed/,
    );
    t.match(
      run.stdout,
      /Signed at +2026-01-15T11:59:00.000Z with the school's key school-key-1 \(the school's clock\)/,
    );
    t.match(run.stdout, /Received at +2026-01-15T12:00:01.250Z/);
  },
);

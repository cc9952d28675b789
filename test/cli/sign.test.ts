import { createHash, randomBytes, randomUUID } from 'node:crypto';
import t, { type Test } from 'tap';
import { generateSigningKey, type SigningKeyPair } from '../../src/crypto/jwk.js';
import { verifyManifest, type RegisteredManifestKey } from '../../src/documents/manifest.js';
import { runEmswp, type Finished } from '../support/run-process.js';

/** Runs `emswp` as a user would: the compiled command, in the given folder. */
const emswp = (args: string[], cwd: string) => runEmswp(args, {}, { cwd });

const school = 'F0001234';
const applicant = [
  '--ecfmg-id',
  '12345678',
  '--given-name',
  'Chiamaka',
  '--family-name',
  'Okafor',
  '--date-of-birth',
  '1996-04-12',
];

/** The service's side: verifies with the school's registered public key only. */
function registryOf(pair: SigningKeyPair) {
  const key: RegisteredManifestKey = {
    jwk: pair.publicJwk,
    alg: pair.publicJwk.alg as string,
    status: 'active',
    created_at: new Date(Date.now() - 60_000),
  };
  return { expectedIssuer: school, keyFor: async (kid: string) => (kid === pair.publicJwk.kid ? key : undefined) };
}

async function setup(t: Test, alg: 'EdDSA' | 'ES256' | 'ES384' | 'PS256' | 'RS256' = 'EdDSA') {
  const pair = await generateSigningKey(alg);
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000)]);
  const dir = t.testdir({
    'school-key.json': JSON.stringify(pair.privateJwk),
    'public-key.json': JSON.stringify(pair.publicJwk),
    'transcript.pdf': pdf,
    'photo.png': Buffer.from('\x89PNG\r\n\x1a\n rest of a png'),
  });
  return { pair, pdf, dir };
}

t.test(
  'a school signs a transcript: the manifest verifies with its registered key and carries the file digest',
  async (t) => {
    const { pair, pdf, dir } = await setup(t);
    const before = Math.floor(Date.now() / 1000);
    const run = await emswp(
      ['sign', '--key', 'school-key.json', '--type', 'transcript', '--issuer', school, ...applicant, 'transcript.pdf'],
      dir,
    );
    t.equal(run.code, 0, run.stderr);
    t.match(run.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/, 'one compact JWS line');
    const compact = run.stdout.trim();
    const { manifest, header } = await verifyManifest(compact, registryOf(pair));
    t.same(header, { alg: 'EdDSA', kid: pair.publicJwk.kid, typ: 'emswp-manifest+jwt' });
    t.equal(manifest.document.sha256, createHash('sha256').update(pdf).digest('hex'));
    t.equal(manifest.document.size, pdf.length);
    t.same(manifest.document, {
      type: 'transcript',
      sha256: manifest.document.sha256,
      size: pdf.length,
      media_type: 'application/pdf',
    });
    t.same(manifest.applicant, {
      ecfmg_id: '12345678',
      given_name: 'Chiamaka',
      family_name: 'Okafor',
      date_of_birth: '1996-04-12',
    });
    t.equal(manifest.iss, school);
    t.match(
      manifest.jti,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      'jti defaults to a random UUID',
    );
    t.ok(manifest.iat >= before && manifest.iat <= Math.floor(Date.now() / 1000), 'iat is now');
    t.notOk('letter_id' in manifest);
    t.notOk('supersedes' in manifest);
  },
);

t.test('a letter with its letter_id, a replacement, a chosen jti, with an RSA-PSS key', async (t) => {
  const { pair, dir } = await setup(t, 'PS256');
  const letterId = randomUUID();
  const supersedes = randomUUID();
  const run = await emswp(
    [
      'sign',
      '--key',
      'school-key.json',
      '--type',
      'lor',
      '--issuer',
      school,
      ...applicant,
      '--letter-id',
      letterId,
      '--supersedes',
      supersedes,
      '--jti',
      'SIS-2026-0042',
      'transcript.pdf',
    ],
    dir,
  );
  t.equal(run.code, 0, run.stderr);
  const { manifest, header } = await verifyManifest(run.stdout.trim(), registryOf(pair));
  t.equal(header.alg, 'PS256');
  t.equal(manifest.document.type, 'lor');
  t.equal(manifest.letter_id, letterId);
  t.equal(manifest.supersedes, supersedes);
  t.equal(manifest.jti, 'SIS-2026-0042');
});

t.test('what the service would refuse is refused before signing, naming the file or the flags', async (t) => {
  const { dir } = await setup(t);
  const sign = (...args: string[]) => emswp(['sign', '--key', 'school-key.json', ...args], dir);
  const cases: Array<[string, Promise<Finished>, RegExp[]]> = [
    [
      'a file that is not a PDF',
      sign('--issuer', school, '--type', 'transcript', ...applicant, 'photo.png'),
      [/^emswp: photo\.png is not a PDF \(it does not start with %PDF-\)/m],
    ],
    [
      'a lor without --letter-id',
      sign('--issuer', school, '--type', 'lor', ...applicant, 'transcript.pdf'),
      [/^emswp: --letter-id is missing/m],
    ],
    [
      'a bad issuer, ECFMG ID and date of birth, all named at once',
      sign(
        '--issuer',
        'F12',
        '--type',
        'mspe',
        '--ecfmg-id',
        '1234',
        '--given-name',
        'A',
        '--family-name',
        'B',
        '--date-of-birth',
        '1996-02-30',
        'transcript.pdf',
      ),
      [
        /^emswp: --issuer must be the school's World Directory id, F and 7 digits/m,
        /--ecfmg-id must be the ECFMG ID, 8 digits/,
        /--date-of-birth must be a real date/,
      ],
    ],
    [
      'a public key file',
      emswp(
        ['sign', '--key', 'public-key.json', '--issuer', school, '--type', 'mspe', ...applicant, 'transcript.pdf'],
        dir,
      ),
      [/^emswp: public-key\.json holds no private key/m],
    ],
  ];
  for (const [name, pending, messages] of cases) {
    const run = await pending;
    t.equal(run.code, 1, name);
    for (const message of messages) t.match(run.stderr, message, name);
    t.equal(run.stdout, '', `${name}: nothing signed`);
  }
});

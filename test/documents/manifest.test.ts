import { createPrivateKey, randomUUID, sign as nodeSign } from 'node:crypto';
import t, { type Test } from 'tap';
import { CompactSign, type JWK } from 'jose';
import { generateSigningKey, publicJwkOf, signatureAlgorithms, type SigningKeyPair } from '../../src/crypto/jwk.js';
import {
  manifestPayloadErrors,
  signManifest,
  verifyManifest,
  type ManifestPayload,
  type RegisteredManifestKey,
  type VerifyManifestOptions,
} from '../../src/documents/manifest.js';
import { ProblemError } from '../../src/http/problem.js';

const school = 'F0001234';
const now = new Date('2026-01-15T12:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
/** When the test keys were registered: a day before `now`. */
const registeredAt = new Date(now.getTime() - 24 * 3600 * 1000);

function transcriptPayload(overrides: Record<string, unknown> = {}): ManifestPayload {
  return {
    iss: school,
    jti: randomUUID(),
    iat: nowSeconds - 60,
    document: {
      type: 'transcript',
      sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      size: 48211,
      media_type: 'application/pdf',
    },
    applicant: { ecfmg_id: '12345678', given_name: 'Chiamaka', family_name: 'Okafor', date_of_birth: '1996-04-12' },
    ...overrides,
  } as ManifestPayload;
}

/** The calling school's key registry, as the route will give it: only this school's keys. */
class Registry {
  readonly keys = new Map<string, RegisteredManifestKey>();
  lookups: string[] = [];

  add(pair: SigningKeyPair, status: RegisteredManifestKey['status'] = 'active'): this {
    this.keys.set(pair.publicJwk.kid as string, {
      jwk: pair.publicJwk,
      alg: pair.publicJwk.alg as string,
      status,
      created_at: registeredAt,
    });
    return this;
  }

  options(overrides: Partial<VerifyManifestOptions> = {}): VerifyManifestOptions {
    return {
      expectedIssuer: school,
      now,
      keyFor: async (kid) => {
        this.lookups.push(kid);
        return this.keys.get(kid);
      },
      ...overrides,
    };
  }
}

const b64 = (value: string | Uint8Array): string => Buffer.from(value).toString('base64url');

/**
 * Signs any header and payload bytes with an Ed25519 key, bypassing jose's own header checks, the
 * way an attacker's tool would.
 */
function rawEd25519Jws(
  privateJwk: JWK,
  header: Record<string, unknown>,
  payload: string | Record<string, unknown>,
): string {
  const input = `${b64(JSON.stringify(header))}.${b64(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  const key = createPrivateKey({ key: privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  return `${input}.${b64(nodeSign(null, Buffer.from(input), key))}`;
}

async function rejectsWith(
  t: Test,
  promise: Promise<unknown>,
  code: string,
  detail?: RegExp,
): Promise<ProblemError | undefined> {
  try {
    await promise;
  } catch (error) {
    t.type(error, ProblemError);
    const problemError = error as ProblemError;
    t.equal(problemError.code, code, `refused with ${code}: ${problemError.message}`);
    t.equal(problemError.status, 422);
    if (detail) t.match(problemError.detail, detail);
    return problemError;
  }
  t.fail(`expected ${code}, but the manifest was accepted`);
  return undefined;
}

const ed = await generateSigningKey('EdDSA');
const other = await generateSigningKey('EdDSA');
const edHeader = { alg: 'EdDSA', kid: ed.privateJwk.kid, typ: 'emswp-manifest+jwt' };

t.test('a manifest verifies for every accepted algorithm, exactly as received', async (t) => {
  for (const alg of signatureAlgorithms) {
    const pair = alg === 'EdDSA' ? ed : await generateSigningKey(alg);
    const registry = new Registry().add(pair);
    const payload = transcriptPayload();
    const compact = await signManifest(pair.privateJwk, payload);
    const verified = await verifyManifest(compact, registry.options());
    t.same(verified.manifest, payload, `${alg}: payload`);
    t.same(verified.header, { alg, kid: pair.publicJwk.kid, typ: 'emswp-manifest+jwt' }, `${alg}: header`);
    t.equal(verified.compact, compact, `${alg}: the manifest string is kept as received`);
    t.equal(verified.signedAt.getTime(), payload.iat * 1000);
    t.equal(verified.key.status, 'active');
    t.same(registry.lookups, [pair.publicJwk.kid]);
  }
});

t.test('a letter of recommendation carries its letter_id, and a replacement names what it supersedes', async (t) => {
  const registry = new Registry().add(ed);
  const letterId = randomUUID();
  const supersedes = randomUUID();
  const payload = transcriptPayload({
    document: { type: 'lor', sha256: 'a'.repeat(64), size: 1, media_type: 'application/pdf' },
    letter_id: letterId,
    supersedes,
  });
  const { manifest } = await verifyManifest(await signManifest(ed.privateJwk, payload), registry.options());
  t.equal(manifest.letter_id, letterId);
  t.equal(manifest.supersedes, supersedes);
  t.equal(manifest.document.type, 'lor');
});

t.test('iat up to 5 minutes ahead of our clock is clock skew and accepted', async (t) => {
  const registry = new Registry().add(ed);
  const compact = await signManifest(ed.privateJwk, transcriptPayload({ iat: nowSeconds + 300 }));
  t.ok(await verifyManifest(compact, registry.options()));
});

t.test('signature refusals', async (t) => {
  t.test('one changed payload byte breaks the signature', async (t) => {
    const registry = new Registry().add(ed);
    const compact = await signManifest(ed.privateJwk, transcriptPayload());
    const [h, p, s] = compact.split('.') as [string, string, string];
    const tampered = Buffer.from(
      Buffer.from(p, 'base64url').toString('utf8').replace('"size":48211', '"size":48212'),
    ).toString('base64url');
    t.not(tampered, p);
    await rejectsWith(t, verifyManifest(`${h}.${tampered}.${s}`, registry.options()), 'signature_invalid');
  });

  t.test('a manifest signed by another key under a registered kid', async (t) => {
    const registry = new Registry().add(ed);
    const forged = await signManifest({ ...other.privateJwk, kid: ed.privateJwk.kid }, transcriptPayload());
    await rejectsWith(t, verifyManifest(forged, registry.options()), 'signature_invalid', /does not verify/);
  });

  t.test('an alg that does not fit the registered key', async (t) => {
    const rsa = await generateSigningKey('RS256');
    // PS256 signature by the right RSA key, but the key is registered for RS256.
    const registry = new Registry().add(rsa);
    const ps = await signManifest({ ...rsa.privateJwk, alg: 'PS256' }, transcriptPayload());
    await rejectsWith(t, verifyManifest(ps, registry.options()), 'signature_invalid', /registered for RS256/);
    // An ES256 header naming an Ed25519 key.
    const edRegistry = new Registry().add(ed);
    const es = await generateSigningKey('ES256');
    const confused = await signManifest({ ...es.privateJwk, kid: ed.privateJwk.kid }, transcriptPayload());
    await rejectsWith(t, verifyManifest(confused, edRegistry.options()), 'signature_invalid', /registered for EdDSA/);
  });

  t.test('an empty signature with an accepted alg', async (t) => {
    const registry = new Registry().add(ed);
    const compact = await signManifest(ed.privateJwk, transcriptPayload());
    await rejectsWith(t, verifyManifest(compact.replace(/[^.]+$/, ''), registry.options()), 'signature_invalid');
  });
});

t.test('key refusals', async (t) => {
  t.test('a kid not registered for this school', async (t) => {
    const registry = new Registry().add(ed);
    const compact = await signManifest(other.privateJwk, transcriptPayload());
    await rejectsWith(
      t,
      verifyManifest(compact, registry.options()),
      'unknown_key',
      new RegExp(other.privateJwk.kid as string),
    );
  });

  t.test('a revoked key, refused before any signature work', async (t) => {
    const registry = new Registry().add(ed, 'revoked');
    // The signature is bad too: the status decides first.
    const compact = await signManifest({ ...other.privateJwk, kid: ed.privateJwk.kid }, transcriptPayload());
    await rejectsWith(t, verifyManifest(compact, registry.options()), 'key_revoked');
  });
});

t.test('header refusals, all before the key is looked up', async (t) => {
  const payload = transcriptPayload();
  const cases: Array<[string, string, RegExp]> = [
    [
      'alg none',
      `${b64(JSON.stringify({ alg: 'none', typ: 'emswp-manifest+jwt', kid: ed.privateJwk.kid }))}.${b64(JSON.stringify(payload))}.`,
      /alg is "none"/,
    ],
    [
      'typ of an access token',
      rawEd25519Jws(ed.privateJwk, { ...edHeader, typ: 'JWT' }, payload),
      /typ must be exactly/,
    ],
    [
      'typ in another case',
      rawEd25519Jws(ed.privateJwk, { ...edHeader, typ: 'Emswp-Manifest+JWT' }, payload),
      /typ must be exactly/,
    ],
    ['no typ', rawEd25519Jws(ed.privateJwk, { alg: 'EdDSA', kid: ed.privateJwk.kid }, payload), /typ must be exactly/],
    [
      'receipt typ',
      rawEd25519Jws(ed.privateJwk, { ...edHeader, typ: 'emswp-receipt+jwt' }, payload),
      /typ must be exactly/,
    ],
    ['no kid', rawEd25519Jws(ed.privateJwk, { alg: 'EdDSA', typ: 'emswp-manifest+jwt' }, payload), /needs a kid/],
    ['a kid that is not a string', rawEd25519Jws(ed.privateJwk, { ...edHeader, kid: 7 }, payload), /needs a kid/],
    ['a kid with a NUL byte', rawEd25519Jws(ed.privateJwk, { ...edHeader, kid: 'a\u0000b' }, payload), /needs a kid/],
    [
      'no alg',
      rawEd25519Jws(ed.privateJwk, { kid: ed.privateJwk.kid, typ: 'emswp-manifest+jwt' }, payload),
      /alg is missing/,
    ],
    [
      'the Ed25519 alg name',
      rawEd25519Jws(ed.privateJwk, { ...edHeader, alg: 'Ed25519' }, payload),
      /alg is "Ed25519"/,
    ],
    [
      'an embedded jwk',
      rawEd25519Jws(other.privateJwk, { ...edHeader, jwk: publicJwkOf(other.privateJwk) }, payload),
      /"jwk"/,
    ],
    [
      'a jku',
      rawEd25519Jws(ed.privateJwk, { ...edHeader, jku: 'https://attacker.example/jwks.json' }, payload),
      /"jku"/,
    ],
    [
      'an x5u',
      rawEd25519Jws(ed.privateJwk, { ...edHeader, x5u: 'https://attacker.example/cert.pem' }, payload),
      /"x5u"/,
    ],
    ['an x5c', rawEd25519Jws(ed.privateJwk, { ...edHeader, x5c: ['MIIB'] }, payload), /"x5c"/],
    ['an x5t', rawEd25519Jws(ed.privateJwk, { ...edHeader, x5t: 'abc' }, payload), /"x5t"/],
    ['a crit header', rawEd25519Jws(ed.privateJwk, { ...edHeader, crit: ['exp'], exp: 1 }, payload), /"crit"/],
    ['b64 false', rawEd25519Jws(ed.privateJwk, { ...edHeader, b64: false, crit: ['b64'] }, payload), /"b64"/],
    ['an unknown member', rawEd25519Jws(ed.privateJwk, { ...edHeader, cty: 'json' }, payload), /"cty"/],
    [
      'a __proto__ member',
      rawEd25519Jws(
        ed.privateJwk,
        JSON.parse(`{"alg":"EdDSA","kid":"${ed.privateJwk.kid}","typ":"emswp-manifest+jwt","__proto__":{"x":1}}`),
        payload,
      ),
      /"__proto__"/,
    ],
  ];
  for (const [name, compact, detail] of cases) {
    t.test(name, async (t) => {
      const registry = new Registry().add(ed).add(other);
      await rejectsWith(t, verifyManifest(compact, registry.options()), 'manifest_invalid', detail);
      t.same(registry.lookups, [], 'no key was looked up');
    });
  }

  t.test('an HMAC manifest keyed with the public key (algorithm confusion)', async (t) => {
    const registry = new Registry().add(ed);
    const secret = Buffer.from(JSON.stringify(ed.publicJwk));
    const hmac = await new CompactSign(Buffer.from(JSON.stringify(payload)))
      .setProtectedHeader({ ...edHeader, alg: 'HS256' })
      .sign(secret);
    await rejectsWith(t, verifyManifest(hmac, registry.options()), 'manifest_invalid', /alg is "HS256"/);
    t.same(registry.lookups, []);
  });
});

t.test('shape refusals', async (t) => {
  const good = await signManifest(ed.privateJwk, transcriptPayload());
  const cases: Array<[string, unknown, RegExp]> = [
    ['a 1 MiB manifest', `${good}${'A'.repeat(1024 * 1024)}`, /longer than 65536 bytes/],
    ['not a string', { manifest: good }, /not a string/],
    ['the empty string', '', /three base64url parts/],
    ['two parts', good.split('.').slice(0, 2).join('.'), /three base64url parts/],
    ['four parts', `${good}.AAAA`, /three base64url parts/],
    ['a trailing newline', `${good}\n`, /trailing newline/],
    ['padding', good.replace(/\./, '=.'), /not base64url/],
    ['standard base64 characters', good.replace(/\.(.)/, '.+'), /not base64url/],
    [
      'a header that is not JSON',
      `${b64('{"alg":')}.${good.split('.')[1]}.${good.split('.')[2]}`,
      /header is not JSON/,
    ],
    [
      'a header that is a JSON array',
      `${b64('["EdDSA"]')}.${good.split('.')[1]}.${good.split('.')[2]}`,
      /not a JSON object/,
    ],
    [
      'a header that is not UTF-8',
      `${b64(Buffer.from([0xff, 0xfe]))}.${good.split('.')[1]}.${good.split('.')[2]}`,
      /not UTF-8/,
    ],
    ['an empty payload', `${good.split('.')[0]}..${good.split('.')[2]}`, /payload is empty/],
  ];
  for (const [name, value, detail] of cases) {
    t.test(name, async (t) => {
      const registry = new Registry().add(ed);
      await rejectsWith(t, verifyManifest(value as string, registry.options()), 'manifest_invalid', detail);
      t.same(registry.lookups, []);
    });
  }

  t.test('a smaller limit is honoured', async (t) => {
    const registry = new Registry().add(ed);
    await rejectsWith(
      t,
      verifyManifest(good, registry.options({ maxBytes: 100 })),
      'manifest_invalid',
      /longer than 100 bytes/,
    );
  });
});

t.test('payload refusals (signed by the right key, so only the content is wrong)', async (t) => {
  const base = transcriptPayload();
  const cases: Array<[string, Record<string, unknown> | string, string, RegExp]> = [
    ['an unknown top-level field', { ...base, role: 'admin' }, '/role', /not a known field/],
    [
      'an unknown document field',
      { ...base, document: { ...base.document, pages: 3 } },
      '/document/pages',
      /not a known field/,
    ],
    [
      'an unknown applicant field',
      { ...base, applicant: { ...base.applicant, email: 'a@b.c' } },
      '/applicant/email',
      /not a known field/,
    ],
    [
      'a missing field',
      { ...base, applicant: { ...base.applicant, date_of_birth: undefined } },
      '/applicant/date_of_birth',
      /required/,
    ],
    ['a missing jti', { ...base, jti: undefined }, '/jti', /required/],
    ['an empty jti', { ...base, jti: '' }, '/jti', /1 to 128/],
    ['a 129 character jti', { ...base, jti: 'j'.repeat(129) }, '/jti', /1 to 128/],
    ['a jti with a NUL byte', { ...base, jti: 'a\u0000b' }, '/jti', /control characters/],
    [
      'an uppercase sha256',
      { ...base, document: { ...base.document, sha256: base.document.sha256.toUpperCase() } },
      '/document/sha256',
      /64 lowercase hex/,
    ],
    [
      'a short sha256',
      { ...base, document: { ...base.document, sha256: 'abc' } },
      '/document/sha256',
      /64 lowercase hex/,
    ],
    ['a size of 0', { ...base, document: { ...base.document, size: 0 } }, '/document/size', /at least 1/],
    ['a fractional size', { ...base, document: { ...base.document, size: 1.5 } }, '/document/size', /whole number/],
    [
      'a size as a string',
      { ...base, document: { ...base.document, size: '48211' } },
      '/document/size',
      /whole number/,
    ],
    [
      'another media type',
      { ...base, document: { ...base.document, media_type: 'image/png' } },
      '/document/media_type',
      /application\/pdf/,
    ],
    [
      'an unknown document type',
      { ...base, document: { ...base.document, type: 'diploma' } },
      '/document/type',
      /mspe, transcript, lor/,
    ],
    ['an iss that is not a World Directory id', { ...base, iss: 'F123' }, '/iss', /F and 7 digits/],
    ['a fractional iat', { ...base, iat: nowSeconds + 0.5 }, '/iat', /whole seconds/],
    ['an iat in milliseconds far ahead', { ...base, iat: now.getTime() }, '/iat', /future/],
    ['an iat 301 seconds ahead', { ...base, iat: nowSeconds + 301 }, '/iat', /future/],
    [
      'an iat more than 5 minutes before its key was registered',
      { ...base, iat: Math.floor(registeredAt.getTime() / 1000) - 301 },
      '/iat',
      /before the signing key was registered/,
    ],
    ['an iat of 0 (1970)', { ...base, iat: 0 }, '/iat', /before the signing key was registered/],
    ['a jti with a zero-width space', { ...base, jti: 'submission\u200b1' }, '/jti', /format characters/],
    ['a jti with a right-to-left override', { ...base, jti: 'invoice-\u202egpj.exe' }, '/jti', /format characters/],
    [
      'a repeated member name (last one wins in JSON.parse, first one elsewhere)',
      JSON.stringify(base).replace('{', '{"iss":"F0009999",'),
      '/iss',
      /appears more than once/,
    ],
    [
      'a repeated member name spelled with an escape',
      JSON.stringify(base).replace('"jti"', '"\\u006ati":"x","jti"'),
      '/jti',
      /appears more than once/,
    ],
    [
      'a 7 digit ECFMG ID',
      { ...base, applicant: { ...base.applicant, ecfmg_id: '1234567' } },
      '/applicant/ecfmg_id',
      /8 digits/,
    ],
    [
      'a blank given name',
      { ...base, applicant: { ...base.applicant, given_name: '   ' } },
      '/applicant/given_name',
      /after trimming/,
    ],
    [
      'a 101 character family name',
      { ...base, applicant: { ...base.applicant, family_name: 'x'.repeat(101) } },
      '/applicant/family_name',
      /after trimming/,
    ],
    [
      'a name with a newline',
      { ...base, applicant: { ...base.applicant, family_name: 'Oka\nfor' } },
      '/applicant/family_name',
      /control/,
    ],
    [
      'an impossible date of birth',
      { ...base, applicant: { ...base.applicant, date_of_birth: '1996-02-30' } },
      '/applicant/date_of_birth',
      /real date/,
    ],
    [
      'a date of birth in another format',
      { ...base, applicant: { ...base.applicant, date_of_birth: '12/04/1996' } },
      '/applicant/date_of_birth',
      /YYYY-MM-DD/,
    ],
    ['a lor without letter_id', { ...base, document: { ...base.document, type: 'lor' } }, '/letter_id', /is missing/],
    ['a letter_id on a transcript', { ...base, letter_id: randomUUID() }, '/letter_id', /must be absent/],
    [
      'a letter_id that is not a UUID',
      { ...base, document: { ...base.document, type: 'lor' }, letter_id: 'letter-1' },
      '/letter_id',
      /UUID/,
    ],
    ['a supersedes that is not a UUID', { ...base, supersedes: 42 }, '/supersedes', /UUID/],
    ['a payload that is a JSON array', '[1,2]', '/', /JSON object/],
    ['a payload that is not JSON', 'not json', '/', /not UTF-8 JSON/],
  ];
  for (const [name, payload, path, detail] of cases) {
    t.test(name, async (t) => {
      const registry = new Registry().add(ed);
      const compact =
        typeof payload === 'string'
          ? rawEd25519Jws(ed.privateJwk, edHeader, payload)
          : await signManifest(ed.privateJwk, payload);
      const error = await rejectsWith(t, verifyManifest(compact, registry.options()), 'manifest_invalid', detail);
      if (typeof payload !== 'string') t.match(error?.extra.errors, [{ path }], `the detail names ${path}`);
      if (typeof payload !== 'string') t.match(error?.detail, path);
    });
  }
});

t.test('an iat older than MANIFEST_MAX_AGE, though after the key was registered', async (t) => {
  const registry = new Registry().add(ed);
  const compact = await signManifest(ed.privateJwk, transcriptPayload({ iat: nowSeconds - 7200 }));
  await rejectsWith(
    t,
    verifyManifest(compact, registry.options({ maxAgeSeconds: 3600 })),
    'manifest_invalid',
    /more than 3600 seconds ago \(MANIFEST_MAX_AGE\)/,
  );
  t.ok(await verifyManifest(compact, registry.options({ maxAgeSeconds: 7300 })), 'accepted within the window');
});

t.test('a protected header with a repeated member name', async (t) => {
  const registry = new Registry().add(ed);
  const header = `{"alg":"EdDSA","kid":${JSON.stringify(ed.publicJwk.kid)},"typ":"emswp-manifest+jwt","kid":"other"}`;
  const input = `${b64(header)}.${b64(JSON.stringify(transcriptPayload()))}`;
  const key = createPrivateKey({ key: ed.privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const compact = `${input}.${b64(nodeSign(null, Buffer.from(input), key))}`;
  await rejectsWith(t, verifyManifest(compact, registry.options()), 'manifest_invalid', /"kid" twice/);
});

t.test('an issuer other than the calling school, checked after the signature', async (t) => {
  const registry = new Registry().add(ed);
  const compact = await signManifest(ed.privateJwk, transcriptPayload({ iss: 'F0009999' }));
  await rejectsWith(t, verifyManifest(compact, registry.options()), 'issuer_mismatch', /F0009999.*F0001234/);
  // Forged by another key and with a wrong issuer: the signature is what is reported.
  const forged = await signManifest(
    { ...other.privateJwk, kid: ed.privateJwk.kid },
    transcriptPayload({ iss: 'F0009999' }),
  );
  await rejectsWith(t, verifyManifest(forged, registry.options()), 'signature_invalid');
});

t.test('every problem in a payload is reported at once, schema rules and the others alike', async (t) => {
  const base = transcriptPayload();
  const errors = manifestPayloadErrors({
    ...base,
    iss: 'X1',
    letter_id: randomUUID(),
    applicant: { ...base.applicant, date_of_birth: '2001-13-01', given_name: ' ' },
  });
  t.same(errors.map((error) => error.path).sort(), [
    '/applicant/date_of_birth',
    '/applicant/given_name',
    '/iss',
    '/letter_id',
  ]);
  t.same(manifestPayloadErrors(base), []);
  t.same(manifestPayloadErrors(null), [{ path: '/', message: 'Expected object' }]);
});

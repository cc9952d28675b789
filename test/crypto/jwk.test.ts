import t from 'tap';
import { calculateJwkThumbprint, type JWK } from 'jose';
import {
  algorithmFitsKey,
  generateSigningKey,
  isSignatureAlgorithm,
  publicJwkOf,
  signatureAlgorithms,
} from '../../src/crypto/jwk.js';

const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

t.test('each accepted algorithm makes a key pair whose kid is the RFC 7638 thumbprint', async (t) => {
  const expected = {
    EdDSA: ['OKP', 'Ed25519'],
    ES256: ['EC', 'P-256'],
    ES384: ['EC', 'P-384'],
    PS256: ['RSA', undefined],
    RS256: ['RSA', undefined],
  };
  for (const alg of signatureAlgorithms) {
    const { privateJwk, publicJwk } = await generateSigningKey(alg);
    t.equal(privateJwk.kty, expected[alg][0], `${alg} kty`);
    t.equal(privateJwk.crv, expected[alg][1], `${alg} crv`);
    t.equal(privateJwk.alg, alg);
    t.equal(privateJwk.use, 'sig');
    t.type(privateJwk.d, 'string', `${alg} private key has d`);
    t.equal(privateJwk.kid, await calculateJwkThumbprint(publicJwk));
    t.equal(publicJwk.kid, privateJwk.kid);
    for (const member of privateMembers) t.notOk(member in publicJwk, `${alg} public key has no ${member}`);
    if (privateJwk.kty === 'RSA')
      t.equal(Buffer.from(privateJwk.n as string, 'base64url').length * 8, 3072, 'RSA modulus is 3072 bits');
    t.ok(algorithmFitsKey(alg, publicJwk));
  }
});

t.test('an algorithm fits only its own kind of key', async (t) => {
  const ed = { kty: 'OKP', crv: 'Ed25519' };
  const x = { kty: 'OKP', crv: 'X25519' };
  const p256 = { kty: 'EC', crv: 'P-256' };
  const p384 = { kty: 'EC', crv: 'P-384' };
  const rsa = { kty: 'RSA' };
  const oct = { kty: 'oct' };
  t.ok(algorithmFitsKey('EdDSA', ed));
  t.notOk(algorithmFitsKey('EdDSA', x));
  t.notOk(algorithmFitsKey('EdDSA', p256));
  t.ok(algorithmFitsKey('ES256', p256));
  t.notOk(algorithmFitsKey('ES256', p384));
  t.ok(algorithmFitsKey('ES384', p384));
  t.notOk(algorithmFitsKey('ES384', p256));
  t.ok(algorithmFitsKey('RS256', rsa));
  t.ok(algorithmFitsKey('PS256', rsa));
  t.notOk(algorithmFitsKey('RS256', ed));
  for (const alg of signatureAlgorithms) t.notOk(algorithmFitsKey(alg, oct), `${alg} never fits a symmetric key`);
});

t.test('the public part keeps only public members, whatever else the JWK holds', async (t) => {
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: 'x',
    y: 'y',
    d: 'secret',
    alg: 'ES256',
    kid: 'k1',
    key_ops: ['sign'],
    ext: true,
    x5c: ['MII'],
    extra: 'secret too',
  } as JWK;
  t.same(publicJwkOf(jwk), { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', alg: 'ES256', kid: 'k1', use: 'sig' });
});

t.test('none and HMAC are never signature algorithms', async (t) => {
  for (const alg of ['none', 'HS256', 'HS384', 'HS512', 'ES512', 'RS512', 'Ed25519', '', undefined, 1])
    t.notOk(isSignatureAlgorithm(alg), String(alg));
  for (const alg of signatureAlgorithms) t.ok(isSignatureAlgorithm(alg));
});

import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type JWK,
  type JWTPayload,
  type JWTHeaderParameters,
  type CryptoKey,
} from 'jose';
import type { Principal } from '../../src/auth/principal.js';

export const testIssuerName = 'https://issuer.test.emswp';
export const testAudience = 'emswp';

export interface TokenOptions {
  /** Claims that replace or add to the defaults (iss, aud, sub, exp, role claims). */
  claims?: JWTPayload & Record<string, unknown>;
  /** Header fields that replace the defaults. */
  header?: Partial<JWTHeaderParameters>;
  expiresIn?: string | number;
}

/** An identity provider for tests: its public key goes to a JWKS file the service is pointed at. */
export interface TestIssuer {
  jwksFile: string;
  publicJwk: JWK;
  privateKey: CryptoKey;
  kid: string;
  token(principal: Principal, options?: TokenOptions): Promise<string>;
  admin(): Promise<string>;
  school(schoolId: string): Promise<string>;
  applicant(applicantId: string): Promise<string>;
  program(programId: string): Promise<string>;
}

export async function createTestIssuer(directory: string): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  const publicJwk: JWK = { ...exported, kid, alg: 'EdDSA', use: 'sig' };
  const jwksFile = join(directory, 'issuer-jwks.json');
  await writeFile(jwksFile, JSON.stringify({ keys: [publicJwk] }));

  const token = async (principal: Principal, options: TokenOptions = {}) => {
    const { sub, ...roleClaims } = principal;
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      iss: testIssuerName,
      aud: testAudience,
      sub,
      iat: now,
      exp: now + 3600,
      jti: randomUUID(),
      ...roleClaims,
      ...options.claims,
    };
    for (const [name, value] of Object.entries(payload))
      if (value === undefined) delete (payload as Record<string, unknown>)[name];
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT', ...options.header })
      .sign(privateKey);
  };

  return {
    jwksFile,
    publicJwk,
    privateKey,
    kid,
    token,
    admin: () => token({ sub: 'operator-1', role: 'admin' }),
    school: (school_id) => token({ sub: `school-officer-${school_id}`, role: 'school', school_id }),
    applicant: (applicant_id) => token({ sub: `applicant-${applicant_id}`, role: 'applicant', applicant_id }),
    program: (program_id) => token({ sub: `program-${program_id}`, role: 'program', program_id }),
  };
}

import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { generateSigningKey, type SigningKeyPair } from '../../src/crypto/jwk.js';
import { signManifest } from '../../src/documents/manifest.js';
import type { BenchServer } from './harness.js';

export interface BenchSchool {
  id: string;
  wdoms_id: string;
  token: string;
  key: SigningKeyPair;
}

export interface BenchApplicant {
  id: string;
  ecfmg_id: string;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  token: string;
}

async function call<T>(server: BenchServer, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

/** An active school with a registered Ed25519 key, made through the API as an operator and officer would. */
export async function registerSchool(server: BenchServer): Promise<BenchSchool> {
  const admin = await server.token({ sub: 'bench-operator', role: 'admin' });
  const wdoms_id = `F${digits(7)}`;
  const { id } = await call<{ id: string }>(server, admin, 'POST', '/v1/schools', {
    wdoms_id,
    name: `Benchmark School ${wdoms_id}`,
    country: 'NG',
    contact_email: 'registrar@bench.example.edu',
  });
  const token = await server.token({ sub: 'bench-officer', role: 'school', school_id: id });
  const key = await generateSigningKey('EdDSA');
  await call(server, token, 'POST', `/v1/schools/${id}/keys`, { jwk: key.publicJwk });
  await call(server, admin, 'PATCH', `/v1/schools/${id}`, { status: 'active', reason: 'vetted' });
  return { id, wdoms_id, token, key };
}

export async function registerApplicant(server: BenchServer): Promise<BenchApplicant> {
  const admin = await server.token({ sub: 'bench-operator', role: 'admin' });
  const values = { ecfmg_id: digits(8), given_name: 'Chiamaka', family_name: 'Okafor', date_of_birth: '1996-04-12' };
  const { id } = await call<{ id: string }>(server, admin, 'POST', '/v1/applicants', values);
  return { id, ...values, token: await server.token({ sub: 'bench-applicant', role: 'applicant', applicant_id: id }) };
}

/** A PDF of exactly `size` bytes with random (incompressible, like a real PDF's streams) content. */
export function pdfOfSize(size: number): Buffer {
  const head = Buffer.from(`%PDF-1.7\n% ${randomUUID()}\n1 0 obj << /Type /Catalog >> endobj\n`);
  const tail = Buffer.from('\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  return Buffer.concat([head, randomBytes(size - head.length - tail.length), tail]);
}

export interface FileFacts {
  sha256: string;
  size: number;
}

export const factsOf = (bytes: Buffer): FileFacts => ({
  sha256: createHash('sha256').update(bytes).digest('hex'),
  size: bytes.length,
});

/** A fresh manifest (new jti) for the given bytes, signed with the school's key, as `emswp sign` makes it. */
export function manifestFor(school: BenchSchool, applicant: BenchApplicant, file: FileFacts): Promise<string> {
  return signManifest(school.key.privateJwk, {
    iss: school.wdoms_id,
    jti: randomUUID(),
    iat: Math.floor(Date.now() / 1000),
    document: { type: 'transcript', sha256: file.sha256, size: file.size, media_type: 'application/pdf' },
    applicant: {
      ecfmg_id: applicant.ecfmg_id,
      given_name: applicant.given_name,
      family_name: applicant.family_name,
      date_of_birth: applicant.date_of_birth,
    },
  });
}

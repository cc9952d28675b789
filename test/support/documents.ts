import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { signManifest, type SignManifestOptions } from '../../src/documents/manifest.js';
import type { DocumentView } from '../../src/documents/view.js';
import { multipartBody, type Part } from './multipart.js';
import type { RegisteredApplicant, RegisteredSchool } from './registry.js';
import { bearer, type TestApp } from './test-app.js';

/** A small, real-looking PDF with unique content. */
export function pdf(text: string = randomUUID(), padding = 0): Buffer {
  return Buffer.concat([
    Buffer.from(`%PDF-1.7\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\n`),
    randomBytes(padding),
    Buffer.from('\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
  ]);
}

export type Identity = Pick<RegisteredApplicant, 'ecfmg_id' | 'given_name' | 'family_name' | 'date_of_birth'>;

export interface ManifestInput {
  type?: 'mspe' | 'transcript' | 'lor';
  letter_id?: string;
  supersedes?: string;
  jti?: string;
  iat?: number;
  /** Replaces fields of the payload after it is built: for hostile cases. */
  override?: Record<string, unknown>;
  sign?: SignManifestOptions;
}

export function manifestPayload(
  school: Pick<RegisteredSchool, 'wdoms_id'>,
  file: Buffer,
  who: Identity,
  input: ManifestInput = {},
): Record<string, unknown> {
  return {
    iss: school.wdoms_id,
    jti: input.jti ?? randomUUID(),
    iat: input.iat ?? Math.floor(Date.now() / 1000),
    document: {
      type: input.type ?? 'transcript',
      sha256: createHash('sha256').update(file).digest('hex'),
      size: file.length,
      media_type: 'application/pdf',
    },
    applicant: {
      ecfmg_id: who.ecfmg_id,
      given_name: who.given_name,
      family_name: who.family_name,
      date_of_birth: who.date_of_birth,
    },
    ...(input.letter_id ? { letter_id: input.letter_id } : {}),
    ...(input.supersedes ? { supersedes: input.supersedes } : {}),
    ...input.override,
  };
}

export async function signedManifest(
  school: RegisteredSchool,
  file: Buffer,
  who: Identity,
  input: ManifestInput = {},
): Promise<string> {
  return signManifest(school.key.privateJwk, manifestPayload(school, file, who, input), input.sign);
}

/** POST /v1/documents as a school's portal would send it. */
export async function postDocument(ctx: TestApp, token: string, parts: Part[]) {
  const { payload, headers } = multipartBody(parts);
  return ctx.app.inject({ method: 'POST', url: '/v1/documents', headers: { ...headers, ...bearer(token) }, payload });
}

export const submissionParts = (manifest: string, file: Buffer): Part[] => [
  { kind: 'field', name: 'manifest', value: manifest },
  { kind: 'file', name: 'file', filename: 'document.pdf', data: file },
];

/** Signs and submits in one step; returns the response. */
export async function submit(
  ctx: TestApp,
  school: RegisteredSchool,
  who: Identity,
  input: ManifestInput & { file?: Buffer } = {},
) {
  const file = input.file ?? pdf();
  const manifest = await signedManifest(school, file, who, input);
  const response = await postDocument(ctx, school.token, submissionParts(manifest, file));
  return { response, file, manifest, document: response.json() as DocumentView };
}

/** Row counts of everything a submission writes: a refused one must leave them all unchanged. */
export async function storedCounts(ctx: TestApp) {
  const { rows } = await sql<{ documents: number; chunks: number; events: number; received_letters: number }>`
    select (select count(*) from documents)::int as documents,
           (select count(*) from document_chunks)::int as chunks,
           (select count(*) from document_events)::int as events,
           (select count(*) from letter_requests where status = 'received')::int as received_letters`.execute(ctx.db);
  return rows[0];
}

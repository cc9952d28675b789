import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { submit, type ManifestInput } from '../support/documents.js';
import {
  registerApplicant,
  registerProgram,
  registerSchool,
  type RegisteredApplicant,
  type RegisteredSchool,
} from '../support/registry.js';
import { bearer, type TestApp } from '../support/test-app.js';

export interface Release {
  id: string;
  applicant_id: string;
  document_id: string;
  program_id: string;
  program: { id: string; acgme_id: string; name: string };
  status: 'active' | 'withdrawn';
  created_at: string;
  withdrawn_at: string | null;
}

export interface Program {
  id: string;
  token: string;
}

/** A school, an applicant with a verified transcript, and two programs: the cast of most stories here. */
export async function releaseWorld(ctx: TestApp) {
  const school = await registerSchool(ctx);
  const applicant = await registerApplicant(ctx);
  const program = await registerProgram(ctx);
  const otherProgram = await registerProgram(ctx);
  const transcript = await verifiedDocument(ctx, school, applicant);
  return { school, applicant, program, otherProgram, transcript };
}

export async function verifiedDocument(
  ctx: TestApp,
  school: RegisteredSchool,
  applicant: RegisteredApplicant,
  input: ManifestInput & { file?: Buffer } = {},
) {
  const submitted = await submit(ctx, school, applicant, input);
  if (submitted.response.statusCode !== 201) throw new Error(`submitting failed: ${submitted.response.body}`);
  return submitted;
}

export const call = (ctx: TestApp, token: string | undefined, request: InjectOptions) =>
  ctx.app.inject({ ...request, headers: { ...request.headers, ...(token === undefined ? {} : bearer(token)) } });

export const get = (ctx: TestApp, token: string, url: string) => call(ctx, token, { method: 'GET', url });

export function releaseRequest(applicantId: string, documentId: string, programId: string): InjectOptions {
  return {
    method: 'POST',
    url: `/v1/applicants/${applicantId}/releases`,
    payload: { document_id: documentId, program_id: programId },
  };
}

/** POST /v1/applicants/{id}/releases as the applicant, failing loudly on anything but 201. */
export async function release(
  ctx: TestApp,
  applicant: RegisteredApplicant,
  documentId: string,
  programId: string,
): Promise<Release> {
  const response = await call(ctx, applicant.token, releaseRequest(applicant.id, documentId, programId));
  if (response.statusCode !== 201) throw new Error(`releasing failed: ${response.statusCode} ${response.body}`);
  return response.json<Release>();
}

export async function withdraw(ctx: TestApp, applicant: RegisteredApplicant, releaseId: string) {
  return call(ctx, applicant.token, { method: 'DELETE', url: `/v1/releases/${releaseId}` });
}

/** Every table a release, a withdrawal or a disclosure writes: a refused request must leave them as they were. */
export const releaseTables = [
  'releases',
  'disclosures',
  'webhook_events',
  'webhook_deliveries',
  'documents',
  'document_events',
];

export async function outboxEvents(ctx: TestApp, type: string) {
  const { rows } = await sql<{
    data: Record<string, unknown>;
    audience_school_id: string | null;
    audience_program_ids: string[];
  }>`
    select data, audience_school_id, audience_program_ids from webhook_events where type = ${type} order by created_at, id`.execute(
    ctx.db,
  );
  return rows;
}

export { registerApplicant, registerProgram, registerSchool };

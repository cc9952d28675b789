import { randomInt } from 'node:crypto';
import { developmentIssuerKey, mintAccessToken } from '../../src/auth/development-issuer.js';
import type { Principal } from '../../src/auth/principal.js';
import { developmentIssuer } from '../../src/config.js';
import { generateSigningKey } from '../../src/crypto/jwk.js';
import { signManifest } from '../../src/documents/manifest.js';
import type { DocumentView } from '../../src/documents/views.js';
import { manifestPayload } from './documents.js';
import type { PortalApp } from './portal-app.js';

/**
 * What a story needs set up through the API before someone opens a page: programs, schools that sign and
 * send documents (and revoke them, and keep their receipts), and an applicant's releases, each call made
 * as the role that makes it.
 */

export interface StoryApplicant {
  id: string;
  ecfmg_id: string;
  given_name: string;
  family_name: string;
  date_of_birth: string;
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

/** An access token for the principal from the development issuer the portal's provider signs with. */
export const tokenFor = async (world: PortalApp, principal: Principal) =>
  mintAccessToken(await developmentIssuerKey(world.directory), {
    issuer: developmentIssuer,
    audience: world.config.auth.audience,
    principal,
    ttlSeconds: 600,
  });

/** Calls the API as the principal, failing loudly: for setting up what a story needs. Answers the body as sent. */
export async function textAs(
  world: PortalApp,
  principal: Principal,
  method: string,
  path: string,
  body?: FormData | object,
): Promise<string> {
  const token = await tokenFor(world, principal);
  const json = body !== undefined && !(body instanceof FormData);
  const response = await fetch(`${world.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(json ? { 'content-type': 'application/json' } : {}) },
    body: body instanceof FormData ? body : json ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`setting up: ${method} ${path} answered ${response.status} ${text}`);
  return text;
}

/** As textAs, for an answer in JSON. */
export const callAs = async <T>(...call: Parameters<typeof textAs>) => JSON.parse(await textAs(...call)) as T;

export const registerProgram = (world: PortalApp, name: string, specialty = 'Internal Medicine') =>
  world.asAdmin<{ id: string; acgme_id: string; name: string }>('POST', '/v1/programs', {
    acgme_id: digits(10),
    name,
    specialty,
  });

type School = Awaited<ReturnType<PortalApp['activeSchool']>>;

/**
 * A school able to sign: active, with an Ed25519 key registered by its officer. Given a name, a new
 * school; given one already registered (an operator may just have activated it on a page), that one.
 */
export async function signingSchool(world: PortalApp, nameOrSchool: string | School) {
  const school = typeof nameOrSchool === 'string' ? await world.activeSchool(nameOrSchool) : nameOrSchool;
  const key = await generateSigningKey('EdDSA');
  const officer: Principal = { sub: 'registrar', role: 'school', school_id: school.id };
  await callAs(world, officer, 'POST', `/v1/schools/${school.id}/keys`, { jwk: key.publicJwk });
  return { ...school, key, officer };
}

export type SigningSchool = Awaited<ReturnType<typeof signingSchool>>;

/** The school signs and sends a PDF about the applicant, as `emswp submit` would. */
export async function sendDocument(
  world: PortalApp,
  school: SigningSchool,
  applicant: StoryApplicant,
  type: 'mspe' | 'transcript' | 'lor',
  pdf: Buffer,
  extra: { letter_id?: string; supersedes?: string } = {},
): Promise<DocumentView> {
  const manifest = await signManifest(
    school.key.privateJwk,
    manifestPayload(school, pdf, applicant, { type, ...extra }),
  );
  const form = new FormData();
  form.set('manifest', manifest);
  form.set('file', new Blob([pdf], { type: 'application/pdf' }), `${type}.pdf`);
  return callAs<DocumentView>(world, school.officer, 'POST', '/v1/documents', form);
}

/** The school revokes a document it sent, giving its reason. */
export const revoke = (world: PortalApp, school: SigningSchool, documentId: string, reason: string) =>
  callAs<DocumentView>(world, school.officer, 'POST', `/v1/documents/${documentId}/revoke`, { reason });

/**
 * What the school's system keeps of a document it sent, as the API gives it: the receipt
 * (`{"receipt": "<compact JWS>"}`) or the log proof (a c2sp.org/tlog-proof).
 */
export const proofOf = (world: PortalApp, school: SigningSchool, documentId: string, proof: 'receipt' | 'log-proof') =>
  textAs(world, school.officer, 'GET', `/v1/documents/${documentId}/${proof}`);

/** The applicant releases one of their documents to a program; answers the release. */
export const release = (world: PortalApp, applicant: StoryApplicant, documentId: string, programId: string) =>
  callAs<{ id: string }>(
    world,
    { sub: 'applicant', role: 'applicant', applicant_id: applicant.id },
    'POST',
    `/v1/applicants/${applicant.id}/releases`,
    { document_id: documentId, program_id: programId },
  );

/** The applicant withdraws a release: the program loses the document from then on. */
export const withdraw = (world: PortalApp, applicant: StoryApplicant, releaseId: string) =>
  callAs<unknown>(
    world,
    { sub: 'applicant', role: 'applicant', applicant_id: applicant.id },
    'DELETE',
    `/v1/releases/${releaseId}`,
  );

/** A registered applicant with every field a manifest repeats. */
export async function storyApplicant(
  world: PortalApp,
  fields: Omit<StoryApplicant, 'id' | 'ecfmg_id'>,
): Promise<StoryApplicant> {
  const { id, ecfmg_id } = await world.applicant(fields);
  return { id, ecfmg_id, ...fields };
}

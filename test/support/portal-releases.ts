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
 * What a program's story needs set up through the API before the program signs in: a program, and
 * documents a school sent and an applicant released to it, each call made as the role that makes it.
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

/** Calls the API as the principal, failing loudly: for setting up what a story needs. */
export async function callAs<T>(
  world: PortalApp,
  principal: Principal,
  method: string,
  path: string,
  body?: FormData | object,
) {
  const token = await tokenFor(world, principal);
  const json = body !== undefined && !(body instanceof FormData);
  const response = await fetch(`${world.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(json ? { 'content-type': 'application/json' } : {}) },
    body: body instanceof FormData ? body : json ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`setting up: ${method} ${path} answered ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export const registerProgram = (world: PortalApp, name: string, specialty = 'Internal Medicine') =>
  world.asAdmin<{ id: string; acgme_id: string; name: string }>('POST', '/v1/programs', {
    acgme_id: digits(10),
    name,
    specialty,
  });

/** A school able to sign: active, with an Ed25519 key registered by its officer. */
export async function signingSchool(world: PortalApp, name: string) {
  const school = await world.activeSchool(name);
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

import { generateSigningKey, type SigningKeyPair } from '../../src/crypto/jwk.js';
import { signManifest } from '../../src/documents/manifest.js';
import { defineAccessMatrix, type AccessWorld, type Caller } from '../support/access-matrix.js';
import { manifestPayload, pdf } from '../support/documents.js';
import { multipartBody } from '../support/multipart.js';

/** Who may call the release, program-view, disclosure, receipt and verification routes (issue 5). */

interface Setting {
  key: SigningKeyPair;
  wdoms_id: string;
  identity: { ecfmg_id: string; given_name: string; family_name: string; date_of_birth: string };
  /** A verified transcript of the world's applicant from school A, released to the world's program. */
  released: string;
}

const settings = new WeakMap<AccessWorld, Promise<Setting>>();

/** A verified document of the world's applicant, submitted by school A through the API. */
async function submitDocument(world: AccessWorld, setting: Omit<Setting, 'released'>): Promise<string> {
  const file = pdf();
  const manifest = await signManifest(
    setting.key.privateJwk,
    manifestPayload({ wdoms_id: setting.wdoms_id }, file, setting.identity),
  );
  const { payload, headers } = multipartBody([
    { kind: 'field', name: 'manifest', value: manifest },
    { kind: 'file', name: 'file', filename: 'transcript.pdf', data: file },
  ]);
  const response = await world.app.inject({
    method: 'POST',
    url: '/v1/documents',
    payload,
    headers: { ...headers, ...world.headers.school_a },
  });
  if (response.statusCode !== 201)
    throw new Error(`setting up: submitting answered ${response.statusCode} ${response.body}`);
  return response.json<{ id: string }>().id;
}

async function release(world: AccessWorld, documentId: string): Promise<string> {
  const response = await world.app.inject({
    method: 'POST',
    url: `/v1/applicants/${world.applicant.id}/releases`,
    payload: { document_id: documentId, program_id: world.program.id },
    headers: world.headers.applicant,
  });
  if (response.statusCode !== 201)
    throw new Error(`setting up: releasing answered ${response.statusCode} ${response.body}`);
  return response.json<{ id: string }>().id;
}

function settingOf(world: AccessWorld): Promise<Setting> {
  let setting = settings.get(world);
  if (setting === undefined) {
    setting = (async () => {
      const key = await generateSigningKey('EdDSA');
      await world.asAdmin({
        method: 'POST',
        url: `/v1/schools/${world.schoolA.id}/keys`,
        payload: { jwk: key.publicJwk },
      });
      const { wdoms_id } = (await world.asAdmin({ method: 'GET', url: `/v1/schools/${world.schoolA.id}` })).json<{
        wdoms_id: string;
      }>();
      const identity = (await world.asAdmin({ method: 'GET', url: `/v1/applicants/${world.applicant.id}` })).json<
        Setting['identity']
      >();
      const base = {
        key,
        wdoms_id,
        identity: {
          ecfmg_id: identity.ecfmg_id,
          given_name: identity.given_name,
          family_name: identity.family_name,
          date_of_birth: identity.date_of_birth,
        },
      };
      const released = await submitDocument(world, base);
      await release(world, released);
      return { ...base, released };
    })();
    settings.set(world, setting);
  }
  return setting;
}

const only = (allowed: Partial<Record<Caller, number>>, others = 403): Record<Caller, number> => ({
  anonymous: 401,
  admin: others,
  school_a: others,
  school_b: others,
  applicant: others,
  program: others,
  ...allowed,
});

export default defineAccessMatrix({
  name: 'releases, program view, disclosures, receipts and verification',
  cases: [
    {
      operation: 'POST /v1/applicants/{id}/releases',
      expect: only({ applicant: 201 }),
      // Each caller offers a fresh verified document, so the applicant's release is always new.
      request: async (world) => {
        const setting = await settingOf(world);
        return {
          method: 'POST',
          url: `/v1/applicants/${world.applicant.id}/releases`,
          payload: { document_id: await submitDocument(world, setting), program_id: world.program.id },
        };
      },
    },
    {
      operation: 'GET /v1/applicants/{id}/releases',
      expect: only({ admin: 200, applicant: 200 }),
      request: (world) => ({ method: 'GET', url: `/v1/applicants/${world.applicant.id}/releases` }),
    },
    {
      operation: 'DELETE /v1/releases/{id}',
      expect: only({ applicant: 200 }),
      request: async (world) => {
        const setting = await settingOf(world);
        return { method: 'DELETE', url: `/v1/releases/${await release(world, await submitDocument(world, setting))}` };
      },
    },
    {
      operation: 'GET /v1/programs/{id}/documents',
      expect: only({ admin: 200, program: 200 }),
      request: (world) => ({ method: 'GET', url: `/v1/programs/${world.program.id}/documents` }),
    },
    {
      operation: 'GET /v1/applicants/{id}/disclosures',
      expect: only({ admin: 200, applicant: 200 }),
      request: (world) => ({ method: 'GET', url: `/v1/applicants/${world.applicant.id}/disclosures` }),
    },
    {
      operation: 'GET /v1/documents/{id}/receipt',
      // As GET /v1/documents/{id}: the school that sent it, the applicant, the program it is released to, admin.
      expect: { anonymous: 401, admin: 200, school_a: 200, school_b: 404, applicant: 200, program: 200 },
      request: async (world) => ({ method: 'GET', url: `/v1/documents/${(await settingOf(world)).released}/receipt` }),
    },
    {
      operation: 'GET /v1/documents/{id}/log-proof',
      // As the receipt it belongs to.
      expect: { anonymous: 401, admin: 200, school_a: 200, school_b: 404, applicant: 200, program: 200 },
      request: async (world) => ({
        method: 'GET',
        url: `/v1/documents/${(await settingOf(world)).released}/log-proof`,
      }),
    },
    {
      operation: 'POST /v1/verify',
      expect: { anonymous: 200, admin: 200, school_a: 200, school_b: 200, applicant: 200, program: 200 },
      request: () => ({ method: 'POST', url: '/v1/verify', payload: { sha256: 'a'.repeat(64) } }),
    },
  ],
});

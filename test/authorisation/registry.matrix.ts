import { generateSigningKey } from '../../src/crypto/jwk.js';
import { defineAccessMatrix, type AccessWorld, type Caller } from '../support/access-matrix.js';

/** Who may call the access and trust-registry routes (issue 3): schools, keys, applicants, programs, JWKS. */

const everyone = (status: number): Record<Caller, number> => ({
  anonymous: status,
  admin: status,
  school_a: status,
  school_b: status,
  applicant: status,
  program: status,
});

/** A fresh key registered to school A, so each caller revokes a key of its own. */
async function freshKeyOfSchoolA(world: AccessWorld): Promise<string> {
  const { publicJwk } = await generateSigningKey('EdDSA');
  const response = await world.asAdmin({
    method: 'POST',
    url: `/v1/schools/${world.schoolA.id}/keys`,
    payload: { jwk: publicJwk },
  });
  return response.json<{ kid: string }>().kid;
}

/** A fresh pending school, so each caller's status change starts from the same place. */
async function freshPendingSchool(world: AccessWorld): Promise<string> {
  const response = await world.asAdmin({
    method: 'POST',
    url: '/v1/schools',
    payload: {
      wdoms_id: `F${world.digits(7)}`,
      name: 'Pending School',
      country: 'KE',
      contact_email: 'office@pending.example',
    },
  });
  return response.json<{ id: string }>().id;
}

export default defineAccessMatrix({
  name: 'access and trust registry',
  cases: [
    {
      operation: 'GET /v1/me',
      expect: { ...everyone(200), anonymous: 401 },
      request: () => ({ method: 'GET', url: '/v1/me' }),
    },
    {
      operation: 'POST /v1/schools',
      expect: { anonymous: 401, admin: 201, school_a: 403, school_b: 403, applicant: 403, program: 403 },
      request: (world) => ({
        method: 'POST',
        url: '/v1/schools',
        payload: {
          wdoms_id: `F${world.digits(7)}`,
          name: 'New School',
          country: 'IN',
          contact_email: 'dean@new.example',
        },
      }),
    },
    {
      operation: 'GET /v1/schools',
      // A school lists only itself, so the list is allowed to both schools.
      expect: { anonymous: 401, admin: 200, school_a: 200, school_b: 200, applicant: 403, program: 403 },
      request: () => ({ method: 'GET', url: '/v1/schools' }),
    },
    {
      operation: 'GET /v1/schools/directory',
      // Public facts of active schools, for anyone signed in (an applicant names a letter's school).
      expect: { ...everyone(200), anonymous: 401 },
      request: () => ({ method: 'GET', url: '/v1/schools/directory?q=school' }),
    },
    {
      operation: 'GET /v1/schools/{id}',
      expect: { anonymous: 401, admin: 200, school_a: 200, school_b: 404, applicant: 403, program: 403 },
      request: (world) => ({ method: 'GET', url: `/v1/schools/${world.schoolA.id}` }),
    },
    {
      operation: 'PATCH /v1/schools/{id}',
      // The target is always "school A" for a school caller: even a school may not change its own status.
      expect: { anonymous: 401, admin: 200, school_a: 403, school_b: 403, applicant: 403, program: 403 },
      request: async (world, caller) => ({
        method: 'PATCH',
        url: `/v1/schools/${caller === 'admin' ? await freshPendingSchool(world) : world.schoolA.id}`,
        payload: { status: 'active' },
      }),
    },
    {
      operation: 'GET /v1/schools/{id}/events',
      expect: { anonymous: 401, admin: 200, school_a: 200, school_b: 404, applicant: 403, program: 403 },
      request: (world) => ({ method: 'GET', url: `/v1/schools/${world.schoolA.id}/events` }),
    },
    {
      operation: 'POST /v1/schools/{id}/keys',
      expect: { anonymous: 401, admin: 201, school_a: 201, school_b: 404, applicant: 403, program: 403 },
      request: async (world) => ({
        method: 'POST',
        url: `/v1/schools/${world.schoolA.id}/keys`,
        payload: { jwk: (await generateSigningKey('EdDSA')).publicJwk },
      }),
    },
    {
      operation: 'GET /v1/schools/{id}/keys',
      expect: { anonymous: 401, admin: 200, school_a: 200, school_b: 404, applicant: 403, program: 403 },
      request: (world) => ({ method: 'GET', url: `/v1/schools/${world.schoolA.id}/keys` }),
    },
    {
      operation: 'POST /v1/schools/{id}/keys/{kid}/revoke',
      expect: { anonymous: 401, admin: 200, school_a: 200, school_b: 404, applicant: 403, program: 403 },
      request: async (world) => ({
        method: 'POST',
        url: `/v1/schools/${world.schoolA.id}/keys/${await freshKeyOfSchoolA(world)}/revoke`,
        payload: { reason: 'rotation' },
      }),
    },
    {
      operation: 'GET /v1/schools/{id}/jwks.json',
      expect: everyone(200),
      request: (world) => ({ method: 'GET', url: `/v1/schools/${world.schoolA.id}/jwks.json` }),
    },
    {
      operation: 'POST /v1/applicants',
      expect: { anonymous: 401, admin: 201, school_a: 403, school_b: 403, applicant: 403, program: 403 },
      request: (world) => ({
        method: 'POST',
        url: '/v1/applicants',
        payload: { ecfmg_id: world.digits(8), given_name: 'Kofi', family_name: 'Mensah', date_of_birth: '1997-11-30' },
      }),
    },
    {
      operation: 'GET /v1/applicants/{id}',
      expect: { anonymous: 401, admin: 200, school_a: 403, school_b: 403, applicant: 200, program: 403 },
      request: (world) => ({ method: 'GET', url: `/v1/applicants/${world.applicant.id}` }),
    },
    {
      operation: 'POST /v1/programs',
      expect: { anonymous: 401, admin: 201, school_a: 403, school_b: 403, applicant: 403, program: 403 },
      request: (world) => ({
        method: 'POST',
        url: '/v1/programs',
        payload: { acgme_id: world.digits(10), name: 'Surgery Residency', specialty: 'General Surgery' },
      }),
    },
    {
      operation: 'GET /v1/programs',
      // The program directory: public facts, for anyone signed in.
      expect: { ...everyone(200), anonymous: 401 },
      request: () => ({ method: 'GET', url: '/v1/programs?q=medicine' }),
    },
    {
      operation: 'GET /v1/programs/{id}',
      expect: { anonymous: 401, admin: 200, school_a: 403, school_b: 403, applicant: 403, program: 200 },
      request: (world) => ({ method: 'GET', url: `/v1/programs/${world.program.id}` }),
    },
    {
      operation: 'GET /.well-known/jwks.json',
      expect: everyone(200),
      request: () => ({ method: 'GET', url: '/.well-known/jwks.json' }),
    },
  ],
});

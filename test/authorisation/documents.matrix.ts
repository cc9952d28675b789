import { defineAccessMatrix, type AccessWorld } from '../support/access-matrix.js';
import { multipartBody } from '../support/multipart.js';
import { schoolADocument, schoolASubmission } from '../support/matrix-documents.js';

/** Who may call the document and letter-request routes (issue 4). */

const documents = new WeakMap<AccessWorld, Promise<string>>();

/** One transcript of the world's applicant from school A, released to nobody. */
function theDocument(world: AccessWorld): Promise<string> {
  let id = documents.get(world);
  if (id === undefined) {
    id = schoolADocument(world);
    documents.set(world, id);
  }
  return id;
}

// Readers of a document: admin, its school, its applicant. School B and an unreleased program are told it does not exist.
const readers = { anonymous: 401, admin: 200, school_a: 200, school_b: 404, applicant: 200, program: 404 };

export default defineAccessMatrix({
  name: 'documents and letters',
  cases: [
    {
      operation: 'POST /v1/documents',
      // School B is allowed to submit, but this manifest is signed with school A's key: 422 unknown_key.
      expect: { anonymous: 401, admin: 403, school_a: 201, school_b: 422, applicant: 403, program: 403 },
      request: async (world) => ({
        method: 'POST',
        url: '/v1/documents',
        ...multipartBody(await schoolASubmission(world)),
      }),
    },
    {
      operation: 'GET /v1/documents',
      expect: { anonymous: 401, admin: 200, school_a: 200, school_b: 200, applicant: 403, program: 403 },
      request: () => ({ method: 'GET', url: '/v1/documents' }),
    },
    {
      operation: 'GET /v1/documents/{id}',
      expect: readers,
      request: async (world) => ({ method: 'GET', url: `/v1/documents/${await theDocument(world)}` }),
    },
    {
      operation: 'GET /v1/documents/{id}/content',
      expect: readers,
      request: async (world) => ({ method: 'GET', url: `/v1/documents/${await theDocument(world)}/content` }),
    },
    {
      operation: 'GET /v1/documents/{id}/events',
      expect: readers,
      request: async (world) => ({ method: 'GET', url: `/v1/documents/${await theDocument(world)}/events` }),
    },
    {
      operation: 'POST /v1/documents/{id}/revoke',
      expect: { anonymous: 401, admin: 403, school_a: 200, school_b: 404, applicant: 403, program: 403 },
      request: async (world) => ({
        method: 'POST',
        url: `/v1/documents/${await schoolADocument(world)}/revoke`,
        payload: { reason: 'issued in error' },
      }),
    },
    {
      operation: 'POST /v1/documents/{id}/review',
      expect: { anonymous: 401, admin: 200, school_a: 403, school_b: 403, applicant: 403, program: 403 },
      request: async (world) => ({
        method: 'POST',
        url: `/v1/documents/${await schoolADocument(world, { date_of_birth: '1990-01-01' })}/review`,
        payload: { decision: 'accept', note: 'birth date confirmed with the school' },
      }),
    },
    {
      operation: 'GET /v1/applicants/{id}/documents',
      expect: { anonymous: 401, admin: 200, school_a: 403, school_b: 403, applicant: 200, program: 403 },
      request: (world) => ({ method: 'GET', url: `/v1/applicants/${world.applicant.id}/documents` }),
    },
    {
      operation: 'POST /v1/applicants/{id}/letter-requests',
      expect: { anonymous: 401, admin: 403, school_a: 403, school_b: 403, applicant: 201, program: 403 },
      request: (world) => ({
        method: 'POST',
        url: `/v1/applicants/${world.applicant.id}/letter-requests`,
        payload: { school_id: world.schoolA.id, author_name: 'Dr. Kofi Mensah', waive_right_to_view: true },
      }),
    },
    {
      operation: 'GET /v1/applicants/{id}/letter-requests',
      expect: { anonymous: 401, admin: 200, school_a: 403, school_b: 403, applicant: 200, program: 403 },
      request: (world) => ({ method: 'GET', url: `/v1/applicants/${world.applicant.id}/letter-requests` }),
    },
  ],
});

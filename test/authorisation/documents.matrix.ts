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

/**
 * Documents of the world's applicant in the states that narrow what the applicant sees: one whose
 * names did not match (waiting for review), and one an operator then rejected as not theirs.
 */
const unconfirmed = new WeakMap<AccessWorld, Promise<{ waiting: string; rejected: string }>>();

function unconfirmedDocuments(world: AccessWorld) {
  let found = unconfirmed.get(world);
  if (found === undefined) {
    found = (async () => {
      const waiting = await schoolADocument(world, { family_name: 'Someone-Else' });
      const rejected = await schoolADocument(world, { date_of_birth: '1990-01-01' });
      await world.asAdmin({
        method: 'POST',
        url: `/v1/documents/${rejected}/review`,
        payload: { decision: 'reject', note: 'another student of the school' },
      });
      return { waiting, rejected };
    })();
    unconfirmed.set(world, found);
  }
  return found;
}

// Readers of a document: admin, its school, its applicant. School B and an unreleased program are told it does not exist.
const readers = { anonymous: 401, admin: 200, school_a: 200, school_b: 404, applicant: 200, program: 404 };
// While the document waits for review, its applicant sees that it is there, not what it says.
const waitingContent = { ...readers, applicant: 403 };
const waitingCodes = { applicant: 'identity_unconfirmed' } as const;
// A rejected document is no longer linked to the applicant: to them it does not exist.
const rejectedReaders = { ...readers, applicant: 404 };

const stateRows = (['', '/content', '/events', '/receipt'] as const).flatMap((path) => [
  {
    operation: `GET /v1/documents/{id}${path}`,
    state: 'needs_review',
    expect: path === '/content' || path === '/receipt' ? waitingContent : readers,
    codes: waitingCodes,
    request: async (world: AccessWorld) => ({
      method: 'GET' as const,
      url: `/v1/documents/${(await unconfirmedDocuments(world)).waiting}${path}`,
    }),
  },
  {
    operation: `GET /v1/documents/{id}${path}`,
    state: 'rejected',
    expect: rejectedReaders,
    request: async (world: AccessWorld) => ({
      method: 'GET' as const,
      url: `/v1/documents/${(await unconfirmedDocuments(world)).rejected}${path}`,
    }),
  },
]);

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
      operation: 'GET /v1/documents/{id}/identity-check',
      // The manifest's names and birth date are for operators only, even to the school that signed them.
      expect: { anonymous: 401, admin: 200, school_a: 403, school_b: 403, applicant: 403, program: 403 },
      request: async (world) => ({
        method: 'GET',
        url: `/v1/documents/${(await unconfirmedDocuments(world)).waiting}/identity-check`,
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
    ...stateRows,
    {
      operation: 'GET /v1/applicants/{id}/letter-requests',
      expect: { anonymous: 401, admin: 200, school_a: 403, school_b: 403, applicant: 200, program: 403 },
      request: (world) => ({ method: 'GET', url: `/v1/applicants/${world.applicant.id}/letter-requests` }),
    },
  ],
});

import { defineAccessMatrix, type AccessWorld, type Caller } from '../support/access-matrix.js';

/** Who may call the webhook endpoint routes (issue 6): schools, programs and operators manage their own; applicants none. */

const create = { anonymous: 401, admin: 201, school_a: 201, school_b: 201, applicant: 403, program: 201 };
const list = { anonymous: 401, admin: 200, school_a: 200, school_b: 200, applicant: 403, program: 200 };

/** Only the owner sees an endpoint: for everyone else, school A's endpoint does not exist. */
const ownerOnly = (status: number): Record<Caller, number> => ({
  anonymous: 401,
  admin: 404,
  school_a: status,
  school_b: 404,
  applicant: 403,
  program: 404,
});

/** A fresh endpoint of school A, so a caller that deletes acts on its own target. */
async function freshSchoolAEndpoint(world: AccessWorld): Promise<string> {
  const response = await world.app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: world.headers.school_a,
    payload: { url: 'https://portal.school-a.example/emswp/hooks', events: ['document.verified'] },
  });
  if (response.statusCode !== 201)
    throw new Error(`setting up: creating an endpoint answered ${response.statusCode} ${response.body}`);
  return response.json<{ id: string }>().id;
}

const shared = new WeakMap<AccessWorld, Promise<string>>();

/** One endpoint of school A for the cases that leave it in place (an owner may have only 20). */
function schoolAEndpoint(world: AccessWorld): Promise<string> {
  let id = shared.get(world);
  if (id === undefined) {
    id = freshSchoolAEndpoint(world);
    shared.set(world, id);
  }
  return id;
}

export default defineAccessMatrix({
  name: 'webhooks',
  cases: [
    {
      operation: 'POST /v1/webhooks',
      expect: create,
      request: () => ({
        method: 'POST',
        url: '/v1/webhooks',
        payload: { url: 'https://receiver.example/hooks', events: ['document.revoked'] },
      }),
    },
    { operation: 'GET /v1/webhooks', expect: list, request: () => ({ method: 'GET', url: '/v1/webhooks' }) },
    {
      operation: 'GET /v1/webhooks/{id}',
      expect: ownerOnly(200),
      request: async (world) => ({ method: 'GET', url: `/v1/webhooks/${await schoolAEndpoint(world)}` }),
    },
    {
      operation: 'PATCH /v1/webhooks/{id}',
      expect: ownerOnly(200),
      request: async (world) => ({
        method: 'PATCH',
        url: `/v1/webhooks/${await schoolAEndpoint(world)}`,
        payload: { description: 'SIS integration' },
      }),
    },
    {
      operation: 'DELETE /v1/webhooks/{id}',
      expect: ownerOnly(204),
      request: async (world) => ({ method: 'DELETE', url: `/v1/webhooks/${await freshSchoolAEndpoint(world)}` }),
    },
    {
      operation: 'POST /v1/webhooks/{id}/rotate-secret',
      expect: ownerOnly(200),
      request: async (world) => ({ method: 'POST', url: `/v1/webhooks/${await schoolAEndpoint(world)}/rotate-secret` }),
    },
    {
      operation: 'GET /v1/webhooks/{id}/deliveries',
      expect: ownerOnly(200),
      request: async (world) => ({ method: 'GET', url: `/v1/webhooks/${await schoolAEndpoint(world)}/deliveries` }),
    },
    {
      operation: 'POST /v1/webhooks/{id}/replay',
      expect: ownerOnly(202),
      request: async (world) => ({
        method: 'POST',
        url: `/v1/webhooks/${await schoolAEndpoint(world)}/replay`,
        payload: { since: '2026-01-01T00:00:00Z' },
      }),
    },
  ],
});

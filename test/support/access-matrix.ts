import { randomInt } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import type { ErrorCode } from '../../src/http/error-codes.js';
import { bearer, buildTestApp, type TestApp } from './test-app.js';

/**
 * The authorisation matrix: every route against every kind of caller, with the status each must
 * get. Each feature describes its routes in a `test/authorisation/<feature>.matrix.ts` file; the
 * authorisation test runs them all and fails for any route in the published contract that no
 * matrix covers, so a new route cannot ship without saying who may call it.
 */

export const callers = ['anonymous', 'admin', 'school_a', 'school_b', 'applicant', 'program'] as const;
export type Caller = (typeof callers)[number];

/** The same small world for every matrix: two active schools, an applicant and a program. */
export interface AccessWorld extends TestApp {
  schoolA: { id: string };
  schoolB: { id: string };
  applicant: { id: string };
  program: { id: string };
  /** Authorization headers per caller (none for anonymous). */
  headers: Record<Caller, Record<string, string>>;
  /** Calls the API as an operator, failing loudly on anything but a 2xx: for setting up cases. */
  asAdmin(request: InjectOptions): Promise<LightMyRequestResponse>;
  /** n random digits, for ids that must not collide (wdoms, ECFMG, ACGME ids). */
  digits(n: number): string;
}

/** A case's request; its headers (a multipart content type, say) are sent with the caller's Authorization. */
export type AccessRequest = Omit<InjectOptions, 'headers'> & {
  method: NonNullable<InjectOptions['method']>;
  url: string;
  headers?: Record<string, string>;
};

export interface AccessCase {
  /** As in openapi.yaml: `METHOD /path/{param}`. */
  operation: string;
  /**
   * The state of the resource this row is about, when one route has rows for several (a document
   * waiting for review, a rejected one): who may see what depends on it.
   */
  state?: string;
  /** The status each caller gets. */
  expect: Record<Caller, number>;
  /** The problem code a refused caller gets, where it is not the usual one for its status. */
  codes?: Partial<Record<Caller, ErrorCode>>;
  /**
   * The request one caller makes. It runs once per caller, so a case that changes something (create,
   * revoke) makes a fresh target each time and every caller meets the same situation.
   */
  request: (world: AccessWorld, caller: Caller) => AccessRequest | Promise<AccessRequest>;
}

export interface AccessMatrix {
  name: string;
  cases: AccessCase[];
}

export const defineAccessMatrix = (matrix: AccessMatrix): AccessMatrix => matrix;

/** What a refused caller must be told: these codes and nothing more specific. */
const refusalCodes: Record<number, string> = { 401: 'invalid_token', 403: 'forbidden', 404: 'not_found' };

export async function buildAccessWorld(t: Test): Promise<AccessWorld> {
  const context = await buildTestApp(t);
  const { app, issuer } = context;
  const adminHeaders = bearer(await issuer.admin());
  const asAdmin = async (request: InjectOptions) => {
    const response = await app.inject({ ...request, headers: { ...request.headers, ...adminHeaders } });
    if (response.statusCode >= 300)
      throw new Error(`setting up: ${request.method} ${request.url} answered ${response.statusCode} ${response.body}`);
    return response;
  };
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
  const activeSchool = async () => {
    const created = await asAdmin({
      method: 'POST',
      url: '/v1/schools',
      payload: {
        wdoms_id: `F${digits(7)}`,
        name: 'Matrix School',
        country: 'GH',
        contact_email: 'registrar@matrix.example',
      },
    });
    const { id } = created.json<{ id: string }>();
    await asAdmin({ method: 'PATCH', url: `/v1/schools/${id}`, payload: { status: 'active' } });
    return { id };
  };
  const schoolA = await activeSchool();
  const schoolB = await activeSchool();
  const applicant = (
    await asAdmin({
      method: 'POST',
      url: '/v1/applicants',
      payload: { ecfmg_id: digits(8), given_name: 'Amara', family_name: 'Nwosu', date_of_birth: '1995-03-02' },
    })
  ).json<{ id: string }>();
  const program = (
    await asAdmin({
      method: 'POST',
      url: '/v1/programs',
      payload: { acgme_id: digits(10), name: 'Matrix Residency', specialty: 'Pediatrics' },
    })
  ).json<{ id: string }>();
  const headers: Record<Caller, Record<string, string>> = {
    anonymous: {},
    admin: adminHeaders,
    school_a: bearer(await issuer.school(schoolA.id)),
    school_b: bearer(await issuer.school(schoolB.id)),
    applicant: bearer(await issuer.applicant(applicant.id)),
    program: bearer(await issuer.program(program.id)),
  };
  return {
    ...context,
    schoolA,
    schoolB,
    applicant: { id: applicant.id },
    program: { id: program.id },
    headers,
    asAdmin,
    digits,
  };
}

/** Runs every case of a matrix for every caller, as one subtest per case. */
export async function checkAccessMatrix(t: Test, world: AccessWorld, matrix: AccessMatrix): Promise<void> {
  for (const accessCase of matrix.cases) {
    const name =
      accessCase.state === undefined ? accessCase.operation : `${accessCase.operation} (${accessCase.state})`;
    await t.test(name, async (t) => {
      for (const caller of callers) {
        const expected = accessCase.expect[caller];
        const request = await accessCase.request(world, caller);
        const response = await world.app.inject({
          ...request,
          headers: { ...request.headers, ...world.headers[caller] },
        } as InjectOptions);
        t.equal(response.statusCode, expected, `${caller} gets ${expected}`, { body: response.body });
        const code = expected >= 400 ? (accessCase.codes?.[caller] ?? refusalCodes[expected]) : undefined;
        if (code !== undefined && response.statusCode === expected) {
          t.match(
            response.headers['content-type'],
            /^application\/problem\+json/,
            `${caller}: refused as problem+json`,
          );
          t.equal(response.json<{ code: string }>().code, code, `${caller}: code ${code}`);
        }
      }
    });
  }
}

/** Every operation of the published contract that a caller could be refused: /v1 and /.well-known. */
export function guardedOperations(app: FastifyInstance): string[] {
  const paths = (app.swagger() as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
  return Object.entries(paths)
    .filter(([path]) => path.startsWith('/v1/') || path.startsWith('/.well-known/'))
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => methods.has(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

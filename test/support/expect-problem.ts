import type { LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import { errorCodes, type ErrorCode } from '../../src/http/error-codes.js';
import type { ProblemBody } from '../../src/http/problem.js';

/**
 * Asserts an RFC 9457 answer as a client sees it: status, content type, exactly the documented
 * fields, the stable `code`, and nothing that leaks internals (stack frames, SQL). Returns the body.
 */
export function expectProblem(t: Test, response: LightMyRequestResponse, code: ErrorCode): ProblemBody {
  const { status, title } = errorCodes[code];
  t.equal(response.statusCode, status, `status ${status} for ${code}`);
  t.match(response.headers['content-type'], /^application\/problem\+json/, 'content type is application/problem+json');
  const body = response.json<ProblemBody>();
  t.match(
    body,
    { type: `urn:emswp:problem:${code}`, title, status, code, detail: String },
    `problem+json body with code ${code}`,
  );
  const allowed = new Set(['type', 'title', 'status', 'detail', 'code', 'errors']);
  t.same(
    Object.keys(body).filter((key) => !allowed.has(key)),
    [],
    'no fields beyond type, title, status, detail, code, errors',
  );
  t.notMatch(
    response.body,
    /\bat .+:\d+:\d+|node_modules|\/src\/|\bselect\b.+\bfrom\b|\binsert into\b|syntax error at or near/i,
    'no stack trace or SQL in the body',
  );
  return body;
}

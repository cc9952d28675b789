import type { InjectOptions } from 'fastify';
import type { Test } from 'tap';
import type { ErrorCode } from '../../src/http/error-codes.js';
import type { ProblemBody } from '../../src/http/problem.js';
import { expectProblem } from './expect-problem.js';
import { registryTables, snapshotTables } from './table-snapshot.js';
import type { TestApp } from './test-app.js';

/**
 * Sends a request that must be refused, and asserts both halves of a refusal: the problem+json
 * answer with its code, and every listed table exactly as it was before.
 */
export async function expectRefused(
  t: Test,
  { app, db }: Pick<TestApp, 'app' | 'db'>,
  request: InjectOptions,
  code: ErrorCode,
  tables: string[] = registryTables,
): Promise<ProblemBody> {
  const before = await snapshotTables(db, tables);
  const response = await app.inject(request);
  const body = expectProblem(t, response, code);
  t.same(await snapshotTables(db, tables), before, 'nothing was stored or changed');
  return body;
}

import { readdirSync } from 'node:fs';
import t from 'tap';
import { buildAccessWorld, checkAccessMatrix, guardedOperations, type AccessMatrix } from './support/access-matrix.js';

/**
 * Every route against every caller. The matrices live in test/authorisation/*.matrix.ts, one per
 * feature; a route in openapi.yaml under /v1 or /.well-known that none of them covers fails here.
 */
const folder = new URL('./authorisation/', import.meta.url);
const matrices: AccessMatrix[] = [];
for (const file of readdirSync(folder)
  .filter((name) => name.endsWith('.matrix.ts'))
  .sort()) {
  matrices.push(((await import(new URL(file, folder).href)) as { default: AccessMatrix }).default);
}

t.test('each caller gets exactly the access the contract gives it', async (t) => {
  const world = await buildAccessWorld(t);
  for (const matrix of matrices) await t.test(matrix.name, (t) => checkAccessMatrix(t, world, matrix));

  await t.test(
    'every guarded route of the contract is in a matrix, and every matrix row is a real route',
    async (t) => {
      const routes = guardedOperations(world.app);
      const rows = matrices.flatMap((matrix) => matrix.cases);
      const covered = [...new Set(rows.map((c) => c.operation))];
      const named = rows.map((c) => (c.state === undefined ? c.operation : `${c.operation} (${c.state})`));
      t.same(
        routes.filter((op) => !covered.includes(op)),
        [],
        'routes with no row in any matrix: say who may call them in test/authorisation/<feature>.matrix.ts',
      );
      t.same(
        covered.filter((op) => !routes.includes(op)),
        [],
        'matrix rows naming no route',
      );
      t.same(
        named.filter((row, i) => named.indexOf(row) !== i),
        [],
        'routes with two rows for the same state',
      );
    },
  );
});

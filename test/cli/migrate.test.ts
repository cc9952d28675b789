import { readdir } from 'node:fs/promises';
import t from 'tap';
import { migrationsFolder } from '../../src/db/migrator.js';
import { runEmswp } from '../support/run-process.js';
import { createTestDatabase } from '../support/test-database.js';

t.test('an operator migrates a new database, and running it again changes nothing', async (t) => {
  const { url } = await createTestDatabase(t, { migrated: false });
  const names = (await readdir(migrationsFolder)).filter((name) => name.endsWith('.sql')).sort();

  const first = await runEmswp(['migrate'], { DATABASE_URL: url, DATA_DIR: t.testdir({}) });
  t.equal(first.code, 0, first.stderr);
  t.equal(
    first.stdout,
    `${names.map((name) => `applied ${name.replace(/\.sql$/, '')}`).join('\n')}\n`,
    'each migration is listed once, in order',
  );

  const second = await runEmswp(['migrate'], { DATABASE_URL: url, DATA_DIR: t.testdir({}) });
  t.equal(second.code, 0, second.stderr);
  t.equal(second.stdout, 'database is up to date\n');
});

t.test('an unreachable database is one line on stderr and exit 1', async (t) => {
  const run = await runEmswp(['migrate'], {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing',
    DATA_DIR: t.testdir({}),
  });
  t.equal(run.code, 1);
  t.match(run.stderr, /^emswp: migrations could not run: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
  t.equal(run.stdout, '');
});

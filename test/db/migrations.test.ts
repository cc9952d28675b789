import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import t from 'tap';
import { createDatabase, type Database } from '../../src/db/database.js';
import { MigrationError, migrateToLatest, migrationsFolder, pendingMigrations } from '../../src/db/migrator.js';
import { createTestDatabase } from '../support/test-database.js';

const onDisk = async (folder = migrationsFolder) =>
  (await readdir(folder))
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => name.replace(/\.sql$/, ''));

async function applied(db: Database): Promise<string[]> {
  const exists = await sql<{ found: string | null }>`select to_regclass('kysely_migration')::text as found`.execute(db);
  if (!exists.rows[0]?.found) return [];
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((row) => row.name);
}

async function tableExists(db: Database, name: string): Promise<boolean> {
  const { rows } = await sql<{ found: string | null }>`select to_regclass(${name})::text as found`.execute(db);
  return Boolean(rows[0]?.found);
}

t.test('an empty database is migrated once; running again applies nothing', async (t) => {
  const { db } = await createTestDatabase(t, { migrated: false });
  const expected = await onDisk();
  t.ok(expected.length >= 1, `there are migrations on disk: ${expected.join(', ')}`);
  t.same(await pendingMigrations(db), expected, 'everything is pending at first');

  const first = await migrateToLatest(db);
  t.same(
    first.map((result) => [result.migrationName, result.status]),
    expected.map((name) => [name, 'Success']),
    'the first run applies every migration in order',
  );
  t.same(await applied(db), expected);
  t.same(await pendingMigrations(db), [], 'nothing is pending after');

  const second = await migrateToLatest(db);
  t.same(second, [], 'the second run applies nothing');
  t.same(await applied(db), expected, 'and records nothing new');
});

t.test('two migrators starting together on one fresh database both succeed, each migration applied once', async (t) => {
  const { url } = await createTestDatabase(t, { migrated: false });
  const a = createDatabase(url, 2).db;
  const b = createDatabase(url, 2).db;
  t.teardown(async () => {
    await a.destroy();
    await b.destroy();
  });
  const [fromA, fromB] = await Promise.all([migrateToLatest(a), migrateToLatest(b)]);
  const expected = await onDisk();
  const names = [...fromA, ...fromB].map((result) => result.migrationName).sort();
  t.same(
    names,
    expected,
    `every migration was applied by exactly one of them (a: ${fromA.length}, b: ${fromB.length})`,
  );
  t.same(await applied(a), expected);
});

t.test('a failing migration leaves no trace and names itself', async (t) => {
  const { db } = await createTestDatabase(t, { migrated: false });
  const folder = await mkdtemp(join(tmpdir(), 'emswp-migrations-'));
  t.teardown(() => rm(folder, { recursive: true, force: true }));
  await writeFile(join(folder, '0001_good.sql'), 'create table good_things (id int primary key);\n');
  await writeFile(
    join(folder, '0002_broken.sql'),
    'create table half_done (id int primary key);\ninsert into half_done values (1);\nselect no_such_column from good_things;\n',
  );

  const error = await migrateToLatest(db, folder).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  t.type(error, MigrationError, 'the run fails with a MigrationError');
  t.equal((error as MigrationError).migration, '0002_broken', 'naming the migration that failed');
  t.match((error as Error).message, /^migration 0002_broken failed: .*no_such_column/);

  t.notOk(await tableExists(db, 'half_done'), "the failing migration's table is gone");
  t.notOk(await tableExists(db, 'good_things'), 'the migration before it in the same run is rolled back too');
  t.same(await applied(db), [], 'nothing is recorded as applied');

  await writeFile(join(folder, '0002_broken.sql'), 'create table half_done (id int primary key);\n');
  t.same(
    (await migrateToLatest(db, folder)).map((result) => result.migrationName),
    ['0001_good', '0002_broken'],
    'once fixed, the same run applies cleanly',
  );
  t.ok(await tableExists(db, 'half_done'));
});

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { freePort } from '../../src/free-port.js';
import { builtEntry, finished, startProcess } from '../support/run-process.js';
import { waitUntilReady } from '../support/readiness.js';
import { createTestDatabase } from '../support/test-database.js';

/** The pid of a process that has exited, as a crashed server's is. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

t.test('upload spools left in the temporary directory by a crashed server are removed at start', async (t) => {
  const { url } = await createTestDatabase(t);
  const temporary = t.testdir({});
  const spool = async (name: string) => {
    await mkdir(join(temporary, name));
    await writeFile(join(temporary, name, 'file'), 'half of a large upload');
    return join(temporary, name);
  };
  const crashed = await spool(`emswp-upload-${await deadPid()}-Xk3pQa`);
  // Another server on this machine, still running and receiving: its spool is left alone.
  const live = await spool(`emswp-upload-${process.pid}-Lm8rTz`);
  // Named before spools carried a pid: removed once untouched for an hour, not before.
  const oldUnnamed = await spool('emswp-upload-Qw2eRt');
  await utimes(oldUnnamed, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
  const recentUnnamed = await spool('emswp-upload-Zx9cVb');
  const unrelated = await spool('someone-else-upload-123');

  const port = await freePort();
  const server = startProcess(builtEntry('server.js'), [], {
    DATABASE_URL: url,
    DATA_DIR: join(temporary, 'data'),
    PORT: String(port),
    TMPDIR: temporary,
    LOG_LEVEL: 'info',
  });
  const exit = finished(server);
  t.teardown(async () => {
    if (server.exitCode === null) server.kill('SIGTERM');
    await exit;
  });
  await waitUntilReady(`http://127.0.0.1:${port}`, 60_000);

  t.notOk(existsSync(crashed), 'the crashed server’s spool is removed');
  t.notOk(existsSync(oldUnnamed), 'an unnamed spool untouched for two hours is removed');
  t.ok(existsSync(live), 'a running server’s spool stays');
  t.ok(existsSync(recentUnnamed), 'a recent unnamed spool stays');
  t.ok(existsSync(unrelated), 'other directories are not touched');

  server.kill('SIGTERM');
  const { stdout } = await exit;
  const line = stdout.split('\n').find((entry) => entry.includes('removed upload spool directories'));
  t.ok(line, 'the start says what it removed');
  t.same(JSON.parse(line ?? '{}').removed?.sort(), [crashed, oldUnnamed].sort());
});

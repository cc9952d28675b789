import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddedPostgresError } from './error.js';

/** Beside the cluster: the process that started its PostgreSQL, which is that PostgreSQL's parent while it lives. */
export const ownerFileName = 'owner.pid';

interface ProcessInfo {
  command: string;
  parent: number;
}

/** A live process's name and parent, from /proc on Linux and `ps` elsewhere; undefined once it is gone. */
function processInfo(pid: number): ProcessInfo | undefined {
  try {
    if (process.platform === 'linux') {
      // "pid (command) state ppid ...": the command may hold spaces and parentheses, so split at the last ")".
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const command = stat.slice(stat.indexOf('(') + 1, close);
      const parent = Number(stat.slice(close + 2).split(' ')[1]);
      return { command, parent };
    }
    const [parent, ...command] = execFileSync('ps', ['-o', 'ppid=,comm=', '-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .split(/\s+/);
    return { command: command.join(' ').split('/').pop() ?? '', parent: Number(parent) };
  } catch {
    return undefined;
  }
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function waitForExit(pid: number, milliseconds: number): Promise<boolean> {
  for (let waited = 0; waited < milliseconds; waited += 100) {
    if (processInfo(pid) === undefined) return true;
    await sleep(100);
  }
  return processInfo(pid) === undefined;
}

/**
 * Before starting PostgreSQL on `cluster`: a postmaster still running there from an earlier process
 * that was killed (SIGKILL, a crash) would make the start fail, so it is stopped, and said so. One
 * whose parent is the process recorded in `owner.pid` belongs to a live server: that is refused, as
 * two servers cannot share one DATA_DIR.
 */
export async function stopStalePostmaster(
  cluster: string,
  ownerFile: string,
  notice: (message: string) => void,
): Promise<void> {
  const lockFile = join(cluster, 'postmaster.pid');
  const pid = await readPid(lockFile);
  if (pid === undefined) return;
  const info = processInfo(pid);
  // Not running: PostgreSQL clears its own stale lock file.
  if (info === undefined) return;
  if (info.command !== 'postgres') {
    // After a reboot the number may belong to another program, and PostgreSQL would refuse to start.
    notice(`${lockFile} names process ${pid}, which is not PostgreSQL (${info.command}): removing the stale lock file`);
    await rm(lockFile, { force: true });
    return;
  }
  const owner = await readPid(ownerFile);
  if (owner !== undefined && info.parent === owner) {
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL in ${cluster} belongs to process ${owner}, which is still running: stop it first, or give this one another DATA_DIR or a DATABASE_URL`,
    );
  }
  notice(`PostgreSQL (pid ${pid}) is still running in ${cluster}, left by a process that was killed: stopping it`);
  try {
    // Fast shutdown: sessions are ended and the cluster is left consistent.
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 15_000))) {
      process.kill(pid, 'SIGQUIT');
      if (!(await waitForExit(pid, 5_000))) throw new Error('it did not exit');
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return;
    throw new EmbeddedPostgresError(
      `cannot stop the PostgreSQL (pid ${pid}) left running in ${cluster} (${(error as Error).message}): stop it yourself (kill ${pid}) and start again`,
    );
  }
  notice(`stopped the PostgreSQL (pid ${pid}) left running in ${cluster}`);
}

/** Records this process as the one whose PostgreSQL runs on the cluster. */
export async function recordOwner(ownerFile: string): Promise<void> {
  await writeFile(ownerFile, `${process.pid}\n`, { mode: 0o644 });
}

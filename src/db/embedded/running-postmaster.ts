import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The pid of the postmaster running the cluster in `databaseDir` now, from its postmaster.pid; undefined when none is. */
export async function runningPostmaster(databaseDir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(databaseDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops a postmaster this process did not start (one `pg_ctl restart` left in place of ours) with
 * a fast shutdown (SIGINT: sessions end, the cluster is left consistent), waiting up to `timeoutMs`.
 */
export async function stopPostmaster(pid: number, timeoutMs = 15_000): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

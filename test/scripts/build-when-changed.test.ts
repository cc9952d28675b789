import { spawnSync } from 'node:child_process';
import { stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const script = fileURLToPath(new URL('../../scripts/build-when-changed.mjs', import.meta.url));

// tsc runs twice on a one-file project: a few seconds on a busy machine.
t.setTimeout(120_000);

t.test('npm scripts compile only when a source changed since the last build', async (t) => {
  const root = t.testdir({
    src: { 'greeting.ts': 'export const greeting: string = "hello";\n' },
    // No ambient @types: the fixture sits inside the repository, and tsc would otherwise type-check
    // every package under its node_modules/@types (the portal's development dependencies among them).
    'tsconfig.json': JSON.stringify({
      compilerOptions: { strict: true, module: 'NodeNext', target: 'ES2022', types: [] },
    }),
    'tsconfig.build.json': JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { rootDir: 'src', outDir: 'dist' },
      include: ['src'],
    }),
  });
  const build = () => spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  const builtAt = async () => (await stat(join(root, 'dist', 'greeting.js'))).mtimeMs;

  t.equal(build().status, 0, 'the first run compiles');
  const first = await builtAt();

  // Make "now" clearly later than the build, whatever the file system's time resolution.
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(build().status, 0, 'a run with nothing changed succeeds');
  t.equal(await builtAt(), first, 'without compiling');

  const later = new Date(Date.now() + 2_000);
  await utimes(join(root, 'src', 'greeting.ts'), later, later);
  t.equal(build().status, 0);
  t.ok((await builtAt()) > first, 'a changed source compiles again');

  const broken = spawnSync(process.execPath, [script, join(root, 'missing')], { encoding: 'utf8' });
  t.not(broken.status, 0, 'a failed compile fails the script');
});

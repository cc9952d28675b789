import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { childEnv, finished } from '../support/run-process.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

// npm itself starts for each command: a few seconds on a busy machine.
t.setTimeout(120_000);

/** `npm run -s emswp -- <args>` typed in `cwd`, a directory inside the project, as a user would. */
const npmEmswp = (args: string[], cwd: string) =>
  finished(
    spawn('npm', ['run', '-s', 'emswp', '--', ...args], { cwd, env: childEnv({}), stdio: ['ignore', 'pipe', 'pipe'] }),
  );

t.test('paths given to `npm run emswp` in a subdirectory are files of that subdirectory', async (t) => {
  // Under the project (.tap/fixtures/...), so npm runs the command in the project root.
  const here = t.testdir({});
  t.ok(here.startsWith(projectRoot), 'the test directory is inside the project');

  const keygen = await npmEmswp(['keygen', '--out', 'school-key.json'], here);
  t.equal(keygen.code, 0, keygen.stderr);
  t.ok(existsSync(join(here, 'school-key.json')), 'the private key is written where the command was typed');
  t.notOk(existsSync(join(projectRoot, 'school-key.json')), 'and not in the project root');
  t.match(keygen.stderr, `written to ${join(here, 'school-key.json')}`, 'the message gives the full path');

  await writeFile(join(here, 'transcript.pdf'), '%PDF-1.7\n%%EOF\n');
  const sign = await npmEmswp(
    [
      'sign',
      'transcript.pdf',
      '--key',
      'school-key.json',
      '--issuer',
      'F0001234',
      '--type',
      'transcript',
      '--ecfmg-id',
      '12345678',
      '--given-name',
      'Ada',
      '--family-name',
      'Obi',
      '--date-of-birth',
      '1996-04-12',
    ],
    here,
  );
  t.equal(sign.code, 0, sign.stderr);
  t.match(sign.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/, 'the PDF and the key are read from there too');
});

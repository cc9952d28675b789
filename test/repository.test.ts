import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const root = fileURLToPath(new URL('..', import.meta.url));
const git = (args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
const inGit = git(['rev-parse', '--is-inside-work-tree']).stdout.trim() === 'true';

t.test(
  'private key files named as the README names them are ignored by git',
  { skip: !inGit && 'not a git checkout' },
  async (t) => {
    const readme = await readFile(`${root}/README.md`, 'utf8');
    const written = [...readme.matchAll(/--out (\S+\.json)/g)].map((match) => match[1] as string);
    t.ok(written.length > 0, `the README writes keys to ${written.join(', ')}`);
    for (const name of [...written, 'school-key.json', 'keys/school-b-key.json', 'issuer.jwk.json']) {
      t.equal(git(['check-ignore', '-q', name]).status, 0, `${name} is ignored`);
    }
    const trackedButIgnored = git(['ls-files', '--cached', '--ignored', '--exclude-standard']).stdout.trim();
    t.equal(trackedButIgnored, '', 'and no committed file matches an ignore pattern');
  },
);

t.test('every relative link in the README and docs/ names a file that exists', async (t) => {
  const documents = ['README.md', ...['api.md', 'signing.md'].map((name) => `docs/${name}`)];
  for (const document of documents) {
    const text = await readFile(`${root}/${document}`, 'utf8');
    const base = new URL(document, `file://${root}`);
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target as string)) continue;
      t.ok(existsSync(fileURLToPath(new URL(target as string, base))), `${document} links to ${target}, which exists`);
    }
  }
});

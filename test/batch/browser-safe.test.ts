import { builtinModules } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

/**
 * The portal bundles src/batch for the browser: nothing it imports, however indirectly, may need
 * Node. Walks the compiled module graph (type-only imports are gone from it) from the entry point.
 */
const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const entry = resolve(dist, 'batch/index.js');
/** Packages the batch code may pull into a browser bundle, each known to run there. */
const browserPackages = ['papaparse', '@sinclair/typebox', '@sinclair/typebox/value'];

const specifiers = (code: string) =>
  [
    ...code.matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g,
    ),
  ].map((match) => (match[1] ?? match[2] ?? match[3]) as string);

t.test('src/batch and everything it imports is free of Node-only modules and globals', async (t) => {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const nodeOnly: string[] = [];
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = await readFile(file, 'utf8');
    const where = relative(dist, file);
    if (/\b(Buffer|process)\s*\./.test(code) || /\brequire\s*\(/.test(code))
      nodeOnly.push(`${where} uses a Node global`);
    for (const specifier of specifiers(code)) {
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else if (specifier.startsWith('node:') || builtinModules.includes(specifier))
        nodeOnly.push(`${where} imports ${specifier}`);
      else packages.add(specifier);
    }
  }
  t.same(nodeOnly, []);
  t.same(
    [...packages].filter((name) => !browserPackages.includes(name)),
    [],
    'only packages known to run in a browser',
  );
  t.ok(seen.has(resolve(dist, 'documents/manifest-schema.js')), 'the manifest rules are the service’s own');
  t.ok(seen.size >= 8, `${seen.size} modules walked`);
});

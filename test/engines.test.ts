import { readFile } from 'node:fs/promises';
import semver from 'semver';
import t from 'tap';

const root = new URL('..', import.meta.url);
const manifest = JSON.parse(await readFile(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(await readFile(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

/** The oldest release of each Node line the project says it runs on, and the Node that runs the tests. */
const supported = ['20.19.0', '22.13.0', '24.0.0', process.versions.node];

t.test('every installed package runs on every Node version package.json promises (no EBADENGINE)', async (t) => {
  for (const version of supported)
    t.ok(semver.satisfies(version, manifest.engines.node), `${version} is in ${manifest.engines.node}`);
  const refusing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (path === '' || wanted === undefined) continue;
    for (const version of supported) {
      if (!semver.satisfies(version, wanted)) refusing.push(`${path} wants node ${wanted}, not ${version}`);
    }
  }
  t.same(refusing, [], 'no package in package-lock.json wants another Node');
});

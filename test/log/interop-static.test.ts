import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { encodeBundle } from '../../src/log/bundles.js';
import { leafHash } from '../../src/log/merkle.js';
import { checkpointBody, rawEd25519PublicKey, signNote, verifierKey } from '../../src/log/note.js';
import { formatLogProof } from '../../src/log/proof-text.js';
import { inclusionProof, tileSubtreeReader, treeRoot } from '../../src/log/proofs.js';
import { extendTiles, type TileData } from '../../src/log/tile-builder.js';
import { entryBundlePath, hashTilePath } from '../../src/log/tiles.js';
import { buildGoVerifier, goMissing } from './go-verifier.js';

// The pure log modules (tiles, checkpoints, bundles, proofs) checked by Go's sumdb packages, served
// as static files, so a failure here points at the formats rather than at the service around them.

const missing = await goMissing();
if (missing) t.plan(0, missing);
else {
  t.test("Go's sumdb/note and sumdb/tlog accept our checkpoints, tiles, bundles and proofs", async (t) => {
    const verify = await buildGoVerifier();
    const origin = 'interop.example/log';
    const { privateKey } = generateKeyPairSync('ed25519');
    const vkey = verifierKey(origin, rawEd25519PublicKey(createPublicKey(privateKey)));
    const files = new Map<string, Buffer>();
    const server = createServer((request, response) => {
      const body = files.get((request.url ?? '').replace(/^\/log\//, ''));
      response.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => server.close());
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/log`;
    const directory = t.testdir({});

    const entries: Buffer[] = [];
    const tiles: TileData[] = [];
    let edge: TileData[] = [];
    const checkpoints: string[] = [];
    // Sizes that cross tile edges at level 0 and level 1.
    for (const count of [1, 254, 1, 1, 300, 65_000, 1_000]) {
      const added = Array.from({ length: count }, (_, i) => Buffer.from(`{"entry":${entries.length + i}}`));
      const step = extendTiles(entries.length, edge, added.map(leafHash));
      entries.push(...added);
      edge = step.partial;
      tiles.push(...step.full, ...step.partial);
      for (const tile of [...step.full, ...step.partial]) files.set(hashTilePath(tile), tile.hashes);
      for (const tile of [...step.full, ...step.partial].filter((x) => x.level === 0)) {
        files.set(
          entryBundlePath(tile.n, tile.width),
          encodeBundle(entries.slice(tile.n * 256, tile.n * 256 + tile.width)),
        );
      }
      const read = tileSubtreeReader(
        async (level, n, minWidth) =>
          tiles.filter((x) => x.level === level && x.n === n && x.width >= minWidth).at(-1)?.hashes,
      );
      const root = await treeRoot(read, entries.length);
      const note = signNote(checkpointBody({ origin, size: entries.length, root }), origin, privateKey);
      checkpoints.push(note);
      files.set('checkpoint', Buffer.from(note));
      const index = entries.length - 1;
      const proof = formatLogProof({
        entry: entries[index],
        index,
        proof: await inclusionProof(read, index, entries.length),
        checkpoint: note,
      });
      const proofFile = join(directory, `${entries.length}.tlog-proof`);
      await writeFile(proofFile, proof);
      const oldFile = join(directory, 'old-checkpoint');
      await writeFile(oldFile, checkpoints[0] as string);
      const result = await verify(['-url', base, '-vkey', vkey, '-old', oldFile, proofFile]);
      t.ok(result.ok, `size ${entries.length}: ${result.output}`);
      t.match(result.output, `ok entries: all ${entries.length} hash to their leaves`);
      t.match(result.output, `ok consistency: size ${entries.length} extends size 1`);
    }

    // And Go says no when a byte is wrong.
    const tile = files.get('tile/0/000') as Buffer;
    files.set('tile/0/000', Buffer.concat([Buffer.from([tile[0]! ^ 1]), tile.subarray(1)]));
    const tampered = await verify(['-url', base, '-vkey', vkey]);
    t.notOk(tampered.ok, 'a changed tile is caught');
    t.match(tampered.output, /FAIL/);
  });
}

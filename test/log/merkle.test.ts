import { generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import { emptyRoot, leafHash, nodeHash, rootOf } from '../../src/log/merkle.js';
import {
  consistencyProof,
  inclusionProof,
  tileSubtreeReader,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
  type SubtreeReader,
} from '../../src/log/proofs.js';
import { extendTiles, type TileData } from '../../src/log/tile-builder.js';
import {
  entryBundlePath,
  fullTileCount,
  hashTilePath,
  parseHashTilePath,
  parseTileNumber,
  partialTiles,
  treeHasTile,
} from '../../src/log/tiles.js';

// The RFC 6962 test vectors (certificate-transparency's merkle tree tests): eight leaves and the
// root of each prefix of them.
const vectorLeaves = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => Buffer.from(hex, 'hex'));
const vectorRoots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** A reader over leaf hashes held in memory, computing each subtree from its leaves. */
const memoryReader =
  (leaves: Buffer[]): SubtreeReader =>
  async (level, n) =>
    rootOf(leaves.slice(n * 2 ** level, (n + 1) * 2 ** level));

t.test('RFC 6962 test vectors: the empty tree and every prefix of the eight leaves', async (t) => {
  t.equal(emptyRoot.toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  const hashes = vectorLeaves.map(leafHash);
  for (let size = 1; size <= 8; size++) {
    t.equal(rootOf(hashes.slice(0, size)).toString('hex'), vectorRoots[size - 1], `root of ${size}`);
    t.equal((await treeRoot(memoryReader(hashes), size)).toString('hex'), vectorRoots[size - 1]);
  }
  t.equal(leafHash(Buffer.alloc(0)).toString('hex'), vectorRoots[0], 'leaf hash is SHA-256(0x00 || entry)');
  t.equal(nodeHash(hashes[0] as Buffer, hashes[1] as Buffer).toString('hex'), vectorRoots[1]);
});

t.test('RFC 6962 inclusion and consistency proofs of the vector tree', async (t) => {
  const hashes = vectorLeaves.map(leafHash);
  const read = memoryReader(hashes);
  // The RFC 9162 examples: leaf 0 in a tree of 8 needs three hashes, leaf 6 in a tree of 7 needs two.
  t.equal((await inclusionProof(read, 0, 8)).length, 3);
  t.equal((await inclusionProof(read, 6, 7)).length, 2);
  for (let size = 1; size <= 8; size++) {
    const root = Buffer.from(vectorRoots[size - 1] as string, 'hex');
    for (let index = 0; index < size; index++) {
      const proof = await inclusionProof(read, index, size);
      t.ok(verifyInclusion(index, size, hashes[index] as Buffer, proof, root), `leaf ${index} in ${size}`);
      t.notOk(verifyInclusion(index, size, hashes[(index + 1) % 8] as Buffer, proof, root));
    }
    for (let first = 1; first <= size; first++) {
      const proof = await consistencyProof(read, first, size);
      const firstRoot = Buffer.from(vectorRoots[first - 1] as string, 'hex');
      t.ok(verifyConsistency(first, size, proof, firstRoot, root), `${first} -> ${size}`);
      if (first < size) t.notOk(verifyConsistency(first, size, proof, root, root), 'a wrong old root fails');
    }
  }
});

t.test('tile paths: groups of three digits, x on all but the last, .p/W for partial tiles', async (t) => {
  t.equal(hashTilePath({ level: 0, n: 0, width: 256 }), 'tile/0/000');
  t.equal(hashTilePath({ level: 4, n: 1234067, width: 256 }), 'tile/4/x001/x234/067');
  t.equal(hashTilePath({ level: 4, n: 1234067, width: 1 }), 'tile/4/x001/x234/067.p/1');
  t.equal(hashTilePath({ level: 1, n: 1000, width: 17 }), 'tile/1/x001/000.p/17');
  t.equal(entryBundlePath(273, 112), 'tile/entries/273.p/112');
  t.same(parseHashTilePath('4/x001/x234/067.p/1'), { level: 4, n: 1234067, width: 1 });
  t.same(parseHashTilePath('0/000'), { level: 0, n: 0, width: 256 });
  t.same(parseTileNumber('x001/000'), { n: 1000, width: 256 });
  const malformed = [
    '0/0',
    '0/00',
    '0/0000',
    '00/000',
    '64/000',
    '-1/000',
    '0/x000/001',
    '0/001/002',
    '0/x001',
    '0/000.p/0',
    '0/000.p/256',
    '0/000.p/01',
    '0/000.p/',
    '0/000.p',
    '0/000/',
    '0/abc',
    '0/x1/000',
    '0/x001/x002/x003/x004/x005/006',
    'a/000',
    '',
    '0/000.p/1/2',
  ];
  for (const path of malformed) t.equal(parseHashTilePath(path), undefined, `refused: ${path}`);
});

function leavesOf(size: number): Buffer[] {
  return Array.from({ length: size }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
}

function tileStore(tiles: TileData[]) {
  return async (level: number, n: number, minWidth: number) =>
    tiles
      .filter((tile) => tile.level === level && tile.n === n && tile.width >= minWidth)
      .sort((a, b) => b.width - a.width)[0]?.hashes;
}

t.test('tiles at the edge sizes 0, 1, 255, 256, 257, 65536 and 70000', async (t) => {
  const all = leavesOf(70_000);
  const shapes: Record<number, Array<[number, number, number]>> = {
    0: [],
    1: [[0, 0, 1]],
    255: [[0, 0, 255]],
    256: [[1, 0, 1]],
    257: [
      [0, 1, 1],
      [1, 0, 1],
    ],
    65536: [[2, 0, 1]],
    70000: [
      [0, 273, 112],
      [1, 1, 17],
      [2, 0, 1],
    ],
  };
  for (const [sizeText, expected] of Object.entries(shapes)) {
    const size = Number(sizeText);
    const leaves = all.slice(0, size);
    const built = extendTiles(0, [], leaves);
    t.same(
      built.partial.map((tile) => [tile.level, tile.n, tile.width]),
      expected,
      `partial tiles of ${size}`,
    );
    t.same(
      partialTiles(size).map((tile) => [tile.level, tile.n, tile.width]),
      expected,
    );
    t.equal(built.full.filter((tile) => tile.level === 0).length, fullTileCount(size, 0));
    const read = tileSubtreeReader(tileStore([...built.full, ...built.partial]));
    t.ok((await treeRoot(read, size)).equals(rootOf(leaves)), `root of ${size} from its tiles`);
    for (const tile of [...built.full, ...built.partial]) t.ok(treeHasTile(size, tile));
  }
  const at70000 = extendTiles(0, [], all);
  t.equal(at70000.full.filter((tile) => tile.level === 0).length, 273, '273 full level 0 tiles');
  t.equal(at70000.full.filter((tile) => tile.level === 1).length, 1, 'one full level 1 tile');
  t.notOk(treeHasTile(70_000, { level: 0, n: 273, width: 111 }), 'a partial tile of another size is not in the tree');
  t.notOk(treeHasTile(70_000, { level: 0, n: 274, width: 256 }));
});

t.test(
  'growing in uneven batches gives the same tiles, and every checkpointed size can prove against them',
  async (t) => {
    const all = leavesOf(70_000);
    const whole = extendTiles(0, [], all);
    const batches = [1, 254, 1, 1, 255, 65_024, 3_000, 1_464];
    let size = 0;
    let edge: TileData[] = [];
    const stored: TileData[] = [];
    const checkpoints: Array<{ size: number; root: Buffer }> = [];
    for (const count of batches) {
      const step = extendTiles(size, edge, all.slice(size, size + count));
      stored.push(...step.full, ...step.partial);
      size = step.size;
      edge = step.partial;
      checkpoints.push({ size, root: rootOf(all.slice(0, size)) });
    }
    t.equal(size, 70_000);
    for (const tile of whole.full) {
      const same = stored.find((s) => s.level === tile.level && s.n === tile.n && s.width === 256);
      t.ok(same?.hashes.equals(tile.hashes), `full tile ${tile.level}/${tile.n} is the same whatever the batches`);
    }
    const read = tileSubtreeReader(tileStore(stored));
    for (const [i, checkpoint] of checkpoints.entries()) {
      t.ok((await treeRoot(read, checkpoint.size)).equals(checkpoint.root), `root of ${checkpoint.size}`);
      for (const index of [0, checkpoint.size - 1, Math.floor(checkpoint.size / 3)]) {
        const proof = await inclusionProof(read, index, checkpoint.size);
        t.ok(verifyInclusion(index, checkpoint.size, all[index] as Buffer, proof, checkpoint.root));
      }
      const previous = checkpoints[i - 1];
      if (previous) {
        const proof = await consistencyProof(read, previous.size, checkpoint.size);
        t.ok(
          verifyConsistency(previous.size, checkpoint.size, proof, previous.root, checkpoint.root),
          `${previous.size} -> ${checkpoint.size}`,
        );
      }
    }
    t.throws(() => extendTiles(257, [], [all[0] as Buffer]), /missing or wrong/, 'a missing edge tile is refused');
  },
);

t.test('signed notes and checkpoints', async (t) => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const { signNote, verifierKey, parseVerifierKey, rawEd25519PublicKey, openCheckpoint, checkpointBody, keyId } =
    await import('../../src/log/note.js');
  const { createPublicKey } = await import('node:crypto');
  const origin = 'example.com/log';
  const publicKey = rawEd25519PublicKey(createPublicKey(privateKey));
  const vkey = verifierKey(origin, publicKey);
  t.match(vkey, /^example\.com\/log\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
  const verifier = parseVerifierKey(vkey);
  t.equal(verifier.id, keyId(origin, publicKey));
  const root = leafHash(Buffer.from('x'));
  const note = signNote(checkpointBody({ origin, size: 5, root }), origin, privateKey);
  t.match(note, /^example\.com\/log\n5\n[A-Za-z0-9+/]{43}=\n\n\u2014 example\.com\/log [A-Za-z0-9+/]{91}=\n$/);
  const opened = openCheckpoint(note, verifier);
  t.equal(opened.size, 5);
  t.ok(opened.root.equals(root));
  const witness = generateKeyPairSync('ed25519').privateKey;
  const cosigned =
    note + signNote(checkpointBody({ origin, size: 5, root }), 'witness.example', witness).split('\n\n')[1];
  t.equal(openCheckpoint(cosigned, verifier).size, 5, 'signatures of unknown keys are ignored');
  t.throws(() => openCheckpoint(note.replace('\n5\n', '\n6\n'), verifier), /does not verify/);
  const other = parseVerifierKey(verifierKey(origin, rawEd25519PublicKey(createPublicKey(witness))));
  t.throws(() => openCheckpoint(note, other), /not signed by/);
  t.throws(() => parseVerifierKey(vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+')), /key id/);
});

t.test('tlog-proof text round trip', async (t) => {
  const { formatLogProof, parseLogProof } = await import('../../src/log/proof-text.js');
  const proof = {
    entry: Buffer.from('{"kind":"document"}'),
    index: 73894,
    proof: [leafHash(Buffer.from('a')), leafHash(Buffer.from('b'))],
    checkpoint: 'example.com/log\n73895\nAAAA\n\n\u2014 example.com/log abc=\n',
  };
  const text = formatLogProof(proof);
  t.equal(text.split('\n')[0], 'c2sp.org/tlog-proof@v1');
  t.equal(text.split('\n')[1], `extra ${proof.entry.toString('base64')}`);
  t.equal(text.split('\n')[2], 'index 73894');
  t.same(parseLogProof(text), proof);
  t.throws(() => parseLogProof(text.replace('index 73894', 'index 073894')), /index/);
  t.throws(() => parseLogProof(text.replace('c2sp.org/tlog-proof@v1', 'tlog-proof')), /starts with/);
});

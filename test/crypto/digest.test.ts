import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import {
  base64ToHex,
  ContentTooLargeError,
  DigestAccumulator,
  digestFile,
  digestStream,
  hexToBase64,
  isPdf,
  reprDigest,
  sha256Hex,
} from '../../src/crypto/digest.js';

t.test('a stream in many chunks hashes to the SHA-256 of its bytes, with its size and first bytes', async (t) => {
  const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3 * 1024 * 1024 + 17)]);
  const chunks = [];
  for (let i = 0; i < bytes.length; i += 65_537) chunks.push(bytes.subarray(i, i + 65_537));
  const digest = await digestStream(Readable.from(chunks));
  const expected = createHash('sha256').update(bytes).digest();
  t.equal(digest.sha256, expected.toString('hex'));
  t.equal(digest.sha256Base64, expected.toString('base64'));
  t.equal(digest.size, bytes.length);
  t.same(digest.head, bytes.subarray(0, 16));
  t.ok(isPdf(digest.head));
});

t.test('the first bytes are kept across chunks smaller than the head', async (t) => {
  const digest = await digestStream(
    Readable.from([Buffer.from('%P'), Buffer.from('D'), Buffer.from('F-1.4 and the rest')]),
  );
  t.equal(digest.head.toString('latin1'), '%PDF-1.4 and the');
  t.ok(isPdf(digest.head));
  t.equal(digest.size, 21);
});

t.test('empty content has the well-known empty digest', async (t) => {
  const digest = await digestStream(Readable.from([]));
  t.equal(digest.sha256, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  t.equal(digest.size, 0);
  t.equal(digest.head.length, 0);
  t.notOk(isPdf(digest.head));
});

t.test('a file is hashed from disk', async (t) => {
  const dir = t.testdir({});
  const file = join(dir, 'a.pdf');
  const bytes = Buffer.concat([Buffer.from('%PDF-'), randomBytes(200_000)]);
  await writeFile(file, bytes);
  const digest = await digestFile(file);
  t.equal(digest.sha256, sha256Hex(bytes));
  t.equal(digest.size, bytes.length);
});

t.test('hashing 256 MiB does not hold the content in memory', async (t) => {
  // A fresh chunk each time, as from a socket: a digest that kept them would hold all 256 MiB.
  async function* source() {
    for (let i = 0; i < 256; i++) yield Buffer.allocUnsafe(1024 * 1024).fill(i);
  }
  const before = process.memoryUsage().arrayBuffers;
  let peak = before;
  const accumulator = new DigestAccumulator();
  for await (const c of source()) {
    accumulator.update(c);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  }
  const digest = accumulator.finish();
  t.equal(digest.size, 256 * 1024 * 1024);
  t.ok(peak - before < 128 * 1024 * 1024, `external memory grew by ${((peak - before) / 1024 / 1024).toFixed(1)} MiB`);
});

t.test('content past the limit stops the digest', async (t) => {
  await t.rejects(
    digestStream(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxBytes: 1000 }),
    ContentTooLargeError,
  );
  const exact = await digestStream(Readable.from([Buffer.alloc(600), Buffer.alloc(400)]), { maxBytes: 1000 });
  t.equal(exact.size, 1000);
});

t.test('strings are hashed as UTF-8', async (t) => {
  t.equal(
    sha256Hex('é'),
    createHash('sha256')
      .update(Buffer.from([0xc3, 0xa9]))
      .digest('hex'),
  );
  const digest = await digestStream(Readable.from(['é']));
  t.equal(digest.size, 2);
});

t.test('hex and base64 forms convert both ways; Repr-Digest uses base64', async (t) => {
  const hex = sha256Hex('abc');
  t.equal(hex, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.equal(hexToBase64(hex), 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
  t.equal(base64ToHex(hexToBase64(hex)), hex);
  t.equal(reprDigest(hex), 'sha-256=:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=:');
  t.throws(() => hexToBase64('xyz'), TypeError);
});

t.test('only content starting with %PDF- is a PDF', async (t) => {
  t.ok(isPdf(Buffer.from('%PDF-1.7')));
  t.ok(isPdf(Buffer.from('%PDF-')));
  t.notOk(isPdf(Buffer.from('%PDF')));
  t.notOk(isPdf(Buffer.from(' %PDF-1.7')));
  t.notOk(isPdf(Buffer.from('%pdf-1.7')));
  t.notOk(isPdf(Buffer.from('\x89PNG\r\n')));
});

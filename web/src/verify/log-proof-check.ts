import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { inclusionHolds } from '../../../src/log/inclusion-path';

/**
 * c2sp.org/tlog-proof checked in the browser: the checkpoint is a signed note (c2sp.org/signed-note)
 * by the log's Ed25519 key (GET /log/vkey), and the entry it carries is in that checkpoint's tree
 * (RFC 6962 hashing; the proof check is the service's own, src/log/inclusion-path.ts). The formats
 * are read as src/log/note.ts and src/log/proof-text.ts read them, over bytes instead of Buffers.
 */

/** A proof, receipt or key that does not hold, with the reason in plain words. */
export class NotValid extends Error {}

const proofHeader = 'c2sp.org/tlog-proof@v1';
const signaturePrefix = '\u2014 ';
const ed25519Type = 0x01;
const utf8 = new TextEncoder();

/** Base64 that decodes and encodes back to itself (as the service writes it), or undefined. */
function canonicalBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const bytes = Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
    return btoa(String.fromCharCode(...bytes)) === text ? bytes : undefined;
  } catch {
    return undefined;
  }
}

const isValidKeyName = (name: string): boolean => name !== '' && !/[\s+]/u.test(name) && !name.includes('\u0085');

const uint32 = (bytes: Uint8Array): number => new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);

/** SHA-256(name || 0x0A || 0x01 || public key), first four bytes. */
const keyId = (name: string, publicKey: Uint8Array): number =>
  uint32(sha256(concatBytes(utf8.encode(`${name}\n`), new Uint8Array([ed25519Type]), publicKey)));

export interface LogKey {
  name: string;
  id: number;
  key: CryptoKey;
}

/** Reads `<name>+<8 hex key id>+<base64(0x01 || public key)>`. */
export async function readLogKey(vkey: string): Promise<LogKey> {
  const text = vkey.trim();
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  const key = canonicalBase64(text.slice(second + 1));
  if (second < 0 || !isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex)) {
    throw new NotValid("The service's log key could not be read.");
  }
  if (key === undefined || key.length !== 33 || key[0] !== ed25519Type) {
    throw new NotValid("The service's log key is not an Ed25519 key.");
  }
  const publicKey = key.subarray(1);
  const id = Number.parseInt(idHex, 16);
  if (id !== keyId(name, publicKey)) throw new NotValid("The service's log key does not match its own key id.");
  return { name, id, key: await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']) };
}

interface ParsedProof {
  entry: Uint8Array | undefined;
  index: number;
  proof: Uint8Array[];
  checkpoint: string;
}

const damaged = (why: string) => new NotValid(`This log proof is damaged: ${why}.`);

function parseProof(text: string): ParsedProof {
  const lines = text.split('\n');
  let at = 0;
  if (lines[at++] !== proofHeader)
    throw new NotValid(`This is not a log proof: a log proof starts with ${proofHeader}.`);
  let entry: Uint8Array | undefined;
  if (lines[at]?.startsWith('extra ')) {
    entry = canonicalBase64((lines[at++] as string).slice('extra '.length));
    if (entry === undefined) throw damaged('its entry is not base64');
  }
  const indexMatch = /^index (0|[1-9]\d{0,15})$/.exec(lines[at++] ?? '');
  if (!indexMatch) throw damaged('it has no index line');
  const proof: Uint8Array[] = [];
  while (at < lines.length && lines[at] !== '') {
    const hash = canonicalBase64(lines[at++] as string);
    if (hash === undefined || hash.length !== 32) throw damaged('a line of the inclusion proof is not a hash');
    proof.push(hash);
  }
  if (lines[at++] !== '') throw damaged('it has no checkpoint');
  const checkpoint = lines.slice(at).join('\n');
  if (checkpoint === '') throw damaged('it has no checkpoint');
  return { entry, index: Number(indexMatch[1]), proof, checkpoint };
}

/** sumdb/note's Open: the text before the last blank line, signed by the log's key (other signers are ignored). */
async function openNote(note: string, logKey: LogKey): Promise<string> {
  for (const char of note) {
    const code = char.codePointAt(0) as number;
    if ((code < 0x20 && code !== 0x0a) || code === 0xfffd) throw damaged('its checkpoint holds control characters');
  }
  const split = note.lastIndexOf('\n\n');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (split < 0 || block === '' || !block.endsWith('\n')) throw damaged('its checkpoint has no signature');
  let signed = false;
  for (const line of block.slice(0, -1).split('\n')) {
    const rest = line.startsWith(signaturePrefix) ? line.slice(signaturePrefix.length) : '';
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const signature = space < 0 ? undefined : canonicalBase64(rest.slice(space + 1));
    if (!isValidKeyName(name) || signature === undefined || signature.length < 5) {
      throw damaged('a signature line of its checkpoint is malformed');
    }
    if (name !== logKey.name || uint32(signature) !== logKey.id) continue;
    if (!(await crypto.subtle.verify('Ed25519', logKey.key, signature.subarray(4), utf8.encode(text)))) {
      throw new NotValid(
        "Forged or changed: the checkpoint's signature does not match its contents, so this log proof does not hold.",
      );
    }
    signed = true;
  }
  if (!signed) {
    throw new NotValid(
      `This log proof is not from this service's log: its checkpoint is not signed by ${logKey.name}. It is from another service, or forged.`,
    );
  }
  return text;
}

function parseCheckpoint(text: string): { origin: string; size: number; root: Uint8Array } {
  const [origin = '', sizeText = '', rootText = ''] = text.split('\n');
  const root = canonicalBase64(rootText);
  if (origin === '' || !/^(0|[1-9]\d{0,15})$/.test(sizeText) || root === undefined || root.length !== 32) {
    throw damaged('its checkpoint is malformed');
  }
  return { origin, size: Number(sizeText), root };
}

const nodeHash = (left: Uint8Array, right: Uint8Array): Uint8Array =>
  sha256(concatBytes(new Uint8Array([0x01]), left, right));

export interface LogInclusion {
  origin: string;
  index: number;
  /** The size of the signed checkpoint the entry is proven in. */
  size: number;
  entry: Record<string, unknown>;
}

/** Checks a tlog-proof against the log's key; throws NotValid with the reason when it does not hold. */
export async function checkLogProof(text: string, logKey: LogKey): Promise<LogInclusion> {
  const proof = parseProof(text);
  const checkpoint = parseCheckpoint(await openNote(proof.checkpoint, logKey));
  if (checkpoint.origin !== logKey.name) {
    throw new NotValid(`This log proof is for the log ${checkpoint.origin}, not this service's log ${logKey.name}.`);
  }
  if (proof.entry === undefined) throw damaged('it does not carry its entry');
  const leaf = sha256(concatBytes(new Uint8Array([0x00]), proof.entry));
  if (!inclusionHolds(nodeHash, proof.index, checkpoint.size, leaf, proof.proof, checkpoint.root)) {
    throw new NotValid(
      `Forged or changed: the entry it carries is not entry ${proof.index} of the log's signed checkpoint (the inclusion proof fails).`,
    );
  }
  let entry: unknown;
  try {
    entry = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(proof.entry));
  } catch {
    throw damaged('its entry is not JSON');
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw damaged('its entry is not an object');
  return {
    origin: checkpoint.origin,
    index: proof.index,
    size: checkpoint.size,
    entry: entry as Record<string, unknown>,
  };
}

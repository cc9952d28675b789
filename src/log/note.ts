import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * c2sp.org/signed-note with Ed25519 signatures, byte for byte as golang.org/x/mod/sumdb/note writes
 * and reads them, and c2sp.org/tlog-checkpoint bodies.
 */

const ed25519Type = 0x01;
const signaturePrefix = '\u2014 ';

/** Key names: non-empty, no Unicode space, no plus (sumdb/note's isValidName). */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !/[\s+]/u.test(name) && !name.includes('\u0085');
}

/** The 32-byte Ed25519 public key of a KeyObject. */
export function rawEd25519PublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new TypeError('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

/** SHA-256(name || 0x0A || 0x01 || public key), first four bytes, big-endian. */
export function keyId(name: string, publicKey: Buffer): number {
  const digest = createHash('sha256')
    .update(name)
    .update('\n')
    .update(Buffer.from([ed25519Type]))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

const hex8 = (id: number): string => id.toString(16).padStart(8, '0');

/** The verifier key line: `<name>+<8 hex digits of key id>+<base64(0x01 || public key)>`. */
export function verifierKey(name: string, publicKey: Buffer): string {
  return `${name}+${hex8(keyId(name, publicKey))}+${Buffer.concat([Buffer.from([ed25519Type]), publicKey]).toString('base64')}`;
}

export interface NoteVerifier {
  name: string;
  id: number;
  publicKey: KeyObject;
}

/** Parses a verifier key; throws with a plain reason when it is not one. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  // The key's base64 may itself hold pluses: only the first two separate (sumdb/note's chop).
  const text = vkey.trim();
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw new Error('a verifier key is <name>+<key id>+<key>');
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  const keyText = text.slice(second + 1);
  if (!isValidKeyName(name)) throw new Error(`"${name}" is not a valid key name`);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new Error('the key id must be 8 hex digits');
  const key = Buffer.from(keyText, 'base64');
  if (key.toString('base64') !== keyText || key.length !== 33 || key[0] !== ed25519Type) {
    throw new Error('the key must be base64 of 0x01 and a 32-byte Ed25519 public key');
  }
  const publicKeyBytes = key.subarray(1);
  const id = Number.parseInt(idHex, 16);
  if (id !== keyId(name, publicKeyBytes)) throw new Error('the key id does not match the name and key');
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: publicKeyBytes.toString('base64url') },
    format: 'jwk',
  });
  return { name, id, publicKey };
}

/** A signed note: the text (ending in a newline), a blank line, one signature line. */
export function signNote(text: string, name: string, privateKey: KeyObject): string {
  if (!text.endsWith('\n')) throw new Error('a note text ends with a newline');
  const publicKey = rawEd25519PublicKey(createPublicKey(privateKey));
  const signature = sign(null, Buffer.from(text, 'utf8'), privateKey);
  const id = Buffer.alloc(4);
  id.writeUInt32BE(keyId(name, publicKey));
  return `${text}\n${signaturePrefix}${name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteError';
  }
}

/**
 * Opens a signed note as sumdb/note's Open does: well-formed UTF-8 without control characters other
 * than newline, text separated from the signatures by the last blank line, and a valid signature by
 * the given key. Signatures by other keys (witnesses) are ignored. Returns the text.
 */
export function openNote(note: string, verifier: NoteVerifier): string {
  for (const char of note) {
    const code = char.codePointAt(0) as number;
    if ((code < 0x20 && code !== 0x0a) || code === 0xfffd) throw new NoteError('malformed note');
  }
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no signature block');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new NoteError('malformed note: bad signature block');
  let verified = false;
  for (const line of block.slice(0, -1).split('\n')) {
    if (!line.startsWith(signaturePrefix)) throw new NoteError('malformed note: bad signature line');
    const rest = line.slice(signaturePrefix.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const encoded = space < 0 ? '' : rest.slice(space + 1);
    const signature = Buffer.from(encoded, 'base64');
    if (!isValidKeyName(name) || encoded === '' || signature.toString('base64') !== encoded || signature.length < 5) {
      throw new NoteError('malformed note: bad signature line');
    }
    if (name !== verifier.name || signature.readUInt32BE(0) !== verifier.id) continue;
    if (!verify(null, Buffer.from(text, 'utf8'), verifier.publicKey, signature.subarray(4))) {
      throw new NoteError(`the signature of ${name} does not verify`);
    }
    verified = true;
  }
  if (!verified) throw new NoteError(`the note is not signed by ${verifier.name}`);
  return text;
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

/** The checkpoint body: origin, decimal size, base64 root hash, one line each. */
export const checkpointBody = ({ origin, size, root }: Checkpoint): string =>
  `${origin}\n${size}\n${root.toString('base64')}\n`;

/** Reads a checkpoint body (extension lines after the third are allowed and ignored). */
export function parseCheckpointBody(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') throw new NoteError('malformed checkpoint');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin === '' || !/^(0|[1-9]\d{0,15})$/.test(sizeText)) throw new NoteError('malformed checkpoint');
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootText) throw new NoteError('malformed checkpoint root');
  return { origin, size: Number(sizeText), root };
}

/** Opens a signed checkpoint and checks its origin is the verifier's (the key name is the origin). */
export function openCheckpoint(note: string, verifier: NoteVerifier): Checkpoint {
  const checkpoint = parseCheckpointBody(openNote(note, verifier));
  if (checkpoint.origin !== verifier.name) {
    throw new NoteError(`the checkpoint's origin ${checkpoint.origin} is not ${verifier.name}`);
  }
  return checkpoint;
}

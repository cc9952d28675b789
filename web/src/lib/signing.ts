import { CompactSign } from 'jose';
import type { ManifestFields } from '../../../src/documents/manifest-schema';
import type { StoredKey } from './key-store';

export type { ManifestFields };

export async function signManifest(payload: Record<string, unknown>, key: StoredKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'emswp-manifest+jwt' })
    .sign(key.privateKey);
}

/** A PDF starts with %PDF-; anything else is refused by the service, so it is caught here first. */
export async function looksLikePdf(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 5).arrayBuffer());
  return new TextDecoder().decode(head) === '%PDF-';
}

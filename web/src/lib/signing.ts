import { CompactSign } from 'jose';
import type { StoredKey } from './key-store';

const hex = (bytes: ArrayBuffer): string =>
  Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', bytes));
}

export interface ManifestFields {
  type: 'mspe' | 'transcript' | 'lor';
  ecfmg_id: string;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  letter_id?: string;
  supersedes?: string;
}

/** The payload a school signs for one document (signing.md): the file's hash, not its bytes. */
export function manifestPayload(
  iss: string,
  jti: string,
  fields: ManifestFields,
  file: { sha256: string; size: number },
): Record<string, unknown> {
  return {
    iss,
    jti,
    iat: Math.floor(Date.now() / 1000),
    document: { type: fields.type, sha256: file.sha256, size: file.size, media_type: 'application/pdf' },
    applicant: {
      ecfmg_id: fields.ecfmg_id,
      given_name: fields.given_name,
      family_name: fields.family_name,
      date_of_birth: fields.date_of_birth,
    },
    ...(fields.letter_id ? { letter_id: fields.letter_id } : {}),
    ...(fields.supersedes ? { supersedes: fields.supersedes } : {}),
  };
}

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

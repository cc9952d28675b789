import type { DocumentType } from '../facts/documents.js';
import { sha256Hex } from './sha256.js';

export interface JtiFacts {
  /** The school's World Directory id, the manifest's iss. */
  issuer: string;
  /** The file's SHA-256, 64 lowercase hex digits. */
  sha256: string;
  type: DocumentType;
  ecfmgId: string;
  supersedes?: string;
}

/**
 * The jti of a row that names none: the same school, bytes, type and applicant always give the
 * same jti, so sending a batch again (from the portal or `emswp submit-batch`, which share this)
 * is answered by the service with the documents already stored (200) instead of new ones.
 * `supersedes` counts too when present: a correction often resends the very same PDF with the
 * names fixed, and under the original's jti the service would answer with the original.
 */
export async function derivedJti(facts: JtiFacts): Promise<string> {
  const parts = ['emswp-batch-v1', facts.issuer, facts.sha256, facts.type, facts.ecfmgId];
  if (facts.supersedes !== undefined) parts.push(facts.supersedes.toLowerCase());
  return `batch-${await sha256Hex(parts.join('\n'))}`;
}

import type { DocumentStatus } from './tables.js';

export interface StatedIdentity {
  given_name: string;
  family_name: string;
  date_of_birth: string;
}

/** Names compare without regard to case, accents or spacing: "  José  María " matches "jose maria". */
export function comparableName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

export function sameIdentity(a: StatedIdentity, b: StatedIdentity): boolean {
  return (
    comparableName(a.given_name) === comparableName(b.given_name) &&
    comparableName(a.family_name) === comparableName(b.family_name) &&
    a.date_of_birth === b.date_of_birth
  );
}

/**
 * The status a well-signed document starts in: `unmatched` while no applicant has its ECFMG ID,
 * `verified` when the registered identity agrees, `needs_review` when it does not (an admin decides).
 */
export function matchStatus(
  registered: StatedIdentity | undefined,
  stated: StatedIdentity,
): Extract<DocumentStatus, 'verified' | 'unmatched' | 'needs_review'> {
  if (registered === undefined) return 'unmatched';
  return sameIdentity(registered, stated) ? 'verified' : 'needs_review';
}

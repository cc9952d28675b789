import { problem } from '../http/problem.js';
import type { DocumentStatus } from './tables.js';

/**
 * Which status may follow which. `rejected` and `revoked` are final for the document itself,
 * though a rejected one may still be replaced by a corrected submission.
 */
const next: Record<DocumentStatus, readonly DocumentStatus[]> = {
  unmatched: ['verified', 'needs_review', 'superseded', 'revoked'],
  needs_review: ['verified', 'rejected', 'superseded', 'revoked'],
  verified: ['superseded', 'revoked'],
  rejected: ['superseded'],
  superseded: ['revoked'],
  revoked: [],
};

export function canMove(from: DocumentStatus, to: DocumentStatus): boolean {
  return next[from].includes(to);
}

export function assertCanMove(from: DocumentStatus, to: DocumentStatus): void {
  if (!canMove(from, to)) {
    throw problem('invalid_transition', `A ${from} document cannot become ${to}.`);
  }
}

import type { ApplicantDocument, DocumentEvent } from './applicant-types';
import { documentStatusShort } from './words';

/**
 * What a document's status means to the applicant it is about, in plain words. The applicant never
 * sees an `unmatched` or `rejected` document (it is not linked to them), so those have none here.
 */
const applicantStatusShort: Record<string, string> = {
  verified: 'Verified',
  needs_review: 'Waiting for an operator to check your name',
  superseded: 'Replaced by a correction',
  revoked: 'Revoked',
};

export function applicantStatusWords(doc: Pick<ApplicantDocument, 'status' | 'school'>): string {
  const school = doc.school.name;
  switch (doc.status) {
    case 'verified':
      return `Received from ${school}, verified: it is yours, and you can release it to programs.`;
    case 'needs_review':
      return `Received from ${school}, but the name or date of birth on it differ from your record: waiting for an operator to check your name. Until then you cannot open or release it.`;
    case 'superseded':
      return `${school} sent a correction that replaces it. Programs you released it to get the correction once that is verified.`;
    case 'revoked':
      return 'Revoked: it no longer counts as genuine, and you cannot release it again.';
    default:
      return documentStatusShort[doc.status] ?? doc.status;
  }
}

const by = (event: DocumentEvent, school: string) =>
  event.actor_role === 'admin' ? 'an operator' : event.actor_role === 'school' ? school : event.actor_role;

/** One line of a document's history, as the applicant reads it ("received from …, verified"). */
export function historyLine(event: DocumentEvent, school: string): string {
  const reason = event.reason ? ` (${event.reason})` : '';
  const { from_status: from, to_status: to } = event;
  if (from === null) {
    if (to === 'verified') return `Received from ${school}, verified.`;
    if (to === 'needs_review') return `Received from ${school}; waiting for an operator to check your name.`;
    if (to === 'unmatched') return `Received from ${school}; waiting for you to be registered.`;
  }
  if (from === 'unmatched' && to === 'verified') return 'Matched to you when you were registered, verified.';
  if (from === 'unmatched' && to === 'needs_review')
    return 'Matched to your ECFMG ID when you were registered; waiting for an operator to check your name.';
  if (from === 'needs_review' && to === 'verified') return `An operator checked your name: verified${reason}.`;
  if (to === 'superseded') return `Replaced by a correction from ${school}.`;
  if (to === 'revoked') return `Revoked by ${by(event, school)}${reason}.`;
  const short = (status: string) => applicantStatusShort[status] ?? documentStatusShort[status] ?? status;
  return `${from === null ? '' : `${short(from)} → `}${short(to)}, by ${by(event, school)}${reason}.`;
}

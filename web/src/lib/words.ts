/** Plain words for the API's statuses, in one place so they can be translated later. */
export const documentStatusWords: Record<string, string> = {
  verified: 'Verified: the signature, the file and your school checked out, and the applicant matched.',
  unmatched:
    'Received and signed correctly, but no applicant with this ECFMG ID is registered yet. It is matched automatically when they are.',
  needs_review:
    'Received and signed correctly, but the names or date of birth differ from the registered applicant: an operator will check it.',
  rejected: 'Rejected by an operator after review.',
  superseded: 'Replaced by a correction your school sent.',
  revoked: 'Revoked: it no longer counts as genuine.',
};

export const documentStatusShort: Record<string, string> = {
  verified: 'Verified',
  unmatched: 'Waiting for the applicant to be registered',
  needs_review: 'Waiting for an operator to check the name',
  rejected: 'Rejected',
  superseded: 'Replaced',
  revoked: 'Revoked',
};

export const documentTypeWords: Record<string, string> = {
  mspe: 'MSPE (Medical Student Performance Evaluation)',
  transcript: 'Transcript',
  lor: 'Letter of recommendation',
};

export const schoolStatusWords: Record<string, string> = {
  pending: 'Waiting for an operator to check your school. You can register keys, but not submit documents yet.',
  active: 'Active: your school can submit documents.',
  suspended: 'Suspended: your school cannot submit documents. Contact the operators.',
};

export const when = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '';

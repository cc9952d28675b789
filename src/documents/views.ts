import type { IdentityCheck } from './identity-check.js';
import type { DocumentEventRow, DocumentWithSchool } from './repository.js';

/** A document as the API shows it: metadata and status, never the applicant's stated name or birth date. */
export function documentView(doc: DocumentWithSchool) {
  return {
    id: doc.id,
    type: doc.type,
    status: doc.status,
    status_reason: doc.status_reason,
    sha256: doc.sha256,
    size: doc.size,
    media_type: doc.media_type,
    school: doc.school,
    applicant_id: doc.applicant_id,
    ecfmg_id: doc.ecfmg_id,
    submission_id: doc.submission_id,
    key_id: doc.key_id,
    signed_at: doc.signed_at.toISOString(),
    letter_id: doc.letter_id,
    supersedes: doc.supersedes,
    superseded_by: doc.superseded_by,
    available_at: doc.available_at.toISOString(),
    created_at: doc.created_at.toISOString(),
    updated_at: doc.updated_at.toISOString(),
  };
}

export type DocumentView = ReturnType<typeof documentView>;

/** One entry of a document's status history. */
export const documentEventView = (event: DocumentEventRow) => ({
  ...event,
  created_at: event.created_at.toISOString(),
});

/** For an operator only: the manifest's identity beside the registered applicant's. */
export function identityCheckView({ document, registered }: IdentityCheck) {
  return {
    document: documentView(document),
    manifest: {
      ecfmg_id: document.ecfmg_id,
      given_name: document.given_name,
      family_name: document.family_name,
      date_of_birth: document.date_of_birth,
    },
    registered: registered
      ? {
          id: registered.id,
          ecfmg_id: registered.ecfmg_id,
          given_name: registered.given_name,
          family_name: registered.family_name,
          date_of_birth: registered.date_of_birth,
        }
      : null,
  };
}

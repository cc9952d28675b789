import type { DocumentWithSchool } from '../documents/repository.js';
import type { ReceiptPayload } from './receipt.js';

/**
 * What a receipt states about a document (docs/signing.md, "The service's receipt"), from the stored row
 * as it is now. `iat` is left to the signer. Nothing about the applicant but the ECFMG ID the school
 * signed: no names, no birth date, no content.
 */
export function receiptPayloadOf(doc: DocumentWithSchool, issuer: string): Omit<ReceiptPayload, 'iat'> {
  return {
    iss: issuer,
    sub: doc.id,
    document: {
      id: doc.id,
      type: doc.type,
      status: doc.status,
      status_reason: doc.status_reason,
      sha256: doc.sha256,
      size: doc.size,
      media_type: doc.media_type,
      school: {
        id: doc.school.id,
        wdoms_id: doc.school.wdoms_id,
        name: doc.school.name,
        status: doc.school.status,
        status_reason: doc.school.status_reason,
      },
      ecfmg_id: doc.ecfmg_id,
      submission_id: doc.submission_id,
      key_id: doc.key_id,
      signed_at: doc.signed_at.toISOString(),
      received_at: doc.created_at.toISOString(),
    },
    manifest_sha256: doc.manifest_sha256,
  };
}

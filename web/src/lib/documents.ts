import { download } from './api';

/** A document as the API shows it (the Document schema of openapi.yaml). */
export interface DocumentView {
  id: string;
  type: string;
  status: string;
  status_reason: string | null;
  sha256: string;
  size: number;
  school: { id: string; wdoms_id: string; name: string; status: string; status_reason: string | null };
  ecfmg_id: string;
  applicant_id: string | null;
  submission_id: string;
  key_id: string;
  signed_at: string;
  supersedes: string | null;
  superseded_by: string | null;
  available_at: string;
  created_at: string;
  updated_at: string;
}

export interface DocumentEvent {
  from_status: string | null;
  to_status: string;
  reason: string | null;
  actor: string;
  actor_role: string;
  created_at: string;
}

/** The PDF exactly as the school sent it. */
export const downloadPdf = (d: Pick<DocumentView, 'id' | 'type' | 'ecfmg_id'>) =>
  download(`/v1/documents/${d.id}/content`, `${d.type}-${d.ecfmg_id}.pdf`);

/** The service's signed receipt, saved as the compact JWS itself so `emswp verify-receipt` reads it. */
export const downloadReceipt = (id: string) =>
  download(`/v1/documents/${id}/receipt`, `receipt-${id}.jwt`, async (response) => {
    const { receipt } = (await response.json()) as { receipt: string };
    return new Blob([receipt], { type: 'application/jwt' });
  });

/** An MSPE whose content programs may not download yet (the API answers 403 embargoed until then). */
export const embargoed = (d: Pick<DocumentView, 'available_at'>, now = Date.now()) => Date.parse(d.available_at) > now;

import type { DisclosureListRow } from './repository.js';

export const disclosureView = (row: DisclosureListRow) => ({
  id: row.id,
  document_id: row.document_id,
  document_type: row.document_type,
  program: { id: row.program_id, acgme_id: row.program_acgme_id, name: row.program_name },
  kind: row.kind,
  count: row.count,
  created_at: row.created_at.toISOString(),
  last_disclosed_at: row.last_disclosed_at.toISOString(),
});

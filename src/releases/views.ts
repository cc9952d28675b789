import type { ReleaseWithProgram } from './tables.js';

export function releaseView(row: ReleaseWithProgram) {
  return {
    id: row.id,
    applicant_id: row.applicant_id,
    document_id: row.document_id,
    program_id: row.program_id,
    program: { id: row.program_id, acgme_id: row.program_acgme_id, name: row.program_name },
    status: row.withdrawn_at === null ? ('active' as const) : ('withdrawn' as const),
    created_at: row.created_at.toISOString(),
    withdrawn_at: row.withdrawn_at === null ? null : row.withdrawn_at.toISOString(),
  };
}

import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../db/columns.js';

export interface LetterRequestsTable {
  id: Generated<string>;
  applicant_id: string;
  /** The school asked to send the letter; null only for requests made before requests named one (migration 0006). */
  school_id: string | null;
  author_name: string;
  author_email: string | null;
  waive_right_to_view: boolean;
  status: ColumnType<'requested' | 'received', 'requested' | 'received' | undefined, 'requested' | 'received'>;
  document_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface LetterTables {
  letter_requests: LetterRequestsTable;
}

export type LetterRequestRow = Selectable<LetterRequestsTable>;

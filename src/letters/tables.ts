import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../db/columns.js';

export interface LetterRequestsTable {
  id: Generated<string>;
  applicant_id: string;
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

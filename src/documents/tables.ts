import type { Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../db/columns.js';

import type { DocumentStatus, DocumentType } from '../facts/documents.js';

export type { DocumentStatus, DocumentType } from '../facts/documents.js';

export interface DocumentsTable {
  id: Generated<string>;
  type: DocumentType;
  status: DocumentStatus;
  status_reason: string | null;
  school_id: string;
  applicant_id: string | null;
  ecfmg_id: string;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  sha256: string;
  size: number;
  media_type: string;
  submission_id: string;
  key_id: string;
  signed_at: Date;
  manifest: string;
  manifest_sha256: string;
  letter_id: string | null;
  supersedes: string | null;
  superseded_by: string | null;
  available_at: Date;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface DocumentChunksTable {
  document_id: string;
  seq: number;
  bytes: Buffer;
}

export interface DocumentEventsTable {
  id: Generated<string>;
  document_id: string;
  from_status: DocumentStatus | null;
  to_status: DocumentStatus;
  reason: string | null;
  actor: string;
  actor_role: string;
  created_at: CreatedAt;
}

export interface DocumentTables {
  documents: DocumentsTable;
  document_chunks: DocumentChunksTable;
  document_events: DocumentEventsTable;
}

export type DocumentRow = Selectable<DocumentsTable>;

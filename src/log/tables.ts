import type { Generated, Selectable } from 'kysely';
import type { CreatedAt } from '../db/columns.js';

export interface LogPendingTable {
  id: Generated<number>;
  entry: Buffer;
  document_id: string | null;
  created_at: CreatedAt;
}

export interface LogEntriesTable {
  idx: number;
  entry: Buffer;
  document_id: string | null;
  committed_at: Date;
  integrated_at: CreatedAt;
}

export interface LogTilesTable {
  level: number;
  n: number;
  width: number;
  hashes: Buffer;
}

export interface LogCheckpointsTable {
  tree_size: number;
  root_hash: Buffer;
  note: string;
  created_at: CreatedAt;
}

export const logEntryKinds = ['school', 'key', 'document'] as const;
export type LogEntryKind = (typeof logEntryKinds)[number];

export interface LogBackfillTable {
  ordinal: number;
  kind: LogEntryKind;
  school_id: string | null;
  kid: string | null;
  document_id: string | null;
  seq: number | null;
  status: string;
  reason_code: string | null;
  at: Date;
}

export interface LogTables {
  log_pending: LogPendingTable;
  log_entries: LogEntriesTable;
  log_tiles: LogTilesTable;
  log_checkpoints: LogCheckpointsTable;
  log_backfill: LogBackfillTable;
}

export type LogCheckpointRow = Selectable<LogCheckpointsTable>;

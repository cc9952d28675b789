import type { ColumnType, Generated, Selectable } from 'kysely';

export const disclosureKinds = ['content', 'receipt'] as const;
export type DisclosureKind = (typeof disclosureKinds)[number];

export interface DisclosuresTable {
  id: Generated<string>;
  applicant_id: string;
  document_id: string;
  program_id: string;
  kind: DisclosureKind;
  /** The program's access token's sub at the first download the row counts. */
  actor: string;
  /** Downloads within the window that begins at created_at. */
  count: ColumnType<number, never, number>;
  created_at: ColumnType<Date, never, never>;
  last_disclosed_at: ColumnType<Date, never, Date>;
}

export interface DisclosureTables {
  disclosures: DisclosuresTable;
}

export type DisclosureRow = Selectable<DisclosuresTable>;

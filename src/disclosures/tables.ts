import type { ColumnType, Generated, Selectable } from 'kysely';

export const disclosureKinds = ['content', 'receipt'] as const;
export type DisclosureKind = (typeof disclosureKinds)[number];

export interface DisclosuresTable {
  id: Generated<string>;
  applicant_id: string;
  document_id: string;
  program_id: string;
  kind: DisclosureKind;
  actor: string;
  created_at: ColumnType<Date, never, never>;
}

export interface DisclosureTables {
  disclosures: DisclosuresTable;
}

export type DisclosureRow = Selectable<DisclosuresTable>;

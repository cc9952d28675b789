/** The batch CSV's columns (portal.md, "Batch CSV"), in the order a new file should have them. */
export const batchColumns = [
  'file',
  'type',
  'ecfmg_id',
  'given_name',
  'family_name',
  'date_of_birth',
  'letter_id',
  'supersedes',
  'jti',
] as const;
export type BatchColumn = (typeof batchColumns)[number];

/** Columns a file may leave out of its header altogether; the others must be there. */
export const optionalBatchColumns: readonly BatchColumn[] = ['letter_id', 'supersedes', 'jti'];

export const isBatchColumn = (name: string): name is BatchColumn => (batchColumns as readonly string[]).includes(name);

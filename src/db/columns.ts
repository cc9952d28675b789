import type { ColumnType } from 'kysely';

/** Set by the database on insert (a test or an import may give it); never updated. */
export type CreatedAt = ColumnType<Date, Date | undefined, never>;

/** Kept by the set_updated_at() trigger; may be given on insert. */
export type UpdatedAt = ColumnType<Date, Date | undefined, Date | undefined>;

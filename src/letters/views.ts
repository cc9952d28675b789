import type { LetterRequestRow } from './tables.js';

/** A letter request as clients see it: its id is the `letter_id` a school's manifest names. */
export const letterView = ({ id, created_at, updated_at, ...row }: LetterRequestRow) => ({
  letter_id: id,
  ...row,
  created_at: created_at.toISOString(),
  updated_at: updated_at.toISOString(),
});

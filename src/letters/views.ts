import { schoolDirectoryView } from '../schools/views.js';
import type { LetterRequestWithSchool } from './repository.js';

/**
 * A letter request as clients see it: its id is the `letter_id` a school's manifest names, and its
 * school is named by the directory's public facts, so a request still waiting says for whom.
 */
export const letterView = ({ id, school, created_at, updated_at, ...row }: LetterRequestWithSchool) => ({
  letter_id: id,
  ...row,
  school: school === null ? null : schoolDirectoryView(school),
  created_at: created_at.toISOString(),
  updated_at: updated_at.toISOString(),
});

/**
 * What the applicant pages read, typed from the service's own route schemas (type imports only:
 * nothing of the server reaches the browser bundle).
 */
import type { Static } from '@sinclair/typebox';
import type { Applicant as ApplicantSchema } from '../../../src/applicants/schemas';
import type { DisclosureSchema } from '../../../src/disclosures/schemas';
import type { DocumentEventSchema, DocumentSchema } from '../../../src/documents/schemas';
import type { LetterRequestSchema } from '../../../src/letters/schemas';
import type { ReleaseSchema } from '../../../src/releases/schemas';

export type Applicant = Static<typeof ApplicantSchema>;
export type ApplicantDocument = Static<typeof DocumentSchema>;
export type DocumentEvent = Static<typeof DocumentEventSchema>;
export type LetterRequest = Static<typeof LetterRequestSchema>;
export type Release = Static<typeof ReleaseSchema>;
export type Disclosure = Static<typeof DisclosureSchema>;

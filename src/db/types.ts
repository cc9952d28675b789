/**
 * Table types, one interface per table, mirroring migrations/. Features add their tables here so
 * every query is checked against the real columns.
 */
import type { ApplicantTables } from '../applicants/tables.js';
import type { DisclosureTables } from '../disclosures/tables.js';
import type { DocumentTables } from '../documents/tables.js';
import type { LetterTables } from '../letters/tables.js';
import type { LogTables } from '../log/tables.js';
import type { ProgramTables } from '../programs/tables.js';
import type { ReleaseTables } from '../releases/tables.js';
import type { SchoolTables } from '../schools/tables.js';
import type { WebhookTables } from '../webhooks/tables.js';

export interface DB
  extends
    SchoolTables,
    ApplicantTables,
    ProgramTables,
    LetterTables,
    DocumentTables,
    WebhookTables,
    ReleaseTables,
    DisclosureTables,
    LogTables {}

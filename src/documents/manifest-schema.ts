import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { documentTypes, type DocumentType } from '../facts/documents.js';
import { uuidPatternText } from '../facts/uuid.js';
import type { FieldError } from '../http/problem.js';
import { ecfmgIdPattern, sha256HexPattern, wdomsIdPattern } from '../facts/identifiers.js';

/**
 * The payload a school signs for one document (docs/signing.md, "The school's manifest"). Patterns are
 * used instead of `format`, so the check does not depend on a format registry being set up.
 * Unknown fields are refused at every level: a field we ignore is a field someone thinks we checked.
 */
const Uuid = (description: string) => Type.String({ pattern: uuidPatternText, description });
/** Upper bound on names before trimming: the trimmed rule (1..100) is checked in code below. */
const Name = (description: string) => Type.String({ minLength: 1, maxLength: 256, description });

export const ManifestDocumentSchema = Type.Object(
  {
    type: Type.Union(
      documentTypes.map((type) => Type.Literal(type)),
      { description: 'one of mspe, transcript, lor' },
    ),
    sha256: Type.String({ pattern: sha256HexPattern, description: 'SHA-256 of the file, 64 lowercase hex digits' }),
    size: Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'the file size in bytes, a whole number of at least 1',
    }),
    media_type: Type.Literal('application/pdf', { description: 'application/pdf' }),
  },
  { additionalProperties: false },
);

export const ManifestApplicantSchema = Type.Object(
  {
    ecfmg_id: Type.String({ pattern: ecfmgIdPattern, description: 'the ECFMG ID, 8 digits' }),
    given_name: Name('the given name, 1 to 100 characters after trimming'),
    family_name: Name('the family name, 1 to 100 characters after trimming'),
    date_of_birth: Type.String({
      pattern: '^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$',
      description: 'a real date, YYYY-MM-DD',
    }),
  },
  { additionalProperties: false },
);

export const ManifestPayloadSchema = Type.Object(
  {
    iss: Type.String({ pattern: wdomsIdPattern, description: "the school's World Directory id, F and 7 digits" }),
    jti: Type.String({
      minLength: 1,
      maxLength: 128,
      description: "the school's id for this submission, 1 to 128 characters",
    }),
    iat: Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'the signing time, whole seconds since 1970',
    }),
    document: ManifestDocumentSchema,
    applicant: ManifestApplicantSchema,
    letter_id: Type.Optional(Uuid('the letter request id (a UUID), required for lor and absent otherwise')),
    supersedes: Type.Optional(Uuid('the id (a UUID) of the document this one replaces')),
  },
  { additionalProperties: false, $id: 'ManifestPayload', title: 'ManifestPayload' },
);

export type ManifestPayload = Static<typeof ManifestPayloadSchema>;

/** What a school officer states about one PDF, in a form or a batch CSV row; an empty `letter_id` or `supersedes` is absent. */
export interface ManifestFields {
  type: DocumentType;
  ecfmg_id: string;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  letter_id?: string | undefined;
  supersedes?: string | undefined;
}

/** The payload a school signs for one PDF: the file's hash and size, never its bytes. */
export function pdfManifestPayload(
  issuer: string,
  jti: string,
  iat: number,
  fields: ManifestFields,
  file: { sha256: string; size: number },
): ManifestPayload {
  return {
    iss: issuer,
    jti,
    iat,
    document: { type: fields.type, sha256: file.sha256, size: file.size, media_type: 'application/pdf' },
    applicant: {
      ecfmg_id: fields.ecfmg_id,
      given_name: fields.given_name,
      family_name: fields.family_name,
      date_of_birth: fields.date_of_birth,
    },
    ...(fields.letter_id ? { letter_id: fields.letter_id } : {}),
    ...(fields.supersedes ? { supersedes: fields.supersedes } : {}),
  };
}

/** C0 controls, DEL, C1 controls, and lone surrogates (which would not survive UTF-8 storage intact). */
const unprintable = /[\p{Cc}\p{Cs}]/u;
/**
 * Format characters (Unicode Cf: zero-width spaces and joiners, bidirectional overrides and isolates,
 * the BOM): invisible, so two ids that look the same would differ. Names keep them (ZWNJ is part of
 * Persian spelling); identifiers do not.
 */
export const formatCharacter = /\p{Cf}/u;

function isRealDate(value: string): boolean {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function schemaMessage(message: string, schema: TSchema): string {
  if (message === 'Unexpected property') return 'is not a known field';
  if (message === 'Expected required property') return 'is missing (required)';
  return typeof schema.description === 'string' ? `must be ${schema.description}` : message;
}

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;

/**
 * Rules JSON Schema cannot say: trimmed name length, printable text, real dates, letter_id by type.
 * Written for a payload that may not match the schema, so every field is reported in one go.
 */
function ruleErrors(payload: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const applicant = field(payload, 'applicant');
  for (const name of ['given_name', 'family_name'] as const) {
    const value = field(applicant, name);
    if (typeof value !== 'string') continue;
    const trimmed = [...value.trim()].length;
    if (trimmed < 1 || trimmed > 100)
      errors.push({ path: `/applicant/${name}`, message: 'must be 1 to 100 characters after trimming' });
    else if (unprintable.test(value))
      errors.push({ path: `/applicant/${name}`, message: 'must not contain control characters' });
  }
  const jti = field(payload, 'jti');
  if (typeof jti === 'string' && unprintable.test(jti))
    errors.push({ path: '/jti', message: 'must not contain control characters' });
  else if (typeof jti === 'string' && formatCharacter.test(jti))
    errors.push({
      path: '/jti',
      message: 'must not contain invisible or bidirectional format characters (Unicode Cf, such as U+200B or U+202E)',
    });
  const dateOfBirth = field(applicant, 'date_of_birth');
  if (typeof dateOfBirth === 'string' && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(dateOfBirth) && !isRealDate(dateOfBirth)) {
    errors.push({ path: '/applicant/date_of_birth', message: 'must be a real date, YYYY-MM-DD' });
  }
  const type = field(field(payload, 'document'), 'type');
  const letterId = field(payload, 'letter_id');
  if (type === 'lor' && letterId === undefined) {
    errors.push({
      path: '/letter_id',
      message: 'is missing: a lor (letter of recommendation) names its letter request',
    });
  }
  if (typeof type === 'string' && type !== 'lor' && letterId !== undefined) {
    errors.push({ path: '/letter_id', message: `must be absent for a ${type}: only a lor has a letter_id` });
  }
  return errors;
}

/**
 * Every way `value` fails to be a manifest payload, one entry per field (JSON Pointer paths), empty
 * when it is one. Used by the service on what it receives and by `emswp sign` before signing.
 */
export function manifestPayloadErrors(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(ManifestPayloadSchema, value)) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    errors.push({ path: error.path === '' ? '/' : error.path, message: schemaMessage(error.message, error.schema) });
  }
  if (seen.has('')) return errors;
  for (const error of ruleErrors(value)) {
    if (!seen.has(error.path)) errors.push(error);
  }
  return errors;
}

export const describeFieldErrors = (errors: FieldError[]): string =>
  errors.map((error) => `${error.path} ${error.message}`).join('; ');

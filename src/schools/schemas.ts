import { Type } from '@sinclair/typebox';
import { signatureAlgorithms } from '../crypto/jwk.js';
import { kidPattern } from '../crypto/public-jwk.js';
import { Nullable, PageQuery, PublicJwk, StringEnum, Timestamp, Uuid } from '../http/schemas.js';
import { Email, HumanText, SearchText } from '../http/input-checks.js';
import { countryCodes } from './countries.js';
import { keyStatuses, schoolStatuses } from './tables.js';
import { wdomsIdPattern } from '../facts/identifiers.js';

export const schoolNameMax = 200;
export const reasonMax = 500;

const WdomsId = Type.String({
  pattern: wdomsIdPattern,
  description: 'World Directory of Medical Schools id: F and 7 digits',
  examples: ['F0001234'],
});
const Reason = HumanText(reasonMax);

export const CreateSchoolBody = Type.Object(
  {
    wdoms_id: WdomsId,
    name: HumanText(schoolNameMax, 'Kept as given, in Unicode NFC'),
    country: StringEnum(countryCodes, { description: 'ISO 3166-1 alpha-2, upper case (XK for Kosovo)' }),
    contact_email: Email,
  },
  { additionalProperties: false },
);

export const School = Type.Object(
  {
    id: Uuid,
    wdoms_id: Type.String(),
    name: Type.String(),
    country: Type.String(),
    contact_email: Type.String(),
    status: StringEnum(schoolStatuses),
    status_reason: Nullable(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { title: 'School' },
);

export const ChangeSchoolStatusBody = Type.Object(
  {
    status: StringEnum(schoolStatuses),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);

export const SchoolStatusEvent = Type.Object(
  {
    id: Uuid,
    from_status: Nullable(StringEnum(schoolStatuses)),
    to_status: StringEnum(schoolStatuses),
    reason: Nullable(Type.String()),
    actor: Type.String({ description: 'The `sub` of the token that made the change' }),
    created_at: Timestamp,
  },
  { title: 'SchoolStatusEvent' },
);

export const ListQuery = Type.Object(PageQuery, { additionalProperties: false });

export const SchoolListQuery = Type.Object(
  {
    status: Type.Optional(
      StringEnum(schoolStatuses, {
        description: 'Only schools with this status (`pending`: waiting for an operator to vet them)',
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const RegisterKeyBody = Type.Object(
  {
    jwk: Type.Object(
      {},
      {
        additionalProperties: true,
        maxProperties: 32,
        description: [
          'A **public** JWK: OKP Ed25519 (EdDSA), EC P-256 (ES256) or P-384 (ES384), or RSA of 2048 to 8192 bits',
          'with `alg` PS256 or RS256 (required for RSA). `kid` defaults to the RFC 7638 SHA-256 thumbprint.',
          'Private keys, symmetric keys, other curves, an `alg` that does not fit the key, and members other than',
          'kty, crv, x, y, n, e, kid, alg, use (sig) and key_ops (["verify"]) are refused with `422 key_invalid`.',
        ].join(' '),
      },
    ),
  },
  { additionalProperties: false },
);

export const SchoolKey = Type.Object(
  {
    kid: Type.String(),
    alg: StringEnum(signatureAlgorithms),
    status: StringEnum(keyStatuses),
    jwk: PublicJwk,
    created_at: Timestamp,
    revoked_at: Nullable(Timestamp),
    revoked_reason: Nullable(Type.String()),
    compromised_at: Nullable(Timestamp),
  },
  { title: 'SchoolKey' },
);

export const KeyParams = Type.Object(
  { id: Uuid, kid: Type.String({ pattern: kidPattern }) },
  { additionalProperties: false },
);

export const RevokeKeyBody = Type.Object(
  {
    reason: Reason,
    compromised_at: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'When the private key was (or may have been) exposed; not in the future. Documents signed with the key at or after this time are revoked.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const SchoolDirectoryQuery = Type.Object(
  {
    q: Type.Optional(
      SearchText(
        'A whole World Directory id (F and 7 digits) finds that school; any other text finds schools with a word of the name starting with each word typed, ignoring case and accents',
      ),
    ),
    country: Type.Optional(
      Type.String({ pattern: '^[A-Za-z]{2}$', description: 'Only schools in this country (ISO 3166-1 alpha-2)' }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

/** What anyone signed in may know of an active school: enough to name it, nothing to contact it by. */
export const SchoolDirectoryEntry = Type.Object(
  {
    id: Uuid,
    wdoms_id: Type.String(),
    name: Type.String(),
    country: Type.String(),
  },
  { title: 'SchoolDirectoryEntry' },
);

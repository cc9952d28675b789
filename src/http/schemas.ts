import { Type, type TSchema } from '@sinclair/typebox';
import { signatureAlgorithms } from '../crypto/jwk.js';
import { errorCodes } from './error-codes.js';

export const Uuid = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339, UTC' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A string enum that reads as `enum` in the spec and as a union of literals in TypeScript. */
export const StringEnum = <const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: StringEnum(Object.keys(errorCodes).sort()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', title: 'Problem', description: 'RFC 9457 problem details; `code` is stable.' },
);

/** `?limit=&cursor=`, shared by every list. */
export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
};

export const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), next_cursor: Nullable(Type.String()) });

export const PublicJwk = Type.Object(
  {
    kty: StringEnum(['OKP', 'EC', 'RSA']),
    crv: Type.Optional(Type.String()),
    x: Type.Optional(Type.String()),
    y: Type.Optional(Type.String()),
    n: Type.Optional(Type.String()),
    e: Type.Optional(Type.String()),
    kid: Type.String(),
    alg: StringEnum(signatureAlgorithms),
    use: Type.Literal('sig'),
  },
  { title: 'PublicJwk', description: 'A public signing key (RFC 7517): key members plus kid, alg and use' },
);

export const Jwks = Type.Object({ keys: Type.Array(PublicJwk) }, { title: 'Jwks' });

import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ExternalSchemas = Parameters<AjvCompiler.BuildCompilerFromPool>[0];
type RouteSchema = Parameters<FastifySchemaCompiler<unknown>>[0];

const shared = { removeAdditional: false, useDefaults: true, allErrors: false } as const;

/**
 * Two validators. A query string, path or header arrives as text, so its values are coerced to the
 * schema's types (`?limit=20` is a number). A JSON body arrives typed, so it is taken as sent:
 * `"ecfmg_id": 12345678` is refused instead of being quietly read as the string "12345678".
 */
export function validatorCompilers(): CompilersFactory {
  const textPool = AjvCompiler();
  const jsonPool = AjvCompiler();
  // The package types the compiler it returns as taking a bare schema; Fastify calls it with the
  // route's schema definition, which is what it really takes.
  const compilerFor = (
    pool: AjvCompiler.BuildCompilerFromPool,
    externalSchemas: ExternalSchemas,
    coerceTypes: 'array' | false,
  ) =>
    pool(externalSchemas, { customOptions: { ...shared, coerceTypes } }) as unknown as FastifySchemaCompiler<unknown>;
  const buildValidator = (externalSchemas: ExternalSchemas) => {
    const text = compilerFor(textPool, externalSchemas, 'array');
    const json = compilerFor(jsonPool, externalSchemas, false);
    return (route: RouteSchema) => (route.httpPart === 'body' ? json(route) : text(route));
  };
  return { buildValidator: buildValidator as unknown as CompilersFactory['buildValidator'] };
}

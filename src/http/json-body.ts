import type { FastifyInstance } from 'fastify';
import { problem } from './problem.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Where the first NUL character sits in a parsed JSON value (a string or an object key), as a
 * field path, or undefined when there is none. PostgreSQL cannot store NUL in text, and no free
 * text a person writes holds one.
 */
export function nulCharacterAt(value: unknown, path = 'body'): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulCharacterAt(item, `${path}.${index}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return path;
      const found = nulCharacterAt(item, `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Every JSON body is read by one rule before any route sees it: bytes that are not UTF-8 are
 * refused (not turned into U+FFFD and stored), and so is a NUL character in any string, whatever
 * the field. The parsing itself stays Fastify's, with its guard against prototype poisoning.
 */
export function parseJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(problem('malformed_json', 'The body is not valid UTF-8.'), undefined);
      return;
    }
    parse(request, text, (error, parsed) => {
      if (error) return done(error, undefined);
      const path = nulCharacterAt(parsed);
      if (path !== undefined) {
        return done(
          problem('validation_failed', 'The request did not match the schema.', {
            errors: [{ path, message: 'must not contain the NUL character (U+0000)' }],
          }),
          undefined,
        );
      }
      done(null, parsed);
    });
  });
}

import { Type } from '@sinclair/typebox';
import { problem } from './problem.js';

/**
 * Text a person typed: any script, kept as given apart from Unicode NFC, but no control characters,
 * no lone surrogates, and no leading or trailing whitespace (which would make two "equal" names differ).
 */
export const HumanText = (maxLength: number, description?: string) =>
  Type.String({
    minLength: 1,
    maxLength,
    pattern: '^[^\\s\\p{Cc}\\p{Cs}]([^\\p{Cc}\\p{Cs}]*[^\\s\\p{Cc}\\p{Cs}])?$',
    ...(description ? { description } : {}),
  });

export const Email = Type.String({ format: 'email', maxLength: 254 });

/** A calendar day, YYYY-MM-DD; the format check refuses days that do not exist (2001-02-29). */
export const CalendarDate = Type.String({ format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });

/**
 * NFC, so the same name typed on two systems (precomposed "é" or "e" + combining accent) is stored
 * the same way. Composition can change the length, so the limit is checked again on the result.
 */
export function normalizedText(value: string, field: string, maxLength: number): string {
  const normalized = value.normalize('NFC');
  if ([...normalized].length > maxLength) {
    throw problem('validation_failed', 'The request did not match the schema.', {
      errors: [{ path: `body.${field}`, message: `must NOT have more than ${maxLength} characters` }],
    });
  }
  return normalized;
}

const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

/** A date of birth: a real day, not in the future (today counts, in UTC) and not before 1900. */
export function checkPastDate(value: string, field: string, now = new Date()): string {
  const message =
    value > utcDay(now)
      ? 'must not be in the future'
      : value < '1900-01-01'
        ? 'must not be before 1900-01-01'
        : undefined;
  if (message) {
    throw problem('validation_failed', 'The request did not match the schema.', {
      errors: [{ path: `body.${field}`, message }],
    });
  }
  return value;
}

/** A moment that has already happened, such as when a key was compromised. */
export function checkPastTime(value: string, field: string, now = new Date()): Date {
  const at = new Date(value);
  if (at.getTime() > now.getTime()) {
    throw problem('validation_failed', 'The request did not match the schema.', {
      errors: [{ path: `body.${field}`, message: 'must not be in the future' }],
    });
  }
  return at;
}

export const searchTextMax = 200;

/**
 * What a person types into a directory's search box: any text up to a bound (longer than any name
 * it could find), without control characters; SQL-looking text is only text.
 */
export const SearchText = (description: string) =>
  Type.String({ maxLength: searchTextMax, pattern: '^[^\\p{Cc}\\p{Cs}]*$', description });

/** A UUID in its usual text form, any case: the ids the database makes and tokens and cursors carry. */
export const uuidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The same pattern as JSON Schema text, for the schemas that check one without a format registry. */
export const uuidPatternText = uuidPattern.source;

export const isUuid = (value: string): boolean => uuidPattern.test(value);

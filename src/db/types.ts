/**
 * Table types, one interface per table, mirroring migrations/. Features add their tables here so
 * every query is checked against the real columns.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DB {}

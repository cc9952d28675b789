/** The identifiers documents and the registry share, as JSON Schema patterns (defined once, used by every schema). */

/** An ECFMG identification number: 8 digits. */
export const ecfmgIdPattern = '^[0-9]{8}$';

/** A school's World Directory of Medical Schools id: F and 7 digits (the manifest's `iss`). */
export const wdomsIdPattern = '^F[0-9]{7}$';

/** An ACGME program id: 10 digits. */
export const acgmeIdPattern = '^[0-9]{10}$';

/** A SHA-256 as this service writes it: 64 lowercase hex digits. */
export const sha256HexPattern = '^[0-9a-f]{64}$';

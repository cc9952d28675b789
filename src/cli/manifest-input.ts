import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { importJWK, type JWK } from 'jose';
import { digestFile, isPdf, type ContentDigest } from '../crypto/digest.js';
import { algorithmFitsKey, isSignatureAlgorithm, jwkThumbprint, signatureAlgorithms } from '../crypto/jwk.js';
import { manifestPayloadErrors, signManifest, type ManifestPayload } from '../documents/manifest.js';
import { documentTypes, type DocumentType } from '../facts/documents.js';
import { fail } from './fail.js';
import { userPath } from './user-path.js';

/**
 * What `emswp sign` and `emswp submit` both need to make a school's manifest: the flags, the checks
 * and the payload live here once, so the two commands can never sign differently.
 */
export interface ManifestFlags {
  key: string;
  type: DocumentType;
  ecfmgId: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  letterId?: string;
  supersedes?: string;
  jti?: string;
}

/** Which flag sets each payload field, so a refusal names what the user typed. */
const flagFor: Record<string, string> = {
  '/iss': '--issuer',
  '/jti': '--jti',
  '/document/type': '--type',
  '/applicant/ecfmg_id': '--ecfmg-id',
  '/applicant/given_name': '--given-name',
  '/applicant/family_name': '--family-name',
  '/applicant/date_of_birth': '--date-of-birth',
  '/letter_id': '--letter-id',
  '/supersedes': '--supersedes',
};

/** The manifest flags (all but --issuer, which each command gets in its own way). */
export function addManifestFlags(command: Command, { required = true }: { required?: boolean } = {}): Command {
  const option = (flags: string, description: string, mandatory: boolean, parse?: (value: string) => string) => {
    const added = new Option(flags, description);
    if (parse !== undefined) added.argParser(parse);
    command.addOption(mandatory ? added.makeOptionMandatory() : added);
  };
  option('--key <file>', 'the private JWK made by `emswp keygen`', required, userPath);
  command.addOption(
    required
      ? new Option('--type <type>', 'document type').choices(documentTypes).makeOptionMandatory()
      : new Option('--type <type>', 'document type').choices(documentTypes),
  );
  option('--ecfmg-id <id>', "the applicant's ECFMG ID (8 digits)", required);
  option('--given-name <name>', "the applicant's given name", required);
  option('--family-name <name>', "the applicant's family name", required);
  option('--date-of-birth <YYYY-MM-DD>', "the applicant's date of birth", required);
  option('--letter-id <uuid>', 'for a lor: the letter request id the applicant gave', false);
  option('--supersedes <uuid>', 'the id of the document this one replaces', false);
  option(
    '--jti <id>',
    'your own unique id for this submission (default a random UUID); the same jti makes a resend safe',
    false,
  );
  return command;
}

/** Reads a private signing JWK as `emswp keygen` writes it, failing with a line the user can act on. */
export async function readPrivateJwk(path: string): Promise<JWK> {
  let jwk: unknown;
  try {
    jwk = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? `no key file at ${path}` : `${path} is not a JSON key file`);
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) fail(`${path} is not a JWK`);
  const key = jwk as JWK;
  if (key.kty === 'oct' || typeof key.k === 'string')
    fail(
      `${path} holds a symmetric (oct) key; a school signs with the private key \`emswp keygen\` wrote (Ed25519, P-256, P-384 or RSA), whose public half the service knows`,
    );
  if (typeof key.d !== 'string')
    fail(`${path} holds no private key (a public JWK cannot sign); give the private key file \`emswp keygen\` wrote`);
  if (!isSignatureAlgorithm(key.alg))
    fail(`${path} has alg ${JSON.stringify(key.alg ?? null)}; it must be one of ${signatureAlgorithms.join(', ')}`);
  if (!algorithmFitsKey(key.alg, key)) fail(`${path}: a ${key.kty} key cannot sign with ${key.alg}`);
  try {
    // A damaged file (a member cut short, a wrong length) fails here, before any document is read or sent.
    await importJWK(key, key.alg);
  } catch (error) {
    fail(`${path} is not a usable private key: ${(error as Error).message}`);
  }
  return { ...key, kid: key.kid ?? (await jwkThumbprint(key)) };
}

/** Hashes the file as it streams (never whole in memory) and refuses anything but a PDF. */
export async function digestPdf(file: string): Promise<ContentDigest> {
  let digest;
  try {
    digest = await digestFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? `no file at ${file}` : `cannot read ${file}: ${(error as Error).message}`);
  }
  if (!isPdf(digest.head)) fail(`${file} is not a PDF (it does not start with %PDF-); only PDF documents are accepted`);
  return digest;
}

/** The payload for these flags, checked as the service would check it, with the offending flags named. */
export function manifestPayloadFor(flags: ManifestFlags, issuer: string, digest: ContentDigest): ManifestPayload {
  const payload: ManifestPayload = {
    iss: issuer,
    jti: flags.jti ?? randomUUID(),
    iat: Math.floor(Date.now() / 1000),
    document: { type: flags.type, sha256: digest.sha256, size: digest.size, media_type: 'application/pdf' },
    applicant: {
      ecfmg_id: flags.ecfmgId,
      given_name: flags.givenName,
      family_name: flags.familyName,
      date_of_birth: flags.dateOfBirth,
    },
    ...(flags.letterId === undefined ? {} : { letter_id: flags.letterId }),
    ...(flags.supersedes === undefined ? {} : { supersedes: flags.supersedes }),
  };
  // Refuse here what the service would refuse, with the flag named, rather than sign it.
  const errors = manifestPayloadErrors(payload);
  if (errors.length > 0) fail(errors.map(({ path, message }) => `${flagFor[path] ?? path} ${message}`).join('; '));
  return payload;
}

export interface SignedFile {
  /** The compact JWS. */
  manifest: string;
  payload: ManifestPayload;
  digest: ContentDigest;
}

/**
 * Signs a manifest for a PDF. Everything that can be checked on this machine (key, file, flags) is
 * checked before `issuer` is asked for, so a typo fails before any network call.
 */
export async function signFile(
  file: string,
  flags: ManifestFlags,
  issuer: string | (() => Promise<string>),
): Promise<SignedFile> {
  const privateJwk = await readPrivateJwk(flags.key);
  const digest = await digestPdf(file);
  // A well-formed placeholder issuer, so the other flags are checked before the real one is fetched.
  if (typeof issuer !== 'string') manifestPayloadFor(flags, 'F0000000', digest);
  const payload = manifestPayloadFor(flags, typeof issuer === 'string' ? issuer : await issuer(), digest);
  return { manifest: await signManifest(privateJwk, payload), payload, digest };
}

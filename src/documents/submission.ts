import type { Insertable, Kysely, Transaction } from 'kysely';
import type { PrincipalOf } from '../auth/principal.js';
import { sha256Hex, isPdf } from '../crypto/digest.js';
import type { DB } from '../db/types.js';
import { problem } from '../http/problem.js';
import { lockLetterRequest, markReceived } from '../letters/repository.js';
import { verifyManifest, type ManifestPayload as Manifest } from './manifest.js';
import { matchStatus } from './matching.js';
import { findBySubmission, findDocument, insertDocument, lockDocument, type DocumentWithSchool } from './repository.js';
import {
  findSubmittingSchool,
  lookUpBeforeStoring,
  type BeforeStoring,
  type SubmittingSchool,
} from './submission-repository.js';
import { moveReleasesToReplacement } from '../releases/repository.js';
import { canMove } from './status-machine.js';
import { changeStatus, recordStatus, type Actor } from './status-changes.js';
import type { DocumentRow, DocumentsTable } from './tables.js';
import type { ReceivedFile } from './upload.js';

export interface Submission {
  school: SubmittingSchool;
  caller: PrincipalOf<'school'>;
  /** The compact JWS exactly as received. */
  manifest: string;
  file: ReceivedFile;
  mspeReleaseAt: Date | undefined;
  /** MANIFEST_MAX_AGE, in seconds. */
  manifestMaxAgeSeconds: number;
  now?: Date;
}

export interface SubmissionResult {
  document: DocumentWithSchool;
  /** False when this was the same submission again: nothing new was stored. */
  created: boolean;
}

const UNIQUE_VIOLATION = '23505';

export interface SubmissionRequest {
  caller: PrincipalOf<'school'>;
  /** Reads the upload; called only once the school may submit, so a refused school's body is never read. */
  readParts: () => Promise<{ manifest: string; file: ReceivedFile }>;
  mspeReleaseAt: Date | undefined;
  manifestMaxAgeSeconds: number;
}

/**
 * POST /documents: only an active school may submit; its upload is then read, verified and stored
 * (submitDocument), and the received file is let go whatever the outcome.
 */
export async function receiveSubmission(db: Kysely<DB>, request: SubmissionRequest): Promise<SubmissionResult> {
  const { caller } = request;
  const school = await findSubmittingSchool(db, caller.school_id);
  if (!school || school.status !== 'active') {
    throw problem(
      'school_not_active',
      `Your school is ${school?.status ?? 'not registered'}: only an active school can submit documents.`,
    );
  }
  const parts = await request.readParts();
  try {
    return await submitDocument(db, {
      school,
      caller,
      ...parts,
      mspeReleaseAt: request.mspeReleaseAt,
      manifestMaxAgeSeconds: request.manifestMaxAgeSeconds,
    });
  } finally {
    await parts.file.discard();
  }
}

/** The same submission again returns the stored document; the same jti with other bytes is a conflict. */
function sameSubmission(existing: DocumentWithSchool, file: ReceivedFile): SubmissionResult {
  if (existing.sha256 !== file.sha256) {
    throw problem(
      'submission_conflict',
      `Submission ${existing.submission_id} was already made with other bytes; use a new jti for a new document.`,
    );
  }
  return { document: existing, created: false };
}

function checkBytes(manifest: Manifest, file: ReceivedFile): void {
  if (file.sha256 !== manifest.document.sha256 || file.size !== manifest.document.size) {
    throw problem(
      'digest_mismatch',
      `The file (${file.size} bytes, sha256 ${file.sha256}) is not the one the manifest describes (${manifest.document.size} bytes, sha256 ${manifest.document.sha256}).`,
    );
  }
  if (!isPdf(file.head))
    throw problem('media_type_invalid', 'Only PDF documents are accepted: the file does not start with %PDF-.');
}

/**
 * Verifies a school's signed submission and stores it with its first status, all in one
 * transaction: the document, its bytes, its history, the letter it answers and the document it
 * replaces. Any refusal leaves nothing behind.
 */
export async function submitDocument(db: Kysely<DB>, submission: Submission): Promise<SubmissionResult> {
  const { school, caller, file } = submission;
  const now = submission.now ?? new Date();
  const { manifest, header } = await verifyManifest(submission.manifest, {
    expectedIssuer: school.wdoms_id,
    keyFor: async (kid) => school.keys.find((key) => key.kid === kid),
    now,
    maxAgeSeconds: submission.manifestMaxAgeSeconds,
  });
  checkBytes(manifest, file);

  const schoolSummary = {
    id: school.id,
    wdoms_id: school.wdoms_id,
    name: school.name,
    status: school.status,
    status_reason: school.status_reason,
  };
  try {
    return await db.transaction().execute(async (trx) => {
      const known = await lookUpBeforeStoring(trx, school.id, manifest.jti, manifest.applicant.ecfmg_id, header.kid);
      if (known.earlierSubmissionId !== undefined) {
        const earlier = await findDocument(trx, known.earlierSubmissionId);
        if (earlier) return sameSubmission(earlier, file);
      }
      // Revoked while this submission was being checked: refused as if it had been revoked before.
      if (known.keyStatus !== 'active')
        throw problem('key_revoked', `Key ${header.kid} has been revoked; sign with an active key.`);
      const row = await store(
        trx,
        submission,
        manifest,
        known,
        header.kid,
        { sub: caller.sub, role: caller.role },
        now,
      );
      return { document: { ...row, school: schoolSummary }, created: true };
    });
  } catch (error) {
    // Two identical submissions raced: the loser answers like a resubmission.
    if (
      (error as { code?: string; constraint?: string }).code === UNIQUE_VIOLATION &&
      (error as { constraint?: string }).constraint === 'documents_submission_once'
    ) {
      const winner = await findBySubmission(db, school.id, manifest.jti);
      if (winner) return sameSubmission(winner, file);
    }
    throw error;
  }
}

async function store(
  trx: Transaction<DB>,
  submission: Submission,
  manifest: Manifest,
  { applicant }: BeforeStoring,
  kid: string,
  actor: Actor,
  now: Date,
): Promise<DocumentRow> {
  const { school, file } = submission;
  const replaced = manifest.supersedes === undefined ? undefined : await replaceable(trx, school.id, manifest);
  const letter =
    manifest.letter_id === undefined
      ? undefined
      : await answerableLetter(trx, manifest, school.id, applicant?.id, replaced);

  const status = matchStatus(applicant, manifest.applicant);
  const embargo =
    manifest.document.type === 'mspe' && submission.mspeReleaseAt !== undefined && submission.mspeReleaseAt > now
      ? submission.mspeReleaseAt
      : now;
  const values: Insertable<DocumentsTable> = {
    type: manifest.document.type,
    status,
    status_reason: status === 'needs_review' ? 'identity_mismatch' : null,
    school_id: school.id,
    applicant_id: applicant?.id ?? null,
    ecfmg_id: manifest.applicant.ecfmg_id,
    given_name: manifest.applicant.given_name,
    family_name: manifest.applicant.family_name,
    date_of_birth: manifest.applicant.date_of_birth,
    sha256: file.sha256,
    size: file.size,
    media_type: manifest.document.media_type,
    submission_id: manifest.jti,
    key_id: kid,
    signed_at: new Date(manifest.iat * 1000),
    manifest: submission.manifest,
    manifest_sha256: sha256Hex(submission.manifest),
    letter_id: manifest.letter_id ?? null,
    supersedes: replaced?.id ?? null,
    available_at: embargo,
    created_at: now,
    updated_at: now,
  };
  const inserted = await insertDocument(trx, values, file.chunks());
  const { id } = inserted;
  if (letter) await markReceived(trx, letter, id);
  // The programs that held the original hear that it is superseded, and keep it until the
  // replacement is verified: at once when its identity matches, else when an operator accepts it.
  let releasedTo: string[] = [];
  if (replaced) {
    await changeStatus(trx, replaced, {
      to: 'superseded',
      statusReason: 'replaced_by_school',
      reason: `replaced by ${id}`,
      actor,
      set: { superseded_by: id },
    });
    if (status === 'verified') releasedTo = await moveReleasesToReplacement(trx, id);
  }
  // A new document is released to no program, unless it has just taken over its original's releases.
  await recordStatus(
    trx,
    { id, school_id: school.id, type: manifest.document.type, supersedes: replaced?.id ?? null },
    null,
    { to: status, reason: 'submitted', actor },
    releasedTo,
  );
  return inserted;
}

/** The document a replacement names: the same school's, about the same applicant, of the same type, still current. */
async function replaceable(trx: Transaction<DB>, schoolId: string, manifest: Manifest): Promise<DocumentWithSchool> {
  const target = manifest.supersedes === undefined ? undefined : await lockDocument(trx, manifest.supersedes);
  // One answer for "no such document" and "another school's": a school cannot probe others' ids.
  if (!target || target.school_id !== schoolId)
    throw problem('supersede_invalid', 'supersedes does not name a document of your school.');
  if (target.ecfmg_id !== manifest.applicant.ecfmg_id)
    throw problem('supersede_invalid', 'A replacement must be about the same applicant (ECFMG ID).');
  if (target.type !== manifest.document.type)
    throw problem('supersede_invalid', `A replacement must be of the same type (${target.type}).`);
  if (!canMove(target.status, 'superseded'))
    throw problem('supersede_invalid', `A ${target.status} document cannot be replaced.`);
  return target;
}

/**
 * A letter must answer an open request of the applicant it is about, made to the school sending it;
 * a replacement letter answers the same request as the letter it replaces. One answer for an unknown
 * id, another applicant's and another school's, so a school cannot probe others' letter ids.
 */
async function answerableLetter(
  trx: Transaction<DB>,
  manifest: Manifest,
  schoolId: string,
  applicantId: string | undefined,
  replaced: DocumentWithSchool | undefined,
): Promise<string> {
  const request = manifest.letter_id === undefined ? undefined : await lockLetterRequest(trx, manifest.letter_id);
  if (!request || applicantId === undefined || request.applicant_id !== applicantId || request.school_id !== schoolId) {
    throw problem('letter_invalid', 'letter_id is not a letter request of this applicant made to your school.');
  }
  const reusedByReplacement = replaced !== undefined && replaced.letter_id === request.id;
  if (request.status !== 'requested' && !reusedByReplacement) {
    throw problem('letter_invalid', 'This letter request has already been answered.');
  }
  return request.id;
}

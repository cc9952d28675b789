import type { Kysely } from 'kysely';
import { applicantVisibleTo } from '../applicants/service.js';
import type { PrincipalOf } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import type { PageRequest } from '../db/pagination.js';
import type { DB } from '../db/types.js';
import { notFound, problem } from '../http/problem.js';
import { findProgram } from '../programs/repository.js';
import { enqueueEvent } from '../webhooks/outbox.js';
import { insertRelease, listApplicantReleases, lockReleasable, lockRelease, markWithdrawn } from './repository.js';
import type { ReleaseWithProgram } from './tables.js';

export type ReleaseStatus = 'active' | 'withdrawn';

export interface NewRelease {
  document_id: string;
  program_id: string;
}

/**
 * An applicant lets a program see one of their own verified documents. The release, and the
 * release.created event for the document's school and the program, commit together or not at all.
 */
export async function releaseDocument(
  db: Kysely<DB>,
  caller: PrincipalOf<'applicant'>,
  applicantId: string,
  input: NewRelease,
): Promise<ReleaseWithProgram> {
  if (caller.applicant_id !== applicantId) throw notFound('applicant');
  return db.transaction().execute(async (trx) => {
    const doc = await lockReleasable(trx, input.document_id);
    // One answer for "no such document" and "someone else's": an applicant cannot probe others' ids.
    if (!doc || doc.applicant_id !== applicantId) {
      throw problem('document_not_releasable', 'document_id does not name a document about you.');
    }
    if (doc.status !== 'verified') {
      throw problem('document_not_releasable', `Only verified documents can be released; this one is ${doc.status}.`);
    }
    const program = await findProgram(trx, input.program_id);
    if (!program) throw problem('program_unknown', `No program has the id ${input.program_id}.`);
    const release = await insertRelease(trx, {
      applicant_id: applicantId,
      document_id: doc.id,
      program_id: input.program_id,
      created_by: caller.sub,
    });
    if (!release)
      throw problem(
        'release_exists',
        'This document is already released to this program; withdraw that release first to make a new one.',
      );
    await enqueueEvent(trx, {
      type: 'release.created',
      data: {
        release_id: release.id,
        document_id: release.document_id,
        program_id: release.program_id,
        applicant_id: applicantId,
      },
      audience: { school_id: doc.school_id, program_ids: [release.program_id] },
    });
    return { ...release, program_acgme_id: program.acgme_id, program_name: program.name };
  });
}

/**
 * Ends a program's access from now on. Disclosures already made stay on record. Withdrawing a
 * withdrawn release answers with it as it is, so a retried DELETE is harmless and sends no second event.
 */
export async function withdrawRelease(
  db: Kysely<DB>,
  caller: PrincipalOf<'applicant'>,
  id: string,
): Promise<ReleaseWithProgram> {
  return db.transaction().execute(async (trx) => {
    const found = await lockRelease(trx, id);
    if (!found || found.applicant_id !== caller.applicant_id) throw notFound('release');
    const { school_id: schoolId, program_acgme_id, program_name, ...release } = found;
    const program = { program_acgme_id, program_name };
    if (release.withdrawn_at !== null) return { ...release, ...program };
    const withdrawn = await markWithdrawn(trx, release.id, caller.sub);
    await enqueueEvent(trx, {
      type: 'release.withdrawn',
      data: {
        release_id: withdrawn.id,
        document_id: withdrawn.document_id,
        program_id: withdrawn.program_id,
        applicant_id: withdrawn.applicant_id,
      },
      audience: { school_id: schoolId, program_ids: [withdrawn.program_id] },
    });
    return { ...withdrawn, ...program };
  });
}

/** An applicant's releases, active and withdrawn (or one of the two), for an operator or that applicant. */
export async function releasesOf(
  db: Executor,
  caller: PrincipalOf<'admin' | 'applicant'>,
  applicantId: string,
  status: ReleaseStatus | undefined,
  { after, limit }: PageRequest,
): Promise<ReleaseWithProgram[]> {
  const applicant = await applicantVisibleTo(db, caller, applicantId);
  return listApplicantReleases(
    db,
    applicant.id,
    { active: status === undefined ? undefined : status === 'active' },
    limit,
    after,
  );
}

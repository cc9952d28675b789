import type { Executor } from '../db/database.js';

export interface SignInEntity {
  id: string;
  label: string;
}

/** What the development sign-in page offers for each role: the registered entities, newest first. */
export interface SignInEntities {
  school: SignInEntity[];
  applicant: SignInEntity[];
  program: SignInEntity[];
}

const shown = 200;

export async function signInEntities(db: Executor): Promise<SignInEntities> {
  const [schools, applicants, programs] = await Promise.all([
    db
      .selectFrom('schools')
      .select(['id', 'name', 'wdoms_id', 'status'])
      .orderBy('created_at', 'desc')
      .limit(shown)
      .execute(),
    db
      .selectFrom('applicants')
      .select(['id', 'given_name', 'family_name', 'ecfmg_id'])
      .orderBy('created_at', 'desc')
      .limit(shown)
      .execute(),
    db.selectFrom('programs').select(['id', 'name', 'acgme_id']).orderBy('created_at', 'desc').limit(shown).execute(),
  ]);
  return {
    school: schools.map((s) => ({ id: s.id, label: `${s.name} (${s.wdoms_id}, ${s.status})` })),
    applicant: applicants.map((a) => ({ id: a.id, label: `${a.given_name} ${a.family_name} (${a.ecfmg_id})` })),
    program: programs.map((p) => ({ id: p.id, label: `${p.name} (${p.acgme_id})` })),
  };
}

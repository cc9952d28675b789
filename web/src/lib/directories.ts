import type { Choice } from '../directory-search';
import { api, type Page } from './api';

/** A program in the directory, as GET /v1/programs?q= lists it. */
export interface DirectoryProgram {
  id: string;
  acgme_id: string;
  name: string;
  specialty: string;
}

/** Programs whose name, specialty or ACGME ID match what was typed: the first page is enough to choose from. */
export async function findPrograms(query: string): Promise<Choice[]> {
  const page = await api<Page<DirectoryProgram>>(
    'GET',
    `/v1/programs?${new URLSearchParams({ q: query, limit: '20' })}`,
  );
  return page.items.map((p) => ({ id: p.id, label: `${p.name}, ${p.specialty} (ACGME ${p.acgme_id})` }));
}

/** An active school in the directory, as GET /v1/schools/directory?q= lists it. */
export interface DirectorySchool {
  id: string;
  wdoms_id: string;
  name: string;
  country: string;
}

/** Active schools whose name or World Directory id match what was typed. */
export async function findSchools(query: string): Promise<Choice[]> {
  const page = await api<Page<DirectorySchool>>(
    'GET',
    `/v1/schools/directory?${new URLSearchParams({ q: query, limit: '20' })}`,
  );
  return page.items.map((s) => ({ id: s.id, label: `${s.name}, ${s.country} (World Directory ${s.wdoms_id})` }));
}

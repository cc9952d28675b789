import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { Loading, Notice } from './components';
import { api, type Me } from './lib/api';
import type { Applicant } from './lib/applicant-types';
import { useLoad } from './lib/use-load';

const ApplicantContext = createContext<Applicant | null>(null);

/** Every applicant page needs the signed-in applicant: loaded once, from /v1/me and their record. */
export function ApplicantScope(props: { children: ComponentChildren }) {
  const { data, error } = useLoad(async () => {
    const me = await api<Me>('GET', '/v1/me');
    if (me.role !== 'applicant' || me.applicant_id === undefined) return null;
    return api<Applicant>('GET', `/v1/applicants/${me.applicant_id}`);
  }, []);
  if (data === null)
    return <Notice kind="error">These pages are for applicants. You are signed in with another role.</Notice>;
  if (data === undefined) return <Loading error={error} what="your record" />;
  return <ApplicantContext.Provider value={data}>{props.children}</ApplicantContext.Provider>;
}

export function useApplicant(): Applicant {
  const value = useContext(ApplicantContext);
  if (value === null) throw new Error('useApplicant outside ApplicantScope');
  return value;
}

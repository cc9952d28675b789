import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { api, type Me } from './lib/api';
import { useLoad } from './lib/use-load';
import { Loading, Notice } from './components';

export interface School {
  id: string;
  wdoms_id: string;
  name: string;
  country: string;
  contact_email: string;
  status: 'pending' | 'active' | 'suspended';
  status_reason: string | null;
}

const SchoolContext = createContext<{ school: School; reload: () => void } | null>(null);

/** Every school page needs the officer's school: it is loaded once, from /v1/me and the school itself. */
export function SchoolScope(props: { children: ComponentChildren }) {
  const { data, error, reload } = useLoad(async () => {
    const me = await api<Me>('GET', '/v1/me');
    if (me.role !== 'school' || me.school_id === undefined) return null;
    return api<School>('GET', `/v1/schools/${me.school_id}`);
  }, []);
  if (data === null)
    return <Notice kind="error">These pages are for school officers. You are signed in with another role.</Notice>;
  if (data === undefined) return <Loading error={error} what="your school" />;
  return <SchoolContext.Provider value={{ school: data, reload }}>{props.children}</SchoolContext.Provider>;
}

export function useSchool() {
  const value = useContext(SchoolContext);
  if (value === null) throw new Error('useSchool outside SchoolScope');
  return value;
}

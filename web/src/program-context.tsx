import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { api, type Me } from './lib/api';
import { useLoad } from './lib/use-load';
import { Loading, Notice } from './components';

export interface Program {
  id: string;
  acgme_id: string;
  name: string;
  specialty: string;
}

const ProgramContext = createContext<Program | null>(null);

/** Every program page needs the signed-in staff member's program: loaded once, from /v1/me and the program. */
export function ProgramScope(props: { children: ComponentChildren }) {
  const { data, error } = useLoad(async () => {
    const me = await api<Me>('GET', '/v1/me');
    if (me.role !== 'program' || me.program_id === undefined) return null;
    return api<Program>('GET', `/v1/programs/${me.program_id}`);
  }, []);
  if (data === null)
    return (
      <Notice kind="error">These pages are for residency program staff. You are signed in with another role.</Notice>
    );
  if (data === undefined) return <Loading error={error} what="your program" />;
  return <ProgramContext.Provider value={data}>{props.children}</ProgramContext.Provider>;
}

export function useProgram(): Program {
  const value = useContext(ProgramContext);
  if (value === null) throw new Error('useProgram outside ProgramScope');
  return value;
}

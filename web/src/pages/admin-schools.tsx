import { useEffect, useState } from 'preact/hooks';
import { Field, Loading } from '../components';
import { api, type Page } from '../lib/api';
import { useLoad } from '../lib/use-load';
import { when } from '../lib/words';
import type { School } from '../school-context';

const text = {
  title: 'Schools',
  intro:
    'Schools start pending. Check a school against the World Directory, then activate it; suspend it with a reason.',
  caption: 'Registered schools, oldest first',
  waiting: (n: number) =>
    n === 1 ? '1 school is waiting for vetting on this page.' : `${n} schools are waiting for vetting on this page.`,
  none: 'No schools are registered yet.',
  status: { pending: 'Waiting for vetting', active: 'Active', suspended: 'Suspended' } as Record<string, string>,
  filter: 'Filter schools',
  show: 'Status',
  anyStatus: 'Any status',
  noneWith: (status: string) => `No school is ${status.toLowerCase()}.`,
  previous: 'Previous page',
  next: 'Next page',
};

export interface AdminSchool extends School {
  created_at: string;
}

export function AdminSchoolsPage() {
  // '' is every school; otherwise the one status GET /v1/schools?status= lists.
  const [status, setStatus] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const { data, error } = useLoad(() => {
    const query = new URLSearchParams({ limit: '50' });
    if (status !== '') query.set('status', status);
    if (cursor) query.set('cursor', cursor);
    return api<Page<AdminSchool>>('GET', `/v1/schools?${query.toString()}`);
  }, [status, cursor]);
  useEffect(() => {
    document.title = `${text.title} · EMSWP portal`;
  }, []);
  const waiting = data?.items.filter((s) => s.status === 'pending').length ?? 0;
  return (
    <section>
      <h1>{text.title}</h1>
      <p>{text.intro}</p>
      <form class="filters" aria-label={text.filter} onSubmit={(e) => e.preventDefault()}>
        <Field id="schools-status" label={text.show}>
          <select
            id="schools-status"
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value);
              setCursors([null]);
            }}
          >
            <option value="">{text.anyStatus}</option>
            {Object.entries(text.status).map(([value, words]) => (
              <option value={value}>{words}</option>
            ))}
          </select>
        </Field>
      </form>
      {data === undefined ? (
        <Loading error={error} what="schools" />
      ) : data.items.length === 0 ? (
        <p role="status">{status === '' ? text.none : text.noneWith(text.status[status] ?? status)}</p>
      ) : (
        <>
          <p role="status">{text.waiting(waiting)}</p>
          <table>
            <caption class="visually-hidden">{text.caption}</caption>
            <thead>
              <tr>
                <th scope="col">School</th>
                <th scope="col">World Directory id</th>
                <th scope="col">Country</th>
                <th scope="col">Status</th>
                <th scope="col">Registered</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((s) => (
                <tr key={s.id}>
                  <td>
                    <a href={`/admin/schools/${s.id}`}>{s.name}</a>
                  </td>
                  <td>{s.wdoms_id}</td>
                  <td>{s.country}</td>
                  <td>{text.status[s.status] ?? s.status}</td>
                  <td>{when(s.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <nav aria-label="Pages" class="pager">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {text.previous}
        </button>
        <button
          type="button"
          disabled={!data?.next_cursor}
          onClick={() => data?.next_cursor && setCursors([...cursors, data.next_cursor])}
        >
          {text.next}
        </button>
      </nav>
    </section>
  );
}

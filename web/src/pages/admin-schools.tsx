import { useEffect, useState } from 'preact/hooks';
import { Loading } from '../components';
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
  previous: 'Previous page',
  next: 'Next page',
};

export interface AdminSchool extends School {
  created_at: string;
}

export function AdminSchoolsPage() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const { data, error } = useLoad(
    () => api<Page<AdminSchool>>('GET', `/v1/schools?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
    [cursor],
  );
  useEffect(() => {
    document.title = `${text.title} · EMSWP portal`;
  }, []);
  const waiting = data?.items.filter((s) => s.status === 'pending').length ?? 0;
  return (
    <section>
      <h1>{text.title}</h1>
      <p>{text.intro}</p>
      {data === undefined ? (
        <Loading error={error} what="schools" />
      ) : data.items.length === 0 ? (
        <p role="status">{text.none}</p>
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

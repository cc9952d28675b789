import { useEffect, useState } from 'preact/hooks';
import { Field } from '../components';
import { api, type Page } from '../lib/api';
import { usePageByPage } from '../lib/use-page-by-page';
import { when } from '../lib/words';
import { PageByPage } from '../page-by-page';
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
};

export interface AdminSchool extends School {
  created_at: string;
}

export function AdminSchoolsPage() {
  // '' is every school; otherwise the one status GET /v1/schools?status= lists.
  const [status, setStatus] = useState('');
  const schools = usePageByPage(
    (cursor) => {
      const query = new URLSearchParams({ limit: '50' });
      if (status !== '') query.set('status', status);
      if (cursor) query.set('cursor', cursor);
      return api<Page<AdminSchool>>('GET', `/v1/schools?${query.toString()}`);
    },
    [status],
  );
  useEffect(() => {
    document.title = `${text.title} · EMSWP portal`;
  }, []);
  const waiting = schools.data?.items.filter((s) => s.status === 'pending').length ?? 0;
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
              schools.restart();
            }}
          >
            <option value="">{text.anyStatus}</option>
            {Object.entries(text.status).map(([value, words]) => (
              <option value={value}>{words}</option>
            ))}
          </select>
        </Field>
      </form>
      <PageByPage
        pages={schools}
        what="schools"
        none={status === '' ? text.none : text.noneWith(text.status[status] ?? status)}
      >
        {(items) => (
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
                {items.map((s) => (
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
      </PageByPage>
    </section>
  );
}

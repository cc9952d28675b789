import { useEffect, useState } from 'preact/hooks';
import { Field, Loading } from '../components';
import { api, type Page } from '../lib/api';
import { useLoad } from '../lib/use-load';
import { documentStatusShort, documentTypeWords, when } from '../lib/words';
import type { DocumentView } from '../lib/documents';

interface Filters {
  type: string;
  status: string;
  ecfmg_id: string;
}

const pageSize = 20;

export function SchoolDocumentsPage() {
  const [draft, setDraft] = useState<Filters>({ type: '', status: '', ecfmg_id: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  // Cursors of the pages seen so far, so "Previous" can go back.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const { data, error } = useLoad(() => {
    const query = new URLSearchParams({ limit: String(pageSize) });
    for (const [name, value] of Object.entries(filters)) if (value !== '') query.set(name, value.trim());
    if (cursor) query.set('cursor', cursor);
    return api<Page<DocumentView>>('GET', `/v1/documents?${query.toString()}`);
  }, [filters, cursor]);
  useEffect(() => {
    document.title = 'Documents · EMSWP portal';
  }, []);
  const apply = (event: Event) => {
    event.preventDefault();
    setFilters(draft);
    setCursors([null]);
  };
  return (
    <section>
      <h1>Documents</h1>
      <form class="filters" onSubmit={apply} aria-label="Filter documents">
        <Field id="filter-type" label="Type">
          <select
            id="filter-type"
            value={draft.type}
            onChange={(e) => setDraft({ ...draft, type: e.currentTarget.value })}
          >
            <option value="">Any</option>
            {Object.entries(documentTypeWords).map(([value, words]) => (
              <option value={value}>{words}</option>
            ))}
          </select>
        </Field>
        <Field id="filter-status" label="Status">
          <select
            id="filter-status"
            value={draft.status}
            onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}
          >
            <option value="">Any</option>
            {Object.entries(documentStatusShort).map(([value, words]) => (
              <option value={value}>{words}</option>
            ))}
          </select>
        </Field>
        <Field id="filter-ecfmg" label="ECFMG ID">
          <input
            id="filter-ecfmg"
            value={draft.ecfmg_id}
            inputMode="numeric"
            onInput={(e) => setDraft({ ...draft, ecfmg_id: e.currentTarget.value })}
          />
        </Field>
        <button type="submit">Show</button>
      </form>
      {data === undefined ? (
        <Loading error={error} what="documents" />
      ) : data.items.length === 0 ? (
        <p role="status">No documents match.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Your school's documents</caption>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">ECFMG ID</th>
              <th scope="col">Status</th>
              <th scope="col">Received</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((d) => (
              <tr key={d.id}>
                <td>
                  <a href={`/school/documents/${d.id}`}>{documentTypeWords[d.type] ?? d.type}</a>
                </td>
                <td>{d.ecfmg_id}</td>
                <td>{documentStatusShort[d.status] ?? d.status}</td>
                <td>{when(d.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav aria-label="Pages" class="pager">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button
          type="button"
          disabled={!data?.next_cursor}
          onClick={() => data?.next_cursor && setCursors([...cursors, data.next_cursor])}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}

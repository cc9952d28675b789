import { useEffect, useState } from 'preact/hooks';
import { Field } from '../components';
import { api, type Page } from '../lib/api';
import { usePageByPage } from '../lib/use-page-by-page';
import { documentStatusShort, documentTypeWords, when } from '../lib/words';
import type { DocumentView } from '../lib/documents';
import { PageByPage } from '../page-by-page';

interface Filters {
  type: string;
  status: string;
  ecfmg_id: string;
}

const pageSize = 20;

export function SchoolDocumentsPage() {
  const [draft, setDraft] = useState<Filters>({ type: '', status: '', ecfmg_id: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const documents = usePageByPage(
    (cursor) => {
      const query = new URLSearchParams({ limit: String(pageSize) });
      for (const [name, value] of Object.entries(filters)) if (value !== '') query.set(name, value.trim());
      if (cursor) query.set('cursor', cursor);
      return api<Page<DocumentView>>('GET', `/v1/documents?${query.toString()}`);
    },
    [filters],
  );
  useEffect(() => {
    document.title = 'Documents · EMSWP portal';
  }, []);
  const apply = (event: Event) => {
    event.preventDefault();
    setFilters(draft);
    documents.restart();
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
      <PageByPage pages={documents} what="documents" none="No documents match.">
        {(items) => (
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
              {items.map((d) => (
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
      </PageByPage>
    </section>
  );
}

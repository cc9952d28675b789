import { useState } from 'preact/hooks';
import { ecfmgIdPattern } from '../../../src/facts/identifiers';
import { Field, describedBy } from '../components';
import { api, type Page } from '../lib/api';
import { embargoed, type DocumentView } from '../lib/documents';
import { usePageByPage } from '../lib/use-page-by-page';
import { documentStatusShort, documentTypeWords, when } from '../lib/words';
import { PageByPage } from '../page-by-page';

const text = {
  filters: 'Filter documents',
  ecfmgId: "Applicant's ECFMG ID",
  ecfmgIdWrong: 'An ECFMG ID is 8 digits, like 23456789.',
  type: 'Type',
  status: 'Status',
  any: 'Any',
  since: 'Released or changed since',
  sinceHint: 'Documents released to your program, or whose status changed, on or after this day.',
  show: 'Show',
  loading: 'documents',
  none: 'No released documents match.',
  caption: 'Documents released to your program',
  applicant: 'Applicant (ECFMG ID)',
  document: 'Document',
  school: 'School',
  content: 'PDF',
  changed: 'Changed',
  available: 'Available',
  embargoedUntil: (date: string) => `Embargoed until ${date}`,
};

/** What a program can hold: a release is only ever made of a verified document, which may later be replaced or revoked. */
const programStatuses = ['verified', 'superseded', 'revoked'];

interface Filters {
  ecfmg_id: string;
  type: string;
  status: string;
  since: string;
}

const pageSize = 20;
const ecfmgId = new RegExp(ecfmgIdPattern);

/** The query of GET /v1/programs/{id}/documents for these filters; the day is the reader's own midnight. */
function queryOf(filters: Filters, applicantId: string | undefined, cursor: string | null): string {
  const query = new URLSearchParams({ limit: String(pageSize) });
  if (applicantId) query.set('applicant_id', applicantId);
  if (filters.ecfmg_id.trim()) query.set('ecfmg_id', filters.ecfmg_id.trim());
  if (filters.type) query.set('type', filters.type);
  if (filters.status) query.set('status', filters.status);
  if (filters.since) query.set('updated_since', new Date(`${filters.since}T00:00:00`).toISOString());
  if (cursor) query.set('cursor', cursor);
  return query.toString();
}

/** The documents released to the program now, with filters and paging; narrowed to one applicant on their page. */
export function ReleasedDocuments(props: { programId: string; applicantId?: string }) {
  const empty: Filters = { ecfmg_id: '', type: '', status: '', since: '' };
  const [draft, setDraft] = useState<Filters>(empty);
  const [filters, setFilters] = useState<Filters>(empty);
  const [ecfmgError, setEcfmgError] = useState<string>();
  const documents = usePageByPage(
    (cursor) =>
      api<Page<DocumentView>>(
        'GET',
        `/v1/programs/${props.programId}/documents?${queryOf(filters, props.applicantId, cursor)}`,
      ),
    [props.programId, props.applicantId, filters],
  );
  const apply = (event: Event) => {
    event.preventDefault();
    if (draft.ecfmg_id.trim() !== '' && !ecfmgId.test(draft.ecfmg_id.trim())) return setEcfmgError(text.ecfmgIdWrong);
    setEcfmgError(undefined);
    setFilters(draft);
    documents.restart();
  };
  return (
    <>
      <form class="filters" onSubmit={apply} aria-label={text.filters} noValidate>
        {props.applicantId === undefined && (
          <Field id="filter-ecfmg" label={text.ecfmgId} error={ecfmgError}>
            <input
              {...describedBy('filter-ecfmg', ecfmgError)}
              value={draft.ecfmg_id}
              inputMode="numeric"
              onInput={(e) => setDraft({ ...draft, ecfmg_id: e.currentTarget.value })}
            />
          </Field>
        )}
        <Field id="filter-type" label={text.type}>
          <select
            id="filter-type"
            value={draft.type}
            onChange={(e) => setDraft({ ...draft, type: e.currentTarget.value })}
          >
            <option value="">{text.any}</option>
            {Object.entries(documentTypeWords).map(([value, words]) => (
              <option value={value}>{words}</option>
            ))}
          </select>
        </Field>
        <Field id="filter-status" label={text.status}>
          <select
            id="filter-status"
            value={draft.status}
            onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}
          >
            <option value="">{text.any}</option>
            {programStatuses.map((value) => (
              <option value={value}>{documentStatusShort[value] ?? value}</option>
            ))}
          </select>
        </Field>
        <Field id="filter-since" label={text.since} hint={text.sinceHint}>
          <input
            {...describedBy('filter-since', undefined, true)}
            type="date"
            value={draft.since}
            onInput={(e) => setDraft({ ...draft, since: e.currentTarget.value })}
          />
        </Field>
        <button type="submit">{text.show}</button>
      </form>
      <PageByPage pages={documents} what={text.loading} none={text.none}>
        {(items) => (
          <table>
            <caption class="visually-hidden">{text.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{text.document}</th>
                {props.applicantId === undefined && <th scope="col">{text.applicant}</th>}
                <th scope="col">{text.school}</th>
                <th scope="col">{text.status}</th>
                <th scope="col">{text.content}</th>
                <th scope="col">{text.changed}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <td>
                    <a href={`/program/documents/${d.id}`}>{documentTypeWords[d.type] ?? d.type}</a>
                  </td>
                  {props.applicantId === undefined && (
                    <td>
                      {d.applicant_id ? <a href={`/program/applicants/${d.applicant_id}`}>{d.ecfmg_id}</a> : d.ecfmg_id}
                    </td>
                  )}
                  <td>{d.school.name}</td>
                  <td>{documentStatusShort[d.status] ?? d.status}</td>
                  <td>{embargoed(d) ? text.embargoedUntil(when(d.available_at)) : text.available}</td>
                  <td>{when(d.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PageByPage>
    </>
  );
}

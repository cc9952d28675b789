import { useEffect, useState } from 'preact/hooks';
import { Field, Loading, Notice, describedBy } from '../components';
import { api } from '../lib/api';
import { fieldErrors } from '../lib/field-errors';
import { useLoad } from '../lib/use-load';
import { usePaged } from '../lib/use-paged';
import { documentTypeWords, when } from '../lib/words';
import type { DocumentView } from '../lib/documents';

/** A document as an operator lists it: with the school that sent it. */
type QueuedDocument = DocumentView & { school: { name: string } };

const text = {
  title: 'Review queue',
  intro:
    'These documents were signed correctly, but the names or date of birth in them differ from the applicant registered with their ECFMG ID. Compare, then accept the document as theirs or reject it, with a note.',
  empty: 'No documents are waiting for review.',
  waiting: (n: number, more: boolean) =>
    `${n}${more ? '+' : ''} ${n === 1 ? 'document is' : 'documents are'} waiting for review.`,
  heading: (type: string, school: string) => `${type} from ${school}`,
  received: (at: string) => `Received ${at}`,
  compare: 'Who the document names, beside who is registered',
  field: 'Field',
  inDocument: 'In the signed document',
  registered: 'Registered applicant',
  noApplicant: 'No applicant is registered with this ECFMG ID.',
  differs: 'differs',
  fields: {
    ecfmg_id: 'ECFMG ID',
    given_name: 'Given name',
    family_name: 'Family name',
    date_of_birth: 'Date of birth',
  },
  note: 'Note',
  noteHint: 'Why you decided so: kept in the document history.',
  noteNeeded: 'Write a note before you decide.',
  accept: 'Accept as this applicant’s',
  reject: 'Reject',
  accepted: (type: string) => `Accepted: the ${type.toLowerCase()} is now verified.`,
  rejected: (type: string) => `Rejected: the ${type.toLowerCase()} is not counted as the applicant’s.`,
  comparison: 'the comparison',
  more: 'Show more documents',
};

/** A page of the queue at a time: each document shown costs its own identity-check read. */
const pageSize = 20;

type Identity = Record<keyof typeof text.fields, string>;

interface IdentityCheck {
  document: QueuedDocument;
  manifest: Identity;
  registered: (Identity & { id: string }) | null;
}

function ReviewItem(props: { check: IdentityCheck; onDecided: (message: string) => void }) {
  const { document: doc, manifest, registered } = props.check;
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const id = `review-${doc.id.slice(0, 8)}`;
  const type = documentTypeWords[doc.type] ?? doc.type;
  const decide = async (decision: 'accept' | 'reject') => {
    if (note.trim() === '') return setErrors({ note: text.noteNeeded });
    setErrors({});
    setBusy(true);
    try {
      await api('POST', `/v1/documents/${doc.id}/review`, { decision, note: note.trim() });
      props.onDecided(decision === 'accept' ? text.accepted(type) : text.rejected(type));
    } catch (failure) {
      setErrors(fieldErrors(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <article class="review-item" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{text.heading(type, doc.school.name)}</h2>
      <p>{text.received(when(doc.created_at))}</p>
      <table>
        <caption>{text.compare}</caption>
        <thead>
          <tr>
            <th scope="col">{text.field}</th>
            <th scope="col">{text.inDocument}</th>
            <th scope="col">{text.registered}</th>
          </tr>
        </thead>
        <tbody>
          {(Object.keys(text.fields) as (keyof Identity)[]).map((field) => {
            const differs = registered !== null && registered[field] !== manifest[field];
            return (
              <tr key={field} class={differs ? 'differs' : undefined}>
                <th scope="row">{text.fields[field]}</th>
                <td>
                  {manifest[field]}
                  {differs && <strong class="tag"> ({text.differs})</strong>}
                </td>
                <td>{registered === null ? '' : registered[field]}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {registered === null && <p>{text.noApplicant}</p>}
      <form onSubmit={(e) => e.preventDefault()} aria-label={text.heading(type, doc.school.name)}>
        <Field id={`${id}-note`} label={text.note} hint={text.noteHint} error={errors['note']}>
          <textarea
            value={note}
            maxLength={2000}
            onInput={(e) => setNote(e.currentTarget.value)}
            {...describedBy(`${id}-note`, errors['note'], true)}
          />
        </Field>
        <div class="actions">
          <button type="button" disabled={busy} onClick={() => void decide('accept')}>
            {text.accept}
          </button>
          <button type="button" disabled={busy} onClick={() => void decide('reject')}>
            {text.reject}
          </button>
        </div>
        {errors['form'] && <Notice kind="error">{errors['form']}</Notice>}
      </form>
    </article>
  );
}

/** One queued document, its identity check read once it is shown. */
function QueuedItem(props: { document: QueuedDocument; onDecided: (message: string) => void }) {
  const { data, error } = useLoad(
    () => api<IdentityCheck>('GET', `/v1/documents/${props.document.id}/identity-check`),
    [props.document.id],
  );
  if (data === undefined) return <Loading error={error} what={text.comparison} />;
  return <ReviewItem check={data} onDecided={props.onDecided} />;
}

export function AdminReviewPage() {
  const [message, setMessage] = useState<string>();
  const { items, error, hasMore, more, reload, drop } = usePaged<QueuedDocument>(
    '/v1/documents?status=needs_review',
    pageSize,
  );
  useEffect(() => {
    document.title = `${text.title} · EMSWP portal`;
  }, []);
  return (
    <section>
      <h1>{text.title}</h1>
      <p>{text.intro}</p>
      {message && <Notice kind="success">{message}</Notice>}
      {items === undefined ? (
        <Loading error={error} what="the review queue" />
      ) : items.length === 0 ? (
        <p role="status">{text.empty}</p>
      ) : (
        <>
          <p role="status">{text.waiting(items.length, hasMore)}</p>
          {items.map((queued) => (
            <QueuedItem
              key={queued.id}
              document={queued}
              onDecided={(decided) => {
                setMessage(decided);
                // The last one shown may have more behind it: then the queue is read again from its start.
                if (items.length === 1) reload();
                else drop((d) => d.id === queued.id);
              }}
            />
          ))}
          {hasMore && (
            <button type="button" onClick={() => void more()}>
              {text.more}
            </button>
          )}
        </>
      )}
    </section>
  );
}

import { useEffect } from 'preact/hooks';
import { useSchool } from '../school-context';
import { schoolStatusWords } from '../lib/words';

export function SchoolOverviewPage() {
  const { school } = useSchool();
  useEffect(() => {
    document.title = `${school.name} · EMSWP portal`;
  }, [school.name]);
  return (
    <section>
      <h1>{school.name}</h1>
      <dl class="facts">
        <dt>World Directory id</dt>
        <dd>{school.wdoms_id}</dd>
        <dt>Country</dt>
        <dd>{school.country}</dd>
        <dt>Contact</dt>
        <dd>{school.contact_email}</dd>
        <dt>Status</dt>
        <dd>
          <strong>{schoolStatusWords[school.status] ?? school.status}</strong>
          {school.status_reason && <> ({school.status_reason})</>}
        </dd>
      </dl>
      <h2>What to do here</h2>
      <ol>
        <li>
          <a href="/school/keys">Make or load a signing key</a>: documents are signed in your browser with it.
        </li>
        <li>
          <a href="/school/submit">Submit a document</a>: an MSPE, a transcript or a letter.
        </li>
        <li>
          <a href="/school/documents">See your documents</a> and their status, correct or revoke them.
        </li>
        <li>
          <a href="/school/webhooks">Webhooks</a>: let your own system hear when a status changes.
        </li>
      </ol>
    </section>
  );
}

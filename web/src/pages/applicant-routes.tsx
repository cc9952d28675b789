import { Route, Router } from 'preact-iso';
import { ApplicantScope } from '../applicant-context';
import { Notice } from '../components';
import { signIn, useSession } from '../lib/auth';
import { ApplicantDisclosuresPage } from './applicant-disclosures';
import { ApplicantDocumentPage } from './applicant-document';
import { ApplicantDocumentsPage } from './applicant-documents';
import { ApplicantLettersPage } from './applicant-letters';
import { ApplicantReleasesPage } from './applicant-releases';
import { NotFoundPage } from './not-found';

export function ApplicantRoutes() {
  const session = useSession();
  if (!session.ready) return <p role="status">Loading…</p>;
  if (!session.user) {
    return (
      <section>
        <h1>Sign in</h1>
        <Notice kind="info">Sign in as an applicant to see your documents.</Notice>
        <button type="button" onClick={() => void signIn(window.location.pathname + window.location.search)}>
          Sign in
        </button>
      </section>
    );
  }
  return (
    <ApplicantScope>
      <Router>
        <Route path="/" component={ApplicantDocumentsPage} />
        <Route path="/documents/:id" component={ApplicantDocumentPage} />
        <Route path="/releases" component={ApplicantReleasesPage} />
        <Route path="/letters" component={ApplicantLettersPage} />
        <Route path="/disclosures" component={ApplicantDisclosuresPage} />
        <Route default component={NotFoundPage} />
      </Router>
    </ApplicantScope>
  );
}

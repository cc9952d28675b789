import { Route, Router } from 'preact-iso';
import { Notice } from '../components';
import { signIn, useSession } from '../lib/auth';
import { ProgramScope } from '../program-context';
import { NotFoundPage } from './not-found';
import { ProgramApplicantPage } from './program-applicant';
import { ProgramDocumentPage } from './program-document';
import { ProgramDocumentsPage } from './program-documents';

const text = {
  signInTitle: 'Sign in',
  signInWhy: 'Sign in as residency program staff to see the documents applicants released to your program.',
  signIn: 'Sign in',
};

export function ProgramRoutes() {
  const session = useSession();
  if (!session.ready) return <p role="status">Loading…</p>;
  if (!session.user) {
    return (
      <section>
        <h1>{text.signInTitle}</h1>
        <Notice kind="info">{text.signInWhy}</Notice>
        <button type="button" onClick={() => void signIn(window.location.pathname + window.location.search)}>
          {text.signIn}
        </button>
      </section>
    );
  }
  return (
    <ProgramScope>
      <Router>
        <Route path="/" component={ProgramDocumentsPage} />
        <Route path="/documents/:id" component={ProgramDocumentPage} />
        <Route path="/applicants/:id" component={ProgramApplicantPage} />
        <Route default component={NotFoundPage} />
      </Router>
    </ProgramScope>
  );
}

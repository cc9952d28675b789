import { Route, Router } from 'preact-iso';
import { SignedIn } from '../signed-in';
import { ProgramScope } from '../program-context';
import { NotFoundPage } from './not-found';
import { ProgramApplicantPage } from './program-applicant';
import { ProgramDocumentPage } from './program-document';
import { ProgramDocumentsPage } from './program-documents';

const text = {
  signInWhy: 'Sign in as residency program staff to see the documents applicants released to your program.',
};

export function ProgramRoutes() {
  return (
    <SignedIn why={text.signInWhy}>
      <ProgramScope>
        <Router>
          <Route path="/" component={ProgramDocumentsPage} />
          <Route path="/documents/:id" component={ProgramDocumentPage} />
          <Route path="/applicants/:id" component={ProgramApplicantPage} />
          <Route default component={NotFoundPage} />
        </Router>
      </ProgramScope>
    </SignedIn>
  );
}

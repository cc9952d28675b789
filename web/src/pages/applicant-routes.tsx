import { Route, Router } from 'preact-iso';
import { ApplicantScope } from '../applicant-context';
import { SignedIn } from '../signed-in';
import { ApplicantDisclosuresPage } from './applicant-disclosures';
import { ApplicantDocumentPage } from './applicant-document';
import { ApplicantDocumentsPage } from './applicant-documents';
import { ApplicantLettersPage } from './applicant-letters';
import { ApplicantReleasesPage } from './applicant-releases';
import { NotFoundPage } from './not-found';

export function ApplicantRoutes() {
  return (
    <SignedIn why="Sign in as an applicant to see your documents.">
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
    </SignedIn>
  );
}

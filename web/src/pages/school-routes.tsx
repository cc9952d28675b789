import { Route, Router } from 'preact-iso';
import { SignedIn } from '../signed-in';
import { SchoolScope } from '../school-context';
import { NotFoundPage } from './not-found';
import { SchoolBatchPage } from './school-batch';
import { SchoolDocumentPage } from './school-document';
import { SchoolDocumentsPage } from './school-documents';
import { SchoolKeysPage } from './school-keys';
import { SchoolOverviewPage } from './school-overview';
import { SchoolSubmitPage } from './school-submit';
import { SchoolWebhooksPage } from './school-webhooks';

export function SchoolRoutes() {
  return (
    <SignedIn why="Sign in as a school officer to see your school.">
      <SchoolScope>
        <Router>
          <Route path="/" component={SchoolOverviewPage} />
          <Route path="/keys" component={SchoolKeysPage} />
          <Route path="/submit" component={SchoolSubmitPage} />
          <Route path="/batch" component={SchoolBatchPage} />
          <Route path="/documents" component={SchoolDocumentsPage} />
          <Route path="/documents/:id" component={SchoolDocumentPage} />
          <Route path="/webhooks" component={SchoolWebhooksPage} />
          <Route default component={NotFoundPage} />
        </Router>
      </SchoolScope>
    </SignedIn>
  );
}

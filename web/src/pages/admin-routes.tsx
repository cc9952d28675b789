import { Route, Router } from 'preact-iso';
import { AdminScope } from '../admin-scope';
import { SignedIn } from '../signed-in';
import { AdminRegisterPage } from './admin-register';
import { AdminReviewPage } from './admin-review';
import { AdminSchoolPage } from './admin-school';
import { AdminSchoolsPage } from './admin-schools';
import { NotFoundPage } from './not-found';

export function AdminRoutes() {
  return (
    <SignedIn why="Sign in as an operator to vet schools and clear the review queue.">
      <AdminScope>
        <Router>
          <Route path="/" component={AdminSchoolsPage} />
          <Route path="/schools/:id" component={AdminSchoolPage} />
          <Route path="/review" component={AdminReviewPage} />
          <Route path="/register" component={AdminRegisterPage} />
          <Route default component={NotFoundPage} />
        </Router>
      </AdminScope>
    </SignedIn>
  );
}

import { Route, Router } from 'preact-iso';
import { AdminScope } from '../admin-scope';
import { Notice } from '../components';
import { signIn, useSession } from '../lib/auth';
import { AdminRegisterPage } from './admin-register';
import { AdminReviewPage } from './admin-review';
import { AdminSchoolPage } from './admin-school';
import { AdminSchoolsPage } from './admin-schools';
import { NotFoundPage } from './not-found';

export function AdminRoutes() {
  const session = useSession();
  if (!session.ready) return <p role="status">Loading…</p>;
  if (!session.user) {
    return (
      <section>
        <h1>Sign in</h1>
        <Notice kind="info">Sign in as an operator to vet schools and clear the review queue.</Notice>
        <button type="button" onClick={() => void signIn(window.location.pathname + window.location.search)}>
          Sign in
        </button>
      </section>
    );
  }
  return (
    <AdminScope>
      <Router>
        <Route path="/" component={AdminSchoolsPage} />
        <Route path="/schools/:id" component={AdminSchoolPage} />
        <Route path="/review" component={AdminReviewPage} />
        <Route path="/register" component={AdminRegisterPage} />
        <Route default component={NotFoundPage} />
      </Router>
    </AdminScope>
  );
}

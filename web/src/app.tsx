import type { ComponentType } from 'preact';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { areaFor, areas, homeFor, type AreaRole } from './areas';
import { Notice, SiteHeader } from './components';
import { api, type Me } from './lib/api';
import { completePopupSignIn, completeSignIn, signIn, signInAgain, signOut, useSession } from './lib/auth';
import { messageOf } from './lib/use-load';
import { ApplicantRoutes } from './pages/applicant-routes';
import { AdminRoutes } from './pages/admin-routes';
import { HomePage } from './pages/home';
import { NotFoundPage } from './pages/not-found';
import { ProgramRoutes } from './pages/program-routes';
import { SchoolRoutes } from './pages/school-routes';

/** Each signed-in area's pages, by role; each takes its home (areas.ts) and everything below it. */
const areaPages: Record<AreaRole, ComponentType> = {
  school: SchoolRoutes,
  program: ProgramRoutes,
  applicant: ApplicantRoutes,
  admin: AdminRoutes,
};

function SignInCallback() {
  const { route } = useLocation();
  const [error, setError] = useState<string>();
  useEffect(() => {
    completeSignIn()
      .then(async (returnTo) => {
        if (returnTo !== '/') return route(returnTo, true);
        const me = await api<Me>('GET', '/v1/me');
        route(homeFor(me.role), true);
      })
      .catch((failure: unknown) => setError(messageOf(failure)));
  }, []);
  return error ? <Notice kind="error">Sign-in did not finish: {error}</Notice> : <p role="status">Signing you in…</p>;
}

function PopupCallback() {
  useEffect(() => void completePopupSignIn(), []);
  return <p role="status">Signed in. This window closes by itself.</p>;
}

function SessionBanner() {
  const session = useSession();
  const [error, setError] = useState<string>();
  if (!session.expired) return null;
  return (
    <div class="session-banner" role="alert">
      <p>You are signed out: your sign-in has expired. What you typed on this page is kept.</p>
      <button
        type="button"
        onClick={() =>
          signInAgain().catch((failure: unknown) =>
            setError(`${messageOf(failure)} Allow pop-ups for this site, or sign in again from the top of the page.`),
          )
        }
      >
        Sign in again
      </button>
      {error && <p class="error">{error}</p>}
    </div>
  );
}

function Header() {
  const session = useSession();
  const { path } = useLocation();
  const [error, setError] = useState<string>();
  const role = session.user?.profile ? (session.user.profile['role'] as string | undefined) : undefined;
  const area = session.user ? areaFor(role, path) : undefined;
  return (
    <SiteHeader>
      <nav aria-label="Main">
        <ul>
          <li>
            <a href="/verify">Check a document</a>
          </li>
          {area?.links.map((link) => (
            <li key={link.href}>
              <a href={link.href}>{link.label}</a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="account">
        {session.user ? (
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        ) : (
          <button
            type="button"
            onClick={() => signIn(window.location.pathname).catch((failure: unknown) => setError(messageOf(failure)))}
          >
            Sign in
          </button>
        )}
        {error && <p class="error">{error}</p>}
      </div>
    </SiteHeader>
  );
}

export function App() {
  return (
    // /verify is a page of its own (web/verify.html): a link to it loads it, the router never takes it.
    <LocationProvider scope={/^\/(?!verify(\/|$|\?|#))/}>
      <Header />
      <SessionBanner />
      <main id="main" tabIndex={-1}>
        <Router>
          <Route path="/" component={HomePage} />
          <Route path="/auth/callback" component={SignInCallback} />
          <Route path="/auth/popup" component={PopupCallback} />
          {/* No keys: moving between an area's home and a page below it keeps its pages mounted, as one route would. */}
          {areas.map((area) => [
            <Route path={`${area.home}/*`} component={areaPages[area.role]} />,
            <Route path={area.home} component={areaPages[area.role]} />,
          ])}
          <Route default component={NotFoundPage} />
        </Router>
      </main>
    </LocationProvider>
  );
}

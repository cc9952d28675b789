import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import { useEffect, useState } from 'preact/hooks';
import { portalSettings } from './settings';

/** The signed-in person as the portal sees it: an access token, and whether it has run out. */
export interface Session {
  user: User | null;
  /** The token expired or the API refused it: the page keeps its work and offers to sign in again. */
  expired: boolean;
  /** False until the stored sign-in, if any, has been read. */
  ready: boolean;
}

let manager: Promise<UserManager | null> | undefined;
let session: Session = { user: null, expired: false, ready: false };
const listeners = new Set<(s: Session) => void>();

function publish(next: Session): void {
  session = next;
  for (const listener of listeners) listener(session);
}

export function userManager(): Promise<UserManager | null> {
  manager ??= portalSettings().then((settings) => {
    if (settings.oidc === null) {
      publish({ ...session, ready: true });
      return null;
    }
    const origin = window.location.origin;
    const created = new UserManager({
      authority: settings.oidc.issuer,
      client_id: settings.oidc.client_id,
      scope: settings.oidc.scopes,
      redirect_uri: `${origin}/auth/callback`,
      popup_redirect_uri: `${origin}/auth/popup`,
      post_logout_redirect_uri: `${origin}/`,
      response_type: 'code',
      // Closing the tab signs out: nothing outlives the browser session.
      userStore: new WebStorageStateStore({ store: window.sessionStorage }),
      automaticSilentRenew: false,
      monitorSession: false,
    });
    created.events.addAccessTokenExpired(() => publish({ ...session, expired: true }));
    created.events.addUserLoaded((user) => publish({ user, expired: false, ready: true }));
    created.events.addUserUnloaded(() => publish({ user: null, expired: false, ready: true }));
    void created.getUser().then((user) => publish({ user, expired: user?.expired ?? false, ready: true }));
    return created;
  });
  return manager;
}

export function useSession(): Session {
  const [current, setCurrent] = useState(session);
  useEffect(() => {
    listeners.add(setCurrent);
    void userManager();
    setCurrent(session);
    return () => void listeners.delete(setCurrent);
  }, []);
  return current;
}

export function currentAccessToken(): string | undefined {
  return session.user?.access_token;
}

/** The API said the token is no good: the same "sign in again" as when it expires. */
export function markExpired(): void {
  publish({ ...session, expired: true });
}

export async function signIn(returnTo: string): Promise<void> {
  const users = await userManager();
  if (users === null) throw new Error('Sign-in is not set up on this service (PORTAL_OIDC_ISSUER).');
  await users.signinRedirect({ state: { returnTo } });
}

/** Signs in again in a small window, so the page underneath, and what was typed into it, stays as it is. */
export async function signInAgain(): Promise<void> {
  const users = await userManager();
  if (users === null) return;
  await users.signinPopup();
}

export async function signOut(): Promise<void> {
  const users = await userManager();
  if (users === null) return;
  await users.removeUser();
  await users.signoutRedirect().catch(() => window.location.assign('/'));
}

/** Finishes a sign-in that came back to /auth/callback; returns where the person was going. */
export async function completeSignIn(): Promise<string> {
  const users = await userManager();
  if (users === null) return '/';
  const user = await users.signinRedirectCallback();
  const state = user.state as { returnTo?: string } | undefined;
  return typeof state?.returnTo === 'string' && state.returnTo.startsWith('/') ? state.returnTo : '/';
}

export async function completePopupSignIn(): Promise<void> {
  const users = await userManager();
  await users?.signinPopupCallback();
}

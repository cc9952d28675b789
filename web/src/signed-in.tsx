import type { ComponentChildren } from 'preact';
import { Notice } from './components';
import { signIn, useSession } from './lib/auth';

/**
 * An area's pages, once someone is signed in; until then a prompt saying why to sign in, which
 * comes back to the page that was asked for.
 */
export function SignedIn({ why, children }: { why: string; children: ComponentChildren }) {
  const session = useSession();
  if (!session.ready) return <p role="status">Loading…</p>;
  if (!session.user) {
    return (
      <section>
        <h1>Sign in</h1>
        <Notice kind="info">{why}</Notice>
        <button type="button" onClick={() => void signIn(window.location.pathname + window.location.search)}>
          Sign in
        </button>
      </section>
    );
  }
  return <>{children}</>;
}

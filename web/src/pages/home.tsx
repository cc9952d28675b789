import { useEffect } from 'preact/hooks';
import { homeFor } from '../areas';
import { signIn, useSession } from '../lib/auth';

const text = {
  title: 'EMSWP: signed medical-school documents, verified',
  intro:
    'Schools send their MSPEs, transcripts and letters here, signed with their own key. Applicants, programs and licensing boards can check that a document is genuine.',
  yourPages: 'Go to your pages',
  signIn: 'Sign in',
  verify: 'Check a PDF you were given',
};

export function HomePage() {
  const session = useSession();
  useEffect(() => {
    document.title = 'EMSWP portal';
  }, []);
  return (
    <section>
      <h1>{text.title}</h1>
      <p>{text.intro}</p>
      <ul class="actions">
        {session.user ? (
          <li>
            <a class="button" href={homeFor(session.user.profile['role'] as string | undefined)}>
              {text.yourPages}
            </a>
          </li>
        ) : (
          <li>
            <button type="button" onClick={() => void signIn('/')}>
              {text.signIn}
            </button>
          </li>
        )}
        <li>
          <a href="/verify">{text.verify}</a>
        </li>
      </ul>
    </section>
  );
}

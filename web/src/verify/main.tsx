import { render } from 'preact';
import { VerifyPage } from './verify-page';
import '../styles.css';

// The public /verify page on its own: a visitor downloads neither the signed-in app nor its sign-in library.
render(<VerifyPage />, document.getElementById('verify') as HTMLElement);

import type { SignInEntities, SignInEntity } from './dev-sign-in-entities.js';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const roleTitles = { school: 'School officer', applicant: 'Applicant', program: 'Program staff' } as const;

function choice(value: string, label: string, checked: boolean): string {
  const id = `account-${escapeHtml(value.replace(/[^a-z0-9]/gi, '-'))}`;
  return `<div><input type="radio" name="account" id="${id}" value="${escapeHtml(value)}"${checked ? ' checked' : ''} required>
  <label for="${id}">${escapeHtml(label)}</label></div>`;
}

function roleSection(role: keyof typeof roleTitles, entities: SignInEntity[]): string {
  const body =
    entities.length === 0
      ? `<p>None registered yet: an operator registers them first.</p>`
      : entities.map((entity) => choice(`${role}:${entity.id}`, entity.label, false)).join('\n');
  return `<fieldset><legend>${roleTitles[role]}</legend>${body}</fieldset>`;
}

/** The development OpenID provider's sign-in page: pick a role and, for most roles, one registered entity. */
export function devSignInPage(action: string, clientId: string, entities: SignInEntities): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Development sign-in</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<main>
<h1>Development sign-in</h1>
<p>This OpenID provider exists only because the service runs with its development issuer (no
<code>AUTH_JWKS_FILE</code> or <code>AUTH_JWKS_URL</code>). Anyone who can reach it can sign in as anyone.
Signing in to <strong>${escapeHtml(clientId)}</strong>.</p>
<form method="post" action="${escapeHtml(action)}">
<fieldset><legend>Operator</legend>${choice('admin:operator', 'Operator (admin)', false)}</fieldset>
${roleSection('school', entities.school)}
${roleSection('applicant', entities.applicant)}
${roleSection('program', entities.program)}
<p><button type="submit">Sign in</button></p>
</form>
</main></body></html>`;
}

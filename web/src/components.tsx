import type { ComponentChildren } from 'preact';
import type { DocumentEvent } from './lib/documents';
import { documentStatusShort, when } from './lib/words';

/**
 * The header of every page, the signed-in app's and /verify's (a bundle of its own): the skip link,
 * the portal's name home, then what the page adds (the app's navigation and account).
 */
export function SiteHeader(props: { children?: ComponentChildren }) {
  return (
    <header class="site-header">
      <a class="skip-link" href="#main">
        Skip to the page
      </a>
      <div class="brand">
        <a href="/">EMSWP portal</a>
      </div>
      {props.children}
    </header>
  );
}

/** A labelled form field with its error right under it, tied together for screen readers. */
export function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  children: ComponentChildren;
}) {
  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.children}
      {props.error && (
        <p class="error" id={`${props.id}-error`} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

/** Attributes that link an input to its hint and error. */
export const describedBy = (id: string, error: string | undefined, hint = false) => ({
  id,
  'aria-invalid': error ? true : undefined,
  'aria-describedby': [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined,
});

export function Notice(props: { kind: 'error' | 'success' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

export function Loading(props: { error?: string | undefined; what: string }) {
  if (props.error) return <Notice kind="error">{props.error}</Notice>;
  return <p role="status">Loading {props.what}…</p>;
}

export function Progress(props: { label: string; value: number }) {
  return (
    <div class="progress">
      <label>
        {props.label}
        <progress
          max={100}
          value={Math.round(props.value * 100)}
          aria-valuetext={`${Math.round(props.value * 100)}%`}
        />
      </label>
    </div>
  );
}

/** A document's status history, oldest first, in the words of the status list. */
export function DocumentHistory(props: { events: DocumentEvent[] }) {
  return (
    <ol class="history">
      {props.events.map((event) => (
        <li>
          {when(event.created_at)}:{' '}
          {event.from_status ? `${documentStatusShort[event.from_status] ?? event.from_status} → ` : ''}
          {documentStatusShort[event.to_status] ?? event.to_status}
          {event.reason && ` (${event.reason})`}, by {event.actor_role === 'admin' ? 'an operator' : event.actor_role}
        </li>
      ))}
    </ol>
  );
}

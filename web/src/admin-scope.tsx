import type { ComponentChildren } from 'preact';
import { Loading, Notice } from './components';
import { api, type Me } from './lib/api';
import { useLoad } from './lib/use-load';

/** The operator pages are for an admin token; any other role is told so instead of meeting 403s. */
export function AdminScope(props: { children: ComponentChildren }) {
  const { data, error } = useLoad(() => api<Me>('GET', '/v1/me'), []);
  if (data === undefined) return <Loading error={error} what="your account" />;
  if (data.role !== 'admin')
    return <Notice kind="error">These pages are for operators. You are signed in with another role.</Notice>;
  return <>{props.children}</>;
}

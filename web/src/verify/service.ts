import type { JSONWebKeySet } from 'jose';

/** What POST /v1/verify answers (src/verification/schemas.ts): nothing about the person. */
export interface VerifiedDocument {
  type: string;
  status: string;
  school: { wdoms_id: string; name: string; status: string; status_reason: string | null };
  signed_at: string;
  received_at: string;
}

export interface VerifyAnswer {
  match: boolean;
  documents: VerifiedDocument[];
}

/** A refusal from the service, in the words it gave (problem+json `detail`). */
export class ServiceRefusal extends Error {}

async function answer(response: Response, what: string): Promise<Response> {
  if (response.ok) return response;
  let detail = '';
  try {
    detail = String(((await response.json()) as { detail?: unknown }).detail ?? '');
  } catch {
    // Not problem+json: the status alone says it.
  }
  throw new ServiceRefusal(detail || `The service could not ${what} (HTTP ${response.status}). Try again later.`);
}

/** Only the hash is sent: the file itself stays on this computer. */
export async function lookUpHash(sha256: string): Promise<VerifyAnswer> {
  const response = await fetch('/v1/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ sha256 }),
  });
  return (await answer(response, 'look the document up')).json() as Promise<VerifyAnswer>;
}

/** The service's public keys, which sign its receipts. */
export async function serviceKeys(): Promise<JSONWebKeySet> {
  return (await answer(await fetch('/.well-known/jwks.json'), 'give its keys')).json() as Promise<JSONWebKeySet>;
}

/** The transparency log's note verifier key, one line. */
export async function logVerifierKey(): Promise<string> {
  return (await answer(await fetch('/log/vkey'), "give its log's key")).text();
}

/** The issuer (`iss`) this service puts in its receipts. */
export async function serviceIssuer(): Promise<string> {
  const settings = (await (await answer(await fetch('/portal-config.json'), 'give its settings')).json()) as {
    service_issuer: string;
  };
  return settings.service_issuer;
}

import { generateSigningKey } from '../../src/crypto/jwk.js';
import { signManifest } from '../../src/documents/manifest.js';
import { manifestPayload, type Identity } from './documents.js';
import type { PortalApp } from './portal-app.js';
import { tokenFor } from './portal-releases.js';

/** A school of a running portal, with a registered key, that submits and manages documents over HTTP. */
export interface PortalSchool {
  wdoms_id: string;
  name: string;
  /** Signs and sends a PDF; answers the document id. */
  submit(file: Buffer, who: Identity, input?: { supersedes?: string }): Promise<string>;
  revoke(documentId: string, reason: string): Promise<void>;
  /** The receipt as the API gives it: `{"receipt": "<compact JWS>"}`. */
  receipt(documentId: string): Promise<string>;
  logProof(documentId: string): Promise<string>;
}

/** A new active school of a running portal, sending over HTTP. */
export async function portalSchool(portal: PortalApp, name: string): Promise<PortalSchool> {
  return schoolOverHttp(portal, await portal.activeSchool(name));
}

/**
 * A school already registered (an operator may have just activated it on a page) that registers a key,
 * then signs and posts documents as its own system would.
 */
export async function schoolOverHttp(
  portal: PortalApp,
  school: { id: string; wdoms_id: string; name: string },
): Promise<PortalSchool> {
  const token = await tokenFor(portal, { sub: `officer-${school.wdoms_id}`, role: 'school', school_id: school.id });
  const call = async (method: string, path: string, body?: string | FormData, type?: string): Promise<string> => {
    const response = await fetch(`${portal.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`setting up: ${method} ${path} answered ${response.status} ${text}`);
    return text;
  };
  const key = await generateSigningKey('EdDSA');
  await call('POST', `/v1/schools/${school.id}/keys`, JSON.stringify({ jwk: key.publicJwk }), 'application/json');
  return {
    ...school,
    submit: async (file, who, input = {}) => {
      const form = new FormData();
      form.set('manifest', await signManifest(key.privateJwk, manifestPayload(school, file, who, input)));
      form.set('file', new Blob([file], { type: 'application/pdf' }), 'document.pdf');
      return (JSON.parse(await call('POST', '/v1/documents', form)) as { id: string }).id;
    },
    revoke: async (id, reason) => {
      await call('POST', `/v1/documents/${id}/revoke`, JSON.stringify({ reason }), 'application/json');
    },
    receipt: (id) => call('GET', `/v1/documents/${id}/receipt`),
    logProof: (id) => call('GET', `/v1/documents/${id}/log-proof`),
  };
}

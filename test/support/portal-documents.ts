import { generateSigningKey } from '../../src/crypto/jwk.js';
import { developmentIssuerKey, mintAccessToken } from '../../src/auth/development-issuer.js';
import { developmentIssuer } from '../../src/config.js';
import { signManifest } from '../../src/documents/manifest.js';
import { manifestPayload, pdf, type Identity } from './documents.js';
import type { PortalApp } from './portal-app.js';

/**
 * A school of a portal story that sends documents over HTTP, as its own system would: it registers a
 * key, then signs and posts each document. For setting up what an operator's page then shows.
 */
export async function sendingSchool(world: PortalApp, school: { id: string; wdoms_id: string }) {
  const token = await mintAccessToken(await developmentIssuerKey(world.directory), {
    issuer: developmentIssuer,
    audience: world.config.auth.audience,
    principal: { sub: `officer-${school.id}`, role: 'school', school_id: school.id },
    ttlSeconds: 3600,
  });
  const key = await generateSigningKey('EdDSA');
  const headers = { authorization: `Bearer ${token}` };
  const registered = await fetch(`${world.baseUrl}/v1/schools/${school.id}/keys`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ jwk: key.publicJwk }),
  });
  if (registered.status !== 201) throw new Error(`registering a key: ${registered.status} ${await registered.text()}`);
  return {
    async send(who: Identity): Promise<{ id: string; status: string }> {
      const file = pdf();
      const form = new FormData();
      form.append('manifest', await signManifest(key.privateJwk, manifestPayload(school, file, who)));
      form.append('file', new Blob([file], { type: 'application/pdf' }), 'document.pdf');
      const response = await fetch(`${world.baseUrl}/v1/documents`, { method: 'POST', headers, body: form });
      if (response.status !== 201) throw new Error(`sending a document: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string; status: string };
    },
  };
}

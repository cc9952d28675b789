import { createHash, randomUUID } from 'node:crypto';
import { generateSigningKey } from '../../src/crypto/jwk.js';
import { signManifest } from '../../src/documents/manifest.js';
import { multipartBody } from './multipart.js';
import type { PortalApp } from './portal-app.js';
import { pdfBytes } from './portal-browser.js';

export interface Identity {
  ecfmg_id: string;
  given_name: string;
  family_name: string;
  date_of_birth: string;
}

export interface SentDocument {
  id: string;
  status: string;
}

/**
 * A school that sends documents through the API, as its own system would: for stories about the
 * people who receive them (an applicant, a program), where the school's pages are not the point.
 */
export async function schoolSender(world: PortalApp, name: string) {
  const school = await world.activeSchool(name);
  const token = await world.token({ sub: 'test-registrar', role: 'school', school_id: school.id });
  const key = await generateSigningKey('EdDSA');
  const call = async <T>(method: string, path: string, body: string | Uint8Array, headers: Record<string, string>) => {
    const response = await fetch(`${world.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...headers },
      body,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`setting up: ${method} ${path} answered ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  await call('POST', `/v1/schools/${school.id}/keys`, JSON.stringify({ jwk: key.publicJwk }), {
    'content-type': 'application/json',
  });
  return {
    ...school,
    token,
    /** Signs and sends a document about `who` (the names as the school has them). */
    send: async (
      who: Identity,
      input: { type: 'mspe' | 'transcript' | 'lor'; letter_id?: string },
    ): Promise<SentDocument> => {
      const file = pdfBytes(randomUUID());
      const manifest = await signManifest(key.privateJwk, {
        iss: school.wdoms_id,
        jti: randomUUID(),
        iat: Math.floor(Date.now() / 1000),
        document: {
          type: input.type,
          sha256: createHash('sha256').update(file).digest('hex'),
          size: file.length,
          media_type: 'application/pdf',
        },
        applicant: who,
        ...(input.letter_id ? { letter_id: input.letter_id } : {}),
      });
      const { payload, headers } = multipartBody([
        { kind: 'field', name: 'manifest', value: manifest },
        { kind: 'file', name: 'file', filename: 'document.pdf', data: file },
      ]);
      return call<SentDocument>('POST', '/v1/documents', new Uint8Array(payload), headers);
    },
    /** The school revokes one of its documents. */
    revoke: (id: string, reason: string) =>
      call('POST', `/v1/documents/${id}/revoke`, JSON.stringify({ reason }), { 'content-type': 'application/json' }),
  };
}

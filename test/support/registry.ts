import { randomInt } from 'node:crypto';
import { generateSigningKey, type SignatureAlgorithm, type SigningKeyPair } from '../../src/crypto/jwk.js';
import { bearer, type TestApp } from './test-app.js';

export interface RegisteredSchool {
  id: string;
  wdoms_id: string;
  name: string;
  token: string;
  key: SigningKeyPair;
}

export interface RegisteredApplicant {
  id: string;
  ecfmg_id: string;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  token: string;
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
export const newEcfmgId = () => digits(8);

async function expectCreated(response: { statusCode: number; body: string }, what: string) {
  if (response.statusCode !== 201)
    throw new Error(`registering ${what} failed: ${response.statusCode} ${response.body}`);
}

/** An active school with one registered key, made through the API as an operator and school officer would. */
export async function registerSchool(
  ctx: TestApp,
  options: { alg?: SignatureAlgorithm; status?: 'active' | 'pending' | 'suspended' } = {},
): Promise<RegisteredSchool> {
  const admin = bearer(await ctx.issuer.admin());
  const wdoms_id = `F${digits(7)}`;
  const name = `University of Testing ${wdoms_id}`;
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/v1/schools',
    headers: admin,
    payload: { wdoms_id, name, country: 'NG', contact_email: `registrar-${wdoms_id.toLowerCase()}@example.edu` },
  });
  await expectCreated(created, 'a school');
  const { id } = created.json() as { id: string };
  const token = await ctx.issuer.school(id);
  const key = await generateSigningKey(options.alg ?? 'EdDSA');
  const keyResponse = await ctx.app.inject({
    method: 'POST',
    url: `/v1/schools/${id}/keys`,
    headers: bearer(token),
    payload: { jwk: key.publicJwk },
  });
  await expectCreated(keyResponse, 'a school key');
  const status = options.status ?? 'active';
  if (status !== 'pending') {
    await ctx.app.inject({
      method: 'PATCH',
      url: `/v1/schools/${id}`,
      headers: admin,
      payload: { status: 'active', reason: 'vetted' },
    });
    if (status === 'suspended') {
      await ctx.app.inject({
        method: 'PATCH',
        url: `/v1/schools/${id}`,
        headers: admin,
        payload: { status: 'suspended', reason: 'under investigation' },
      });
    }
  }
  return { id, wdoms_id, name, token, key };
}

export async function registerApplicant(
  ctx: TestApp,
  identity: Partial<Omit<RegisteredApplicant, 'id' | 'token'>> = {},
): Promise<RegisteredApplicant> {
  const values = {
    ecfmg_id: newEcfmgId(),
    given_name: 'Chiamaka',
    family_name: 'Okafor',
    date_of_birth: '1996-04-12',
    ...identity,
  };
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/v1/applicants',
    headers: bearer(await ctx.issuer.admin()),
    payload: values,
  });
  await expectCreated(response, 'an applicant');
  const { id } = response.json() as { id: string };
  return { id, ...values, token: await ctx.issuer.applicant(id) };
}

export async function registerProgram(ctx: TestApp): Promise<{ id: string; token: string }> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/v1/programs',
    headers: bearer(await ctx.issuer.admin()),
    payload: { acgme_id: digits(10), name: 'Internal Medicine Residency', specialty: 'Internal Medicine' },
  });
  await expectCreated(response, 'a program');
  const { id } = response.json() as { id: string };
  return { id, token: await ctx.issuer.program(id) };
}

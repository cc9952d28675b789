import { generateSigningKey, type SigningKeyPair } from '../../src/crypto/jwk.js';
import type { AccessWorld } from './access-matrix.js';
import { postDocument, signedManifest, pdf, submissionParts, type Identity, type ManifestInput } from './documents.js';

/** School A's registered key and the world's applicant, ready to sign submissions about them. */
export interface SchoolASigner {
  key: SigningKeyPair;
  wdoms_id: string;
  identity: Identity;
}

const signers = new WeakMap<AccessWorld, Promise<SchoolASigner>>();

/** Registers one key for school A per world (once), and reads what a manifest needs. */
export function schoolASigner(world: AccessWorld): Promise<SchoolASigner> {
  let signer = signers.get(world);
  if (signer === undefined) {
    signer = (async () => {
      const key = await generateSigningKey('EdDSA');
      await world.asAdmin({
        method: 'POST',
        url: `/v1/schools/${world.schoolA.id}/keys`,
        payload: { jwk: key.publicJwk },
      });
      const { wdoms_id } = (await world.asAdmin({ method: 'GET', url: `/v1/schools/${world.schoolA.id}` })).json<{
        wdoms_id: string;
      }>();
      const { ecfmg_id, given_name, family_name, date_of_birth } = (
        await world.asAdmin({ method: 'GET', url: `/v1/applicants/${world.applicant.id}` })
      ).json<Identity>();
      return { key, wdoms_id, identity: { ecfmg_id, given_name, family_name, date_of_birth } };
    })();
    signers.set(world, signer);
  }
  return signer;
}

/** The parts of a fresh, valid submission by school A about the world's applicant. */
export async function schoolASubmission(
  world: AccessWorld,
  identity: Partial<Identity> = {},
  input: ManifestInput = {},
) {
  const signer = await schoolASigner(world);
  const file = pdf();
  const manifest = await signedManifest(
    { ...signer, id: world.schoolA.id, name: '', token: '' },
    file,
    { ...signer.identity, ...identity },
    input,
  );
  return submissionParts(manifest, file);
}

/** A new document from school A about the world's applicant; its id. */
export async function schoolADocument(world: AccessWorld, identity: Partial<Identity> = {}): Promise<string> {
  const token = world.headers.school_a.authorization?.replace(/^Bearer /, '') ?? '';
  const response = await postDocument(world, token, await schoolASubmission(world, identity));
  if (response.statusCode !== 201)
    throw new Error(`setting up: submitting answered ${response.statusCode} ${response.body}`);
  return response.json<{ id: string }>().id;
}

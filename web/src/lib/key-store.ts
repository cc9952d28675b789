import { createStore, del, get, set } from 'idb-keyval';

/** A school's signing key kept in this browser: the private half cannot be read out, only used. */
export interface StoredKey {
  kid: string;
  alg: 'EdDSA' | 'ES256' | 'ES384' | 'PS256' | 'RS256';
  privateKey: CryptoKey;
  /** 'browser': made here; 'file': loaded from a private JWK file (emswp keygen). */
  source: 'browser' | 'file';
  added_at: string;
}

const store = createStore('emswp-portal', 'signing-keys');

const listKey = (schoolId: string) => `school:${schoolId}`;

export async function storedKeys(schoolId: string): Promise<StoredKey[]> {
  return (await get<StoredKey[]>(listKey(schoolId), store)) ?? [];
}

export async function keepKey(schoolId: string, key: StoredKey): Promise<void> {
  const others = (await storedKeys(schoolId)).filter((k) => k.kid !== key.kid);
  await set(listKey(schoolId), [...others, key], store);
}

export async function forgetKey(schoolId: string, kid: string): Promise<void> {
  const rest = (await storedKeys(schoolId)).filter((k) => k.kid !== kid);
  if (rest.length === 0) await del(listKey(schoolId), store);
  else await set(listKey(schoolId), rest, store);
}

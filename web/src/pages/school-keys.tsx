import { useEffect, useState } from 'preact/hooks';
import { Field, Loading, Notice, describedBy } from '../components';
import { api } from '../lib/api';
import { forgetKey, keepKey, storedKeys, type StoredKey } from '../lib/key-store';
import { KeyFileError, makeBrowserKey, readPrivateKeyFile, toStored, type LoadedKey } from '../lib/keys';
import { messageOf, useLoad } from '../lib/use-load';
import { when } from '../lib/words';
import { useSchool } from '../school-context';

export interface RegisteredKey {
  kid: string;
  alg: string;
  status: 'active' | 'revoked';
  created_at: string;
  revoked_at: string | null;
  compromised_at: string | null;
}

const text = {
  title: 'Signing keys',
  intro:
    'Documents are signed in this browser with a key of your school. Its private half stays on this computer; only the public half is registered with the service.',
  make: 'Make a new key in this browser',
  made: (kid: string) => `A new key was made in this browser and registered: ${kid}.`,
  load: 'Or use a private key file made by emswp keygen',
  loadHint: 'The file is read on this computer and never uploaded.',
  loaded: (kid: string) => `The key ${kid} is loaded in this browser and ready to sign.`,
  unregistered: (kid: string) => `The key ${kid} is not registered for your school yet.`,
  register: 'Register its public key',
  revokedKey: (kid: string, at: string) =>
    `The key ${kid} was revoked on ${at}: it can no longer sign. Use another key.`,
};

function RevokeForm(props: { schoolId: string; kid: string; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [compromised, setCompromised] = useState('');
  const [error, setError] = useState<string>();
  const [reasonError, setReasonError] = useState<string>();
  const id = `revoke-${props.kid.slice(0, 8)}`;
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    if (reason.trim() === '') return setReasonError('Say why the key is revoked.');
    setReasonError(undefined);
    try {
      await api('POST', `/v1/schools/${props.schoolId}/keys/${encodeURIComponent(props.kid)}/revoke`, {
        reason: reason.trim(),
        ...(compromised === '' ? {} : { compromised_at: new Date(compromised).toISOString() }),
      });
      await forgetKey(props.schoolId, props.kid);
      props.onDone();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  return (
    <form class="inline-form" onSubmit={(e) => void submit(e)}>
      <Field id={`${id}-reason`} label="Why is it revoked?" error={reasonError}>
        <input
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
          {...describedBy(`${id}-reason`, reasonError)}
        />
      </Field>
      <Field
        id={`${id}-compromised`}
        label="Compromised since (optional)"
        hint="If someone else may have used the key, every document signed with it since then is revoked too."
      >
        <input
          type="datetime-local"
          value={compromised}
          onInput={(e) => setCompromised(e.currentTarget.value)}
          {...describedBy(`${id}-compromised`, undefined, true)}
        />
      </Field>
      <button type="submit">Revoke key {props.kid.slice(0, 12)}</button>
      {error && <Notice kind="error">{error}</Notice>}
    </form>
  );
}

export function SchoolKeysPage() {
  const { school } = useSchool();
  const [message, setMessage] = useState<string>();
  const [fileError, setFileError] = useState<string>();
  const [pending, setPending] = useState<LoadedKey>();
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<string>();
  const { data, error, reload } = useLoad(
    async () => ({
      registered: (await api<{ items: RegisteredKey[] }>('GET', `/v1/schools/${school.id}/keys?limit=200`)).items,
      local: await storedKeys(school.id),
    }),
    [school.id],
  );
  useEffect(() => {
    document.title = `${text.title} · EMSWP portal`;
  }, []);

  const register = async (key: LoadedKey | { publicJwk: JsonWebKey; alg: string }) =>
    api<RegisteredKey>('POST', `/v1/schools/${school.id}/keys`, { jwk: { ...key.publicJwk, alg: key.alg } });

  const make = async () => {
    setBusy(true);
    setMessage(undefined);
    try {
      const key = await makeBrowserKey();
      const registered = await register(key);
      await keepKey(school.id, toStored({ ...key, kid: registered.kid }, 'browser'));
      setMessage(text.made(registered.kid));
      reload();
    } catch (failure) {
      setMessage(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  const load = async (file: File | undefined) => {
    setFileError(undefined);
    setPending(undefined);
    setMessage(undefined);
    if (!file) return;
    try {
      const key = await readPrivateKeyFile(await file.text());
      const known = data?.registered.find((k) => k.kid === key.kid);
      if (known?.status === 'revoked') return setFileError(text.revokedKey(key.kid, when(known.revoked_at)));
      if (known === undefined) {
        setPending(key);
        return setFileError(text.unregistered(key.kid));
      }
      await keepKey(school.id, toStored(key, 'file'));
      setMessage(text.loaded(key.kid));
      reload();
    } catch (failure) {
      setFileError(failure instanceof KeyFileError ? failure.message : messageOf(failure));
    }
  };

  const registerPending = async () => {
    if (!pending) return;
    try {
      const registered = await register(pending);
      await keepKey(school.id, toStored({ ...pending, kid: registered.kid }, 'file'));
      setPending(undefined);
      setFileError(undefined);
      setMessage(text.loaded(registered.kid));
      reload();
    } catch (failure) {
      setFileError(messageOf(failure));
    }
  };

  return (
    <section>
      <h1>{text.title}</h1>
      <p>{text.intro}</p>
      <p>
        <button type="button" disabled={busy} onClick={() => void make()}>
          {text.make}
        </button>
      </p>
      <Field id="key-file" label={text.load} hint={text.loadHint} error={fileError}>
        <input
          type="file"
          accept=".json,.jwk,application/json"
          {...describedBy('key-file', fileError, true)}
          onChange={(e) => void load(e.currentTarget.files?.[0])}
        />
      </Field>
      {pending && (
        <button type="button" onClick={() => void registerPending()}>
          {text.register}
        </button>
      )}
      <div role="status">{message && <Notice kind="success">{message}</Notice>}</div>
      <h2>Your school's keys</h2>
      {data === undefined ? (
        <Loading error={error} what="keys" />
      ) : data.registered.length === 0 ? (
        <p>No key is registered yet.</p>
      ) : (
        <table>
          <caption class="visually-hidden">Registered keys</caption>
          <thead>
            <tr>
              <th scope="col">Key id</th>
              <th scope="col">Algorithm</th>
              <th scope="col">Status</th>
              <th scope="col">In this browser</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {data.registered.map((key) => {
              const local: StoredKey | undefined = data.local.find((k) => k.kid === key.kid);
              return (
                <tr key={key.kid}>
                  <td>
                    <code>{key.kid}</code>
                  </td>
                  <td>{key.alg}</td>
                  <td>
                    {key.status === 'active'
                      ? `Active since ${when(key.created_at)}`
                      : `Revoked ${when(key.revoked_at)}`}
                    {key.compromised_at && `, compromised since ${when(key.compromised_at)}`}
                  </td>
                  <td>{local ? (local.source === 'browser' ? 'Yes, made here' : 'Yes, loaded from a file') : 'No'}</td>
                  <td>
                    {key.status === 'active' &&
                      (revoking === key.kid ? (
                        <RevokeForm
                          schoolId={school.id}
                          kid={key.kid}
                          onDone={() => (setRevoking(undefined), reload())}
                        />
                      ) : (
                        <button
                          type="button"
                          onClick={() => setRevoking(key.kid)}
                          aria-label={`Revoke key ${key.kid.slice(0, 12)}…`}
                        >
                          Revoke…
                        </button>
                      ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

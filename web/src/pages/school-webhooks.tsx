import { useEffect, useState } from 'preact/hooks';
import { Field, Loading, Notice, describedBy } from '../components';
import { api, type Page } from '../lib/api';
import { messageOf, useLoad } from '../lib/use-load';
import { when } from '../lib/words';
import { documentStatuses } from '../../../src/facts/documents';

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  previous_secret_expires_at: string | null;
}

interface Delivery {
  id: string;
  event_type: string;
  status: string;
  attempt_count: number;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
}

/** A school hears of its documents' statuses (release events go to programs). */
const schoolEvents = documentStatuses.map((status) => `document.${status}`);

function Secret(props: { secret: string }) {
  return (
    <Notice kind="success">
      <p>
        The signing secret, shown <strong>only now</strong>: copy it into your receiver.
      </p>
      <p>
        <code class="wrap">{props.secret}</code>
      </p>
    </Notice>
  );
}

function CreateEndpoint(props: { onCreated: (secret: string) => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['document.verified']);
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      const created = await api<Endpoint & { secret: string }>('POST', '/v1/webhooks', {
        url: url.trim(),
        events,
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      setUrl('');
      props.onCreated(created.secret);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Field id="webhook-url" label="Receiver URL (https)" error={error}>
        <input
          type="url"
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
          {...describedBy('webhook-url', error)}
        />
      </Field>
      <fieldset>
        <legend>Events to send</legend>
        {schoolEvents.map((name) => (
          <div>
            <input
              type="checkbox"
              id={`event-${name}`}
              checked={events.includes(name)}
              onChange={(e) =>
                setEvents(e.currentTarget.checked ? [...events, name] : events.filter((x) => x !== name))
              }
            />
            <label for={`event-${name}`}>{name}</label>
          </div>
        ))}
      </fieldset>
      <Field id="webhook-description" label="Description (optional)">
        <input id="webhook-description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </Field>
      <button type="submit">Create the webhook</button>
    </form>
  );
}

function EndpointRow(props: { endpoint: Endpoint; onChange: () => void; onSecret: (s: string) => void }) {
  const { endpoint } = props;
  const [deliveries, setDeliveries] = useState<Delivery[]>();
  const [since, setSince] = useState('');
  const [message, setMessage] = useState<string>();
  const act = async (work: () => Promise<void>) => {
    setMessage(undefined);
    try {
      await work();
    } catch (failure) {
      setMessage(messageOf(failure));
    }
  };
  const base = `/v1/webhooks/${endpoint.id}`;
  return (
    <li class="card">
      <h3>{endpoint.url}</h3>
      <p>
        {endpoint.status === 'enabled'
          ? 'Enabled'
          : `Disabled${endpoint.disabled_reason ? ` (${endpoint.disabled_reason})` : ''}`}
        . Events: {endpoint.events.join(', ')}.{endpoint.description && ` ${endpoint.description}`}
      </p>
      {endpoint.previous_secret_expires_at && (
        <p>The previous secret keeps signing until {when(endpoint.previous_secret_expires_at)}.</p>
      )}
      <p class="actions">
        <button
          type="button"
          onClick={() =>
            void act(async () => {
              await api('PATCH', base, { status: endpoint.status === 'enabled' ? 'disabled' : 'enabled' });
              props.onChange();
            })
          }
        >
          {endpoint.status === 'enabled' ? 'Disable' : 'Enable'}
        </button>
        <button
          type="button"
          onClick={() =>
            void act(async () => {
              const rotated = await api<{ secret: string }>('POST', `${base}/rotate-secret`);
              props.onSecret(rotated.secret);
              props.onChange();
            })
          }
        >
          Rotate the secret
        </button>
        <button
          type="button"
          onClick={() =>
            void act(async () => setDeliveries((await api<Page<Delivery>>('GET', `${base}/deliveries?limit=50`)).items))
          }
        >
          Show deliveries
        </button>
      </p>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            if (since === '') throw new Error('Choose the time to replay from.');
            const { replayed } = await api<{ replayed: number }>('POST', `${base}/replay`, {
              since: new Date(since).toISOString(),
            });
            setMessage(`${replayed} event(s) queued to be sent again.`);
          });
        }}
      >
        <Field id={`replay-${endpoint.id}`} label="Send again every event since">
          <input
            id={`replay-${endpoint.id}`}
            type="datetime-local"
            value={since}
            onInput={(e) => setSince(e.currentTarget.value)}
          />
        </Field>
        <button type="submit">Replay</button>
      </form>
      <div role="status">{message && <p>{message}</p>}</div>
      {deliveries && (
        <table>
          <caption>Deliveries</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.length === 0 && (
              <tr>
                <td colSpan={4}>No deliveries yet.</td>
              </tr>
            )}
            {deliveries.map((d) => (
              <tr key={d.id}>
                <td>{d.event_type}</td>
                <td>{d.status}</td>
                <td>{d.attempt_count}</td>
                <td>
                  {d.last_status_code ?? d.last_error ?? ''} {when(d.last_attempt_at)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}

export function SchoolWebhooksPage() {
  const [secret, setSecret] = useState<string>();
  const { data, error, reload } = useLoad(() => api<Page<Endpoint>>('GET', '/v1/webhooks?limit=200'), []);
  useEffect(() => {
    document.title = 'Webhooks · EMSWP portal';
  }, []);
  return (
    <section>
      <h1>Webhooks</h1>
      <p>Your system hears here when one of your documents changes status. Deliveries are signed with the secret.</p>
      <div role="status">{secret && <Secret secret={secret} />}</div>
      <h2>New webhook</h2>
      <CreateEndpoint onCreated={(s) => (setSecret(s), reload())} />
      <h2>Your webhooks</h2>
      {data === undefined ? (
        <Loading error={error} what="webhooks" />
      ) : data.items.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <ul class="cards">
          {data.items.map((endpoint) => (
            <EndpointRow key={endpoint.id} endpoint={endpoint} onChange={reload} onSecret={setSecret} />
          ))}
        </ul>
      )}
    </section>
  );
}

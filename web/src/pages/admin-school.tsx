import { useEffect, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { Field, Loading, Notice, describedBy } from '../components';
import { api, type Page } from '../lib/api';
import { fieldErrors } from '../lib/field-errors';
import { useLoad } from '../lib/use-load';
import { when } from '../lib/words';
import type { AdminSchool } from './admin-schools';

const text = {
  facts: 'About the school',
  wdoms: 'World Directory id',
  country: 'Country',
  contact: 'Contact',
  status: 'Status',
  change: 'Change the status',
  newStatus: 'New status',
  reason: 'Reason',
  reasonHint: 'Required to suspend. Kept in the history with your name and the time.',
  reasonNeeded: 'Say why the school is suspended.',
  save: 'Change status',
  changed: (status: string) => `The school is now ${status.toLowerCase()}.`,
  history: 'Status history',
  historyCaption: 'Every status the school has had, oldest first',
  statuses: { pending: 'Pending', active: 'Active', suspended: 'Suspended' } as Record<string, string>,
  created: 'Registered',
  back: 'All schools',
};

interface StatusEvent {
  id: string;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  actor: string;
  created_at: string;
}

function StatusForm(props: { school: AdminSchool; onChanged: (message: string) => void }) {
  const next = props.school.status === 'active' ? 'suspended' : 'active';
  const [status, setStatus] = useState<string>(next);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = async (event: Event) => {
    event.preventDefault();
    if (status === 'suspended' && reason.trim() === '') return setErrors({ reason: text.reasonNeeded });
    setErrors({});
    try {
      await api('PATCH', `/v1/schools/${props.school.id}`, {
        status,
        ...(reason.trim() === '' ? {} : { reason: reason.trim() }),
      });
      setReason('');
      props.onChanged(text.changed(text.statuses[status] ?? status));
    } catch (failure) {
      setErrors(fieldErrors(failure, { school_status_unchanged: 'status' }));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={text.change}>
      <h2>{text.change}</h2>
      <Field id="school-status" label={text.newStatus} error={errors['status']}>
        <select
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value)}
          {...describedBy('school-status', errors['status'])}
        >
          {Object.entries(text.statuses).map(([value, words]) => (
            <option value={value}>{words}</option>
          ))}
        </select>
      </Field>
      <Field id="school-reason" label={text.reason} hint={text.reasonHint} error={errors['reason']}>
        <textarea
          value={reason}
          maxLength={500}
          onInput={(e) => setReason(e.currentTarget.value)}
          {...describedBy('school-reason', errors['reason'], true)}
        />
      </Field>
      <button type="submit">{text.save}</button>
      {errors['form'] && <Notice kind="error">{errors['form']}</Notice>}
    </form>
  );
}

export function AdminSchoolPage() {
  const { params } = useRoute();
  const id = params['id'] ?? '';
  const [message, setMessage] = useState<string>();
  const { data, error, reload } = useLoad(
    async () => ({
      school: await api<AdminSchool>('GET', `/v1/schools/${id}`),
      events: (await api<Page<StatusEvent>>('GET', `/v1/schools/${id}/events?limit=200`)).items,
    }),
    [id],
  );
  useEffect(() => {
    if (data) document.title = `${data.school.name} · EMSWP portal`;
  }, [data?.school.name]);
  if (data === undefined) return <Loading error={error} what="the school" />;
  const { school, events } = data;
  return (
    <section>
      <p>
        <a href="/admin">{text.back}</a>
      </p>
      <h1>{school.name}</h1>
      <h2>{text.facts}</h2>
      <dl class="facts">
        <dt>{text.wdoms}</dt>
        <dd>{school.wdoms_id}</dd>
        <dt>{text.country}</dt>
        <dd>{school.country}</dd>
        <dt>{text.contact}</dt>
        <dd>{school.contact_email}</dd>
        <dt>{text.status}</dt>
        <dd>
          <strong>{text.statuses[school.status] ?? school.status}</strong>
          {school.status_reason && <> ({school.status_reason})</>}
        </dd>
      </dl>
      {message && <Notice kind="success">{message}</Notice>}
      <StatusForm
        key={school.status}
        school={school}
        onChanged={(changed) => {
          setMessage(changed);
          reload();
        }}
      />
      <h2>{text.history}</h2>
      <table>
        <caption class="visually-hidden">{text.historyCaption}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Reason</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td>{when(e.created_at)}</td>
              <td>{e.from_status === null ? text.created : (text.statuses[e.from_status] ?? e.from_status)}</td>
              <td>{text.statuses[e.to_status] ?? e.to_status}</td>
              <td>{e.reason}</td>
              <td>{e.actor}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { useApplicant } from '../applicant-context';
import { Field, Notice, describedBy } from '../components';
import { DirectorySearch, type Choice } from '../directory-search';
import { ApiProblem, api } from '../lib/api';
import type { LetterRequest } from '../lib/applicant-types';
import { findSchools } from '../lib/directories';
import { messageOf } from '../lib/use-load';
import { usePaged } from '../lib/use-paged';
import { when } from '../lib/words';
import { PagedCards } from '../paged-cards';

const text = {
  title: 'Letters of recommendation',
  intro:
    'Ask for a letter here first: you get a letter id to give the school, which sends the letter signed with that id. Only the school you name can answer the request.',
  ask: 'Ask for a letter',
  schoolLabel: 'Find the school that will send the letter',
  schoolHint: 'Type part of its name or its World Directory id, then Search.',
  schoolsFound: 'Schools found',
  noSchools: 'No active school matches that. Check the spelling, or try its World Directory id.',
  chooseSchool: 'Find the school and choose it first.',
  author: "The letter writer's name",
  authorMissing: "Type the letter writer's name.",
  email: "The letter writer's email (optional)",
  emailHint: 'Only kept with the request, so you remember whom you asked.',
  emailBad: 'This does not look like an email address.',
  waiverLegend: 'Your right to see the letter',
  waiverExplained: [
    'US law (FERPA) gives you the right to read letters written about you. You may waive that right for this letter.',
    'Programs often trust a letter more when the applicant has waived it, because the writer knows you will not read it.',
    'If you waive it, you will never see this letter’s content, here or anywhere in this service. You will still see that it arrived and its status, and you can release it to programs.',
    'You cannot change this choice after the request is made.',
  ],
  waive: 'I waive my right to see this letter',
  keep: 'I keep my right to see this letter',
  waiverMissing: 'Choose whether you waive your right to see this letter.',
  send: 'Ask for the letter',
  made: (author: string) => `Request made for a letter by ${author}. Give the school this letter id:`,
  yours: 'Your letter requests',
  none: 'You have not asked for a letter yet.',
  what: 'your letter requests',
  waived: 'You waived your right to see it.',
  notWaived: 'You may read it once it arrives.',
  arrived: (date: string) => `Arrived (request made ${date}).`,
  open: 'Open the letter’s page',
  waitingFor: (school: string | undefined, date: string) =>
    `${school === undefined ? 'Not arrived yet' : `Waiting for ${school}`} (asked ${date}). Letter id for the school:`,
  more: 'Show more requests',
};

type Errors = Partial<Record<'school' | 'author' | 'email' | 'waiver', string>>;

function LetterRequestForm(props: { onMade: () => void }) {
  const applicant = useApplicant();
  const [school, setSchool] = useState<Choice>();
  const [author, setAuthor] = useState('');
  const [email, setEmail] = useState('');
  const [waiver, setWaiver] = useState<boolean>();
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<string>();
  const [made, setMade] = useState<LetterRequest>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setMade(undefined);
    setFailure(undefined);
    const found: Errors = {};
    if (school === undefined) found.school = text.chooseSchool;
    if (author.trim() === '') found.author = text.authorMissing;
    if (email.trim() !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) found.email = text.emailBad;
    if (waiver === undefined) found.waiver = text.waiverMissing;
    setErrors(found);
    if (Object.keys(found).length > 0 || school === undefined || waiver === undefined) return;
    try {
      const request = await api<LetterRequest>('POST', `/v1/applicants/${applicant.id}/letter-requests`, {
        school_id: school.id,
        author_name: author.trim(),
        ...(email.trim() === '' ? {} : { author_email: email.trim() }),
        waive_right_to_view: waiver,
      });
      setMade(request);
      setAuthor('');
      setEmail('');
      setWaiver(undefined);
      props.onMade();
    } catch (problem) {
      // The API names the field it refused; put its words next to that field.
      const path = problem instanceof ApiProblem ? (problem.errors[0]?.path ?? '') : '';
      const code = problem instanceof ApiProblem ? problem.code : '';
      if (code === 'school_unknown' || path === '/school_id') setErrors({ school: messageOf(problem) });
      else if (path === '/author_name') setErrors({ author: messageOf(problem) });
      else if (path === '/author_email') setErrors({ email: messageOf(problem) });
      else setFailure(messageOf(problem));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="ask-heading" noValidate>
      <h2 id="ask-heading">{text.ask}</h2>
      <DirectorySearch
        id="letter-school"
        label={text.schoolLabel}
        hint={text.schoolHint}
        legend={text.schoolsFound}
        noneFound={text.noSchools}
        find={findSchools}
        chosen={school?.id}
        onChoose={(choice) => {
          setSchool(choice);
          setErrors({ ...errors, school: undefined });
        }}
        error={errors.school}
      />
      <Field id="letter-author" label={text.author} error={errors.author}>
        <input
          value={author}
          autoComplete="off"
          onInput={(e) => setAuthor(e.currentTarget.value)}
          {...describedBy('letter-author', errors.author)}
        />
      </Field>
      <Field id="letter-email" label={text.email} hint={text.emailHint} error={errors.email}>
        <input
          type="email"
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
          {...describedBy('letter-email', errors.email, true)}
        />
      </Field>
      <fieldset
        class={`waiver${errors.waiver ? ' has-error' : ''}`}
        aria-describedby={`waiver-explained${errors.waiver ? ' waiver-error' : ''}`}
      >
        <legend>{text.waiverLegend}</legend>
        <div id="waiver-explained">
          {text.waiverExplained.map((line) => (
            <p key={line}>{line}</p>
          ))}
        </div>
        <label class="choice">
          <input type="radio" name="waiver" checked={waiver === true} onChange={() => setWaiver(true)} /> {text.waive}
        </label>
        <label class="choice">
          <input type="radio" name="waiver" checked={waiver === false} onChange={() => setWaiver(false)} /> {text.keep}
        </label>
        {errors.waiver && (
          <p class="error" id="waiver-error" role="alert">
            {errors.waiver}
          </p>
        )}
      </fieldset>
      <button type="submit">{text.send}</button>
      {failure && <Notice kind="error">{failure}</Notice>}
      {made && (
        <Notice kind="success">
          {text.made(made.author_name)} <code class="wrap">{made.letter_id}</code>
        </Notice>
      )}
    </form>
  );
}

export function ApplicantLettersPage() {
  const applicant = useApplicant();
  const requests = usePaged<LetterRequest>(`/v1/applicants/${applicant.id}/letter-requests`);
  useEffect(() => {
    document.title = 'Letters · EMSWP portal';
  }, []);
  return (
    <section>
      <h1>{text.title}</h1>
      <p>{text.intro}</p>
      <LetterRequestForm onMade={requests.reload} />
      <h2>{text.yours}</h2>
      <PagedCards
        paged={requests}
        label={text.yours}
        what={text.what}
        none={text.none}
        more={text.more}
        keyOf={(request) => request.letter_id}
      >
        {(request) => (
          <>
            <h3 class="card-title">{request.author_name}</h3>
            {request.status === 'received' && request.document_id !== null ? (
              <p>
                <strong>{text.arrived(when(request.created_at))}</strong>{' '}
                <a href={`/applicant/documents/${request.document_id}`}>{text.open}</a>
              </p>
            ) : (
              <p>
                {text.waitingFor(request.school?.name, when(request.created_at))}{' '}
                <code class="wrap">{request.letter_id}</code>
              </p>
            )}
            <p class="hint">{request.waive_right_to_view ? text.waived : text.notWaived}</p>
          </>
        )}
      </PagedCards>
    </section>
  );
}

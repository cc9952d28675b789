import { useEffect, useState } from 'preact/hooks';
import { Field, Notice, describedBy } from '../components';
import { api } from '../lib/api';
import { fieldErrors } from '../lib/field-errors';

const text = {
  title: 'Register applicants and programs',
  applicant: 'Register an applicant',
  ecfmg: 'ECFMG ID',
  ecfmgHint: '8 digits.',
  given: 'Given name',
  family: 'Family name',
  birth: 'Date of birth',
  email: 'E-mail (optional)',
  registerApplicant: 'Register applicant',
  applicantDone: (name: string, id: string) =>
    `${name} is registered (ECFMG ID ${id}). Documents waiting for this ECFMG ID are matched now.`,
  program: 'Register a residency program',
  acgme: 'ACGME ID',
  acgmeHint: '10 digits.',
  programName: 'Program name',
  specialty: 'Specialty',
  registerProgram: 'Register program',
  programDone: (name: string) => `${name} is registered and can now be found in the program directory.`,
  required: (label: string) => `Enter the ${label.toLowerCase()}.`,
  ecfmgWrong: 'An ECFMG ID is 8 digits, like 12345678.',
  acgmeWrong: 'An ACGME ID is 10 digits, like 1403521001.',
  emailWrong: 'Enter an e-mail address like name@example.org, or leave it empty.',
  birthWrong: 'Enter a date of birth in the past.',
};

const digitsOf = (n: number, message: string) => (value: string) =>
  new RegExp(`^[0-9]{${n}}$`).test(value) ? undefined : message;

type Values = Record<string, string>;

/** One registration form: its fields, what it sends, and what it says when done; errors land next to their field. */
function RegisterForm(props: {
  id: string;
  title: string;
  fields: {
    name: string;
    label: string;
    hint?: string;
    type?: string;
    optional?: boolean;
    /** A plain sentence when the value cannot be right, checked before anything is sent. */
    check?: (value: string) => string | undefined;
  }[];
  submitLabel: string;
  send: (values: Values) => Promise<string>;
  conflicts: Record<string, string>;
}) {
  const empty = Object.fromEntries(props.fields.map((f) => [f.name, '']));
  const [values, setValues] = useState<Values>(empty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setDone(undefined);
    const trimmed = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim()]));
    const found: Record<string, string> = {};
    for (const f of props.fields) {
      const value = trimmed[f.name] ?? '';
      const problem = value === '' ? (f.optional ? undefined : text.required(f.label)) : f.check?.(value);
      if (problem) found[f.name] = problem;
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    try {
      setDone(await props.send(trimmed));
      setValues(empty);
    } catch (failure) {
      setErrors(fieldErrors(failure, props.conflicts));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby={`${props.id}-title`} noValidate>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.fields.map((f) => {
        const id = `${props.id}-${f.name.replace(/_/g, '-')}`;
        return (
          <Field key={f.name} id={id} label={f.label} error={errors[f.name]} {...(f.hint ? { hint: f.hint } : {})}>
            <input
              type={f.type ?? 'text'}
              value={values[f.name]}
              required={!f.optional}
              onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
              {...describedBy(id, errors[f.name], f.hint !== undefined)}
            />
          </Field>
        );
      })}
      <button type="submit">{props.submitLabel}</button>
      {errors['form'] && <Notice kind="error">{errors['form']}</Notice>}
      {done && <Notice kind="success">{done}</Notice>}
    </form>
  );
}

export function AdminRegisterPage() {
  useEffect(() => {
    document.title = `${text.title} · EMSWP portal`;
  }, []);
  return (
    <section>
      <h1>{text.title}</h1>
      <RegisterForm
        id="applicant"
        title={text.applicant}
        submitLabel={text.registerApplicant}
        conflicts={{ applicant_exists: 'ecfmg_id' }}
        fields={[
          { name: 'ecfmg_id', label: text.ecfmg, hint: text.ecfmgHint, check: digitsOf(8, text.ecfmgWrong) },
          { name: 'given_name', label: text.given },
          { name: 'family_name', label: text.family },
          {
            name: 'date_of_birth',
            label: text.birth,
            type: 'date',
            check: (v) => (v < new Date().toISOString().slice(0, 10) ? undefined : text.birthWrong),
          },
          {
            name: 'email',
            label: text.email,
            type: 'email',
            optional: true,
            check: (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? undefined : text.emailWrong),
          },
        ]}
        send={async ({ email, ...rest }) => {
          const created = await api<{ given_name: string; family_name: string; ecfmg_id: string }>(
            'POST',
            '/v1/applicants',
            { ...rest, ...(email ? { email } : {}) },
          );
          return text.applicantDone(`${created.given_name} ${created.family_name}`, created.ecfmg_id);
        }}
      />
      <RegisterForm
        id="program"
        title={text.program}
        submitLabel={text.registerProgram}
        conflicts={{ program_exists: 'acgme_id' }}
        fields={[
          { name: 'acgme_id', label: text.acgme, hint: text.acgmeHint, check: digitsOf(10, text.acgmeWrong) },
          { name: 'name', label: text.programName },
          { name: 'specialty', label: text.specialty },
        ]}
        send={async (values) => text.programDone((await api<{ name: string }>('POST', '/v1/programs', values)).name)}
      />
    </section>
  );
}

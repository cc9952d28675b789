-- The trust registry: who may sign (schools and their keys) and who documents are about or for
-- (applicants and programs). Rows here are never deleted: a key or a school's history is evidence.
-- Times are kept to the millisecond, the precision of a JavaScript Date and so of a list cursor:
-- with microseconds, a cursor rounded to the millisecond would point before its own row.

create table schools (
  id uuid primary key default gen_random_uuid(),
  -- World Directory of Medical Schools id.
  wdoms_id text not null unique check (wdoms_id ~ '^F[0-9]{7}$'),
  name text not null check (char_length(name) between 1 and 200),
  -- ISO 3166-1 alpha-2; the application checks it against the real list.
  country text not null check (country ~ '^[A-Z]{2}$'),
  contact_email text not null check (char_length(contact_email) between 3 and 254),
  status text not null default 'pending' check (status in ('pending', 'active', 'suspended')),
  status_reason text null check (char_length(status_reason) <= 500),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);

create index schools_created_at_id on schools (created_at, id);

create trigger schools_set_updated_at before update on schools
  for each row execute function set_updated_at();

-- Every status a school has had, with who set it. from_status is null for the creation.
create table school_status_events (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references schools (id),
  from_status text null check (from_status in ('pending', 'active', 'suspended')),
  to_status text not null check (to_status in ('pending', 'active', 'suspended')),
  reason text null check (char_length(reason) <= 500),
  -- The access token's sub.
  actor text not null,
  created_at timestamptz(3) not null default now()
);

create index school_status_events_school_created on school_status_events (school_id, created_at, id);

-- A school's public signing keys. kid is unique across all schools, and so is the key itself
-- (its RFC 7638 thumbprint), so one key never speaks for two schools, nor comes back after revocation.
create table school_keys (
  kid text primary key check (kid ~ '^[A-Za-z0-9_-][A-Za-z0-9._:~-]{0,127}$'),
  thumbprint text not null unique,
  school_id uuid not null references schools (id),
  alg text not null check (alg in ('EdDSA', 'ES256', 'ES384', 'PS256', 'RS256')),
  -- Public members only, with kid, alg and use as published in the school's JWKS.
  jwk jsonb not null check (not (jwk ? 'd')),
  status text not null default 'active' check (status in ('active', 'revoked')),
  created_by text not null,
  created_at timestamptz(3) not null default now(),
  revoked_at timestamptz(3) null,
  revoked_by text null,
  revoked_reason text null check (char_length(revoked_reason) <= 500),
  compromised_at timestamptz(3) null,
  check ((status = 'revoked') = (revoked_at is not null and revoked_by is not null)),
  check (compromised_at is null or status = 'revoked')
);

create index school_keys_school_created on school_keys (school_id, created_at, kid);

create table applicants (
  id uuid primary key default gen_random_uuid(),
  ecfmg_id text not null unique check (ecfmg_id ~ '^[0-9]{8}$'),
  given_name text not null check (char_length(given_name) between 1 and 100),
  family_name text not null check (char_length(family_name) between 1 and 100),
  date_of_birth date not null,
  email text null check (char_length(email) between 3 and 254),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);

create trigger applicants_set_updated_at before update on applicants
  for each row execute function set_updated_at();

create table programs (
  id uuid primary key default gen_random_uuid(),
  -- ACGME program id.
  acgme_id text not null unique check (acgme_id ~ '^[0-9]{10}$'),
  name text not null check (char_length(name) between 1 and 200),
  specialty text not null check (char_length(specialty) between 1 and 100),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);

create trigger programs_set_updated_at before update on programs
  for each row execute function set_updated_at();

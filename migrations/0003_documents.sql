-- Letters an applicant asked for. The id is the single-use letter_id the school puts in the LoR's manifest.
create table letter_requests (
  id uuid primary key default gen_random_uuid(),
  applicant_id uuid not null references applicants (id),
  author_name text not null,
  author_email text,
  waive_right_to_view boolean not null,
  status text not null default 'requested' check (status in ('requested', 'received')),
  document_id uuid,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index letter_requests_by_applicant on letter_requests (applicant_id, created_at, id);
create trigger letter_requests_updated_at before update on letter_requests for each row execute function set_updated_at();

create table documents (
  id uuid primary key default gen_random_uuid(),
  type text not null check (type in ('mspe', 'transcript', 'lor')),
  status text not null check (status in ('verified', 'unmatched', 'needs_review', 'rejected', 'superseded', 'revoked')),
  status_reason text,
  school_id uuid not null references schools (id),
  applicant_id uuid references applicants (id),
  -- The identity as the school signed it, kept for matching later and for review.
  ecfmg_id text not null check (ecfmg_id ~ '^[0-9]{8}$'),
  given_name text not null,
  family_name text not null,
  date_of_birth date not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  size bigint not null check (size > 0),
  media_type text not null,
  submission_id text not null,
  key_id text not null references school_keys (kid),
  signed_at timestamptz(3) not null,
  -- The school's compact JWS exactly as received, so anyone can check it again with the school's key.
  manifest text not null,
  manifest_sha256 text not null,
  letter_id uuid references letter_requests (id),
  supersedes uuid unique references documents (id),
  superseded_by uuid references documents (id),
  available_at timestamptz(3) not null,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  constraint documents_submission_once unique (school_id, submission_id)
);
alter table letter_requests add constraint letter_requests_document foreign key (document_id) references documents (id);

-- Every list is ordered by (updated_at, id) within its scope, so each scope has that index.
create index documents_by_updated on documents (updated_at, id);
create index documents_by_school on documents (school_id, updated_at, id);
create index documents_by_applicant on documents (applicant_id, updated_at, id) where applicant_id is not null;
create index documents_waiting_for_applicant on documents (ecfmg_id) where status = 'unmatched';
create index documents_by_sha256 on documents (sha256);
create index documents_by_key on documents (key_id, signed_at);
create trigger documents_updated_at before update on documents for each row execute function set_updated_at();

-- The bytes, in 1 MiB chunks: a 20 MiB upload or download never sits whole in the server's memory.
create table document_chunks (
  document_id uuid not null references documents (id) on delete cascade,
  seq integer not null,
  bytes bytea not null,
  primary key (document_id, seq)
);
-- PDFs are already compressed: skip TOAST's compression attempt.
alter table document_chunks alter column bytes set storage external;

create table document_events (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null references documents (id),
  from_status text,
  to_status text not null,
  reason text,
  actor text not null,
  actor_role text not null,
  created_at timestamptz(3) not null default clock_timestamp()
);
create index document_events_by_document on document_events (document_id, created_at, id);

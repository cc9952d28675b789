-- Releases: an applicant lets one program see one of their documents. A withdrawn release stays as
-- a row (who withdrew it and when), so the history of who could see what is never lost.
-- Disclosures: every content download and receipt fetch by a program, for the applicant to see.
-- Times are kept to the millisecond, the precision of a JavaScript Date and of a list cursor.

create table releases (
  id uuid primary key default gen_random_uuid(),
  applicant_id uuid not null references applicants (id),
  document_id uuid not null references documents (id),
  program_id uuid not null references programs (id),
  created_at timestamptz(3) not null default now(),
  -- The access token's sub.
  created_by text not null,
  withdrawn_at timestamptz(3) null,
  withdrawn_by text null,
  -- A copy of documents.updated_at, kept by the triggers below and never written by the application:
  -- a program's list is ordered by its documents' (updated_at, id), and with the copy here that order
  -- is one index range per program, however many documents the table holds.
  document_updated_at timestamptz(3) not null,
  check ((withdrawn_at is null) = (withdrawn_by is null))
);

-- One active release per document and program; also the lookup of "is this released to that program".
create unique index releases_active_once on releases (document_id, program_id) where withdrawn_at is null;
-- A program's documents, in list order; and narrowed to one applicant (the program director's usual question).
create index releases_program_list on releases (program_id, document_updated_at, document_id) where withdrawn_at is null;
create index releases_program_applicant on releases (program_id, applicant_id, document_updated_at, document_id) where withdrawn_at is null;
-- updated_since also finds documents released since then, whatever their own updated_at.
create index releases_program_created on releases (program_id, created_at) where withdrawn_at is null;
-- An applicant's releases, in creation order.
create index releases_by_applicant on releases (applicant_id, created_at, id);

-- A release takes its document's updated_at when it is made or moved to a replacement document ...
create function releases_copy_document_updated_at() returns trigger
language plpgsql as $$
begin
  select d.updated_at into new.document_updated_at from documents d where d.id = new.document_id;
  return new;
end;
$$;

create trigger releases_copy_document_updated_at before insert or update of document_id on releases
  for each row execute function releases_copy_document_updated_at();

-- ... and follows it whenever the document changes, whoever changes it.
create function releases_follow_document() returns trigger
language plpgsql as $$
begin
  update releases set document_updated_at = new.updated_at where document_id = new.id and withdrawn_at is null;
  return null;
end;
$$;

create trigger documents_releases_follow after update on documents
  for each row when (old.updated_at is distinct from new.updated_at)
  execute function releases_follow_document();

create table disclosures (
  id uuid primary key default gen_random_uuid(),
  -- Whom the document is about: the one who reads this list.
  applicant_id uuid not null references applicants (id),
  document_id uuid not null references documents (id),
  program_id uuid not null references programs (id),
  kind text not null check (kind in ('content', 'receipt')),
  -- The program's access token's sub.
  actor text not null,
  created_at timestamptz(3) not null default clock_timestamp()
);

create index disclosures_by_applicant on disclosures (applicant_id, created_at, id);

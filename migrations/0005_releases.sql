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

-- A program's reads are the service's hottest queries. Sent as plain statements, each request pays
-- for parsing and planning a three-table join, several times what running it costs; a PL/pgSQL
-- function keeps the plan of each statement for the life of the connection. Both functions answer
-- only through an active release of the program, with rows of this view: every documents column
-- (as the table had them when this view was made; a test compares the two), the school's summary,
-- and the release's columns the filters and the order need.
create view program_document_rows as
  select d.*,
    s.wdoms_id as school_wdoms_id,
    s.name as school_name,
    r.program_id as release_program_id,
    r.applicant_id as release_applicant_id,
    r.document_id as release_document_id,
    r.created_at as released_at,
    r.withdrawn_at as release_withdrawn_at,
    r.document_updated_at as listed_at
  from releases r
  join documents d on d.id = r.document_id
  join schools s on s.id = d.school_id;

create function program_released_document(p_program uuid, p_document uuid)
returns setof program_document_rows
language plpgsql stable as $$
begin
  return query
    select v.* from program_document_rows v
    where v.release_document_id = p_document and v.release_program_id = p_program and v.release_withdrawn_at is null;
end;
$$;

-- One page of a program's documents in (updated_at, id) order, after the cursor (p_after_at,
-- p_after_id). Each branch is one range of its own index, so the plan kept for it stays the right
-- one whatever the values: narrowed to an applicant (releases_program_applicant), changed or
-- released since a time (releases_program_list and releases_program_created), or all of them.
create function program_documents(
  p_program uuid,
  p_applicant uuid,
  p_ecfmg_id text,
  p_type text,
  p_status text,
  p_updated_since timestamptz,
  p_after_at timestamptz,
  p_after_id uuid,
  p_limit integer
)
returns setof program_document_rows
language plpgsql stable as $$
declare
  v_applicant uuid := p_applicant;
  v_after_at timestamptz := coalesce(p_after_at, '-infinity');
  v_after_id uuid := coalesce(p_after_id, '00000000-0000-0000-0000-000000000000');
begin
  if p_ecfmg_id is not null then
    select a.id into v_applicant from applicants a where a.ecfmg_id = p_ecfmg_id;
    if v_applicant is null or (p_applicant is not null and p_applicant <> v_applicant) then
      return;
    end if;
  end if;
  if v_applicant is not null then
    return query
      select v.* from program_document_rows v
      where v.release_program_id = p_program and v.release_applicant_id = v_applicant and v.release_withdrawn_at is null
        and (v.listed_at, v.release_document_id) > (v_after_at, v_after_id)
        and (p_updated_since is null or v.listed_at >= p_updated_since or v.released_at >= p_updated_since)
        and (p_type is null or v.type = p_type)
        and (p_status is null or v.status = p_status)
      order by v.listed_at, v.release_document_id
      limit p_limit;
  elsif p_updated_since is not null then
    return query
      select v.* from program_document_rows v
      where v.release_program_id = p_program and v.release_withdrawn_at is null
        and (v.listed_at >= p_updated_since or v.released_at >= p_updated_since)
        and (v.listed_at, v.release_document_id) > (v_after_at, v_after_id)
        and (p_type is null or v.type = p_type)
        and (p_status is null or v.status = p_status)
      order by v.listed_at, v.release_document_id
      limit p_limit;
  else
    return query
      select v.* from program_document_rows v
      where v.release_program_id = p_program and v.release_withdrawn_at is null
        and (v.listed_at, v.release_document_id) > (v_after_at, v_after_id)
        and (p_type is null or v.type = p_type)
        and (p_status is null or v.status = p_status)
      order by v.listed_at, v.release_document_id
      limit p_limit;
  end if;
end;
$$;

-- Trust rules (issue 11): letter requests bound to a school, rejected documents detached from the
-- applicant they were wrongly linked to, releases kept on verified documents only, and the school's
-- current standing beside every document a program reads.

-- A letter request names the school that is to answer it; a letter from any other school is refused.
-- Requests already answered take the school of the letter that answered them. Open requests made
-- before this migration name no school, and are refused until the applicant asks again naming one.
alter table letter_requests add column school_id uuid references schools (id);
update letter_requests l set school_id = d.school_id from documents d where d.id = l.document_id;

-- A rejected document was not about the applicant its ECFMG ID named: it is no longer linked to
-- them, and the letter request it answered (if any) is open again.
update letter_requests l set status = 'requested', document_id = null
  from documents d
  where d.id = l.document_id
    and exists (select 1 from document_events e where e.document_id = d.id and e.to_status = 'rejected');
update documents d set applicant_id = null
  where d.applicant_id is not null
    and exists (select 1 from document_events e where e.document_id = d.id and e.to_status = 'rejected');

-- Releases that followed a replacement never verified go back, hop by hop, to the document they
-- replaced: a program keeps the superseded original until the replacement is verified.
do $$
declare
  moved integer;
begin
  loop
    update releases r set document_id = d.supersedes
      from documents d
      where d.id = r.document_id
        and r.withdrawn_at is null
        and d.supersedes is not null
        and not exists (select 1 from document_events e where e.document_id = d.id and e.to_status = 'verified');
    get diagnostics moved = row_count;
    exit when moved = 0;
  end loop;
end;
$$;

-- A program's reads show the issuing school's current standing: new columns go at the end of the
-- view, so program_released_document and program_documents (which return its rows) are unchanged.
create or replace view program_document_rows as
  select d.*,
    s.wdoms_id as school_wdoms_id,
    s.name as school_name,
    r.program_id as release_program_id,
    r.applicant_id as release_applicant_id,
    r.document_id as release_document_id,
    r.created_at as released_at,
    r.withdrawn_at as release_withdrawn_at,
    r.document_updated_at as listed_at,
    s.status as school_status,
    s.status_reason as school_status_reason
  from releases r
  join documents d on d.id = r.document_id
  join schools s on s.id = d.school_id;

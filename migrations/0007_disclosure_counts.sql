-- Repeated downloads by one program of one document within a short window are one disclosure
-- with a count, so a program's client fetching a document in a loop leaves one row per window,
-- not one per request. The window counts from the disclosure's created_at (the first download);
-- last_disclosed_at is the latest one it counts.

alter table disclosures
  add column count integer not null default 1 check (count >= 1),
  add column last_disclosed_at timestamptz(3) null;

update disclosures set last_disclosed_at = created_at;

alter table disclosures
  alter column last_disclosed_at set not null,
  alter column last_disclosed_at set default clock_timestamp(),
  add check (last_disclosed_at >= created_at);

-- The lookup of the open window: the latest disclosure of this document to this program, of this kind.
create index disclosures_window on disclosures (document_id, program_id, kind, created_at desc);

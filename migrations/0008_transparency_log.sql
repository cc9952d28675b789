-- The transparency log (signing.md, "The transparency log"): entries waiting for the sequencer,
-- written in the same transaction as the change they record; entries with their indexes; hash
-- tiles (c2sp.org/tlog-tiles, full and partial); signed checkpoints. What is published never
-- changes: triggers refuse to update or delete entries, tiles and checkpoints, so only someone who
-- switches them off can rewrite history, and the auditors then see it.

create table log_pending (
  id bigserial primary key,
  -- RFC 8785 canonical JSON, at most 8 KiB.
  entry bytea not null check (octet_length(entry) between 1 and 8192),
  -- A document entry's document, so its receipt can tell whether its latest entry is in the log yet.
  document_id uuid null,
  created_at timestamptz(3) not null default now()
);

create index log_pending_document on log_pending (document_id) where document_id is not null;

create table log_entries (
  idx bigint primary key check (idx >= 0),
  entry bytea not null check (octet_length(entry) between 1 and 8192),
  document_id uuid null,
  -- When the change was committed (its pending row's time), for the commit-to-checkpoint figure.
  committed_at timestamptz(3) not null,
  integrated_at timestamptz(3) not null default now()
);

create index log_entries_document on log_entries (document_id, idx) where document_id is not null;

create table log_tiles (
  level smallint not null check (level between 0 and 63),
  n bigint not null check (n >= 0),
  -- 256 for a full tile; a partial tile is kept for every checkpointed tree size.
  width smallint not null check (width between 1 and 256),
  hashes bytea not null check (octet_length(hashes) = width * 32),
  primary key (level, n, width)
);

create table log_checkpoints (
  tree_size bigint primary key check (tree_size >= 0),
  root_hash bytea not null check (octet_length(root_hash) = 32),
  -- The signed note exactly as served.
  note text not null,
  created_at timestamptz(3) not null default now()
);

create function log_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the transparency log is append-only: % on % refused', tg_op, tg_table_name
    using errcode = 'restrict_violation';
end
$$;

create trigger log_entries_append_only before update or delete on log_entries
  for each row execute function log_refuse_change();
create trigger log_tiles_append_only before update or delete on log_tiles
  for each row execute function log_refuse_change();
create trigger log_checkpoints_append_only before update or delete on log_checkpoints
  for each row execute function log_refuse_change();

-- What existed before the log: the history of every school, key and document, in one
-- deterministic order (time, then kind, then id). The sequencer turns these rows into entries
-- before anything newer, once, under its lock, and empties the table.
create table log_backfill (
  ordinal bigint primary key,
  kind text not null check (kind in ('school', 'key', 'document')),
  school_id uuid null,
  kid text null,
  document_id uuid null,
  seq integer null,
  status text not null,
  -- The document's reason code at that step (never a free-text note).
  reason_code text null,
  at timestamptz(3) not null
);

insert into log_backfill (ordinal, kind, school_id, kid, document_id, seq, status, reason_code, at)
select row_number() over (order by at, rank, ref), kind, school_id, kid, document_id, seq, status, reason_code, at
from (
  select 'school' as kind, 1 as rank, e.id::text as ref, e.school_id, null::text as kid, null::uuid as document_id,
    null::integer as seq, e.to_status as status, null::text as reason_code, e.created_at as at
  from school_status_events e
  union all
  select 'key', 2, k.kid || '/registered', k.school_id, k.kid, null, null, 'active', null, k.created_at
  from school_keys k
  union all
  select 'key', 2, k.kid || '/revoked', k.school_id, k.kid, null, null, 'revoked', null, k.revoked_at
  from school_keys k where k.status = 'revoked'
  union all
  select 'document', 3, e.id::text, null, null, e.document_id,
    row_number() over (partition by e.document_id order by e.created_at, e.id)::integer,
    e.to_status,
    case
      when e.id = (select last.id from document_events last where last.document_id = e.document_id
                   order by last.created_at desc, last.id desc limit 1) then d.status_reason
      when e.to_status = 'revoked' and e.reason like 'signing key % reported compromised%' then 'key_compromised'
      else null
    end,
    e.created_at
  from document_events e join documents d on d.id = e.document_id
) history;

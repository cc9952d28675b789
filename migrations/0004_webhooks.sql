-- Webhooks: endpoints registered by schools, programs and admins; an outbox of events written in
-- the same transaction as the change they describe; one delivery per (endpoint, event) that the
-- dispatcher claims with FOR UPDATE SKIP LOCKED. Times are kept to the millisecond, the precision
-- of a JavaScript Date and of a list cursor.

create table webhook_endpoints (
  id uuid primary key default gen_random_uuid(),
  owner_role text not null check (owner_role in ('admin', 'school', 'program')),
  -- The school or program the endpoint belongs to; admins' endpoints belong to every admin.
  owner_id uuid null,
  url text not null check (char_length(url) between 1 and 2048),
  events text[] not null check (
    cardinality(events) between 1 and 8
    and events <@ array['document.verified', 'document.unmatched', 'document.needs_review', 'document.rejected',
                        'document.superseded', 'document.revoked', 'release.created', 'release.withdrawn']
  ),
  description text null check (char_length(description) <= 500),
  status text not null default 'enabled' check (status in ('enabled', 'disabled')),
  -- Why it was disabled: its owner, the receiver answering 410, or 5 days of failures.
  disabled_reason text null check (disabled_reason in ('owner', 'gone', 'failing')),
  -- Kept as is so the dispatcher can sign; encrypting it at rest is future work.
  secret text not null check (secret ~ '^whsec_[A-Za-z0-9+/]{43}=$'),
  -- After a rotation the old secret keeps signing until previous_secret_expires_at.
  previous_secret text null,
  previous_secret_expires_at timestamptz(3) null,
  -- The first failure since the last success; cleared by a success.
  failing_since timestamptz(3) null,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  check ((owner_role = 'admin') = (owner_id is null)),
  check ((status = 'disabled') = (disabled_reason is not null)),
  check ((previous_secret is null) = (previous_secret_expires_at is null))
);

-- Listing an owner's endpoints, and the fan-out's lookup of the endpoints that hear an event.
create index webhook_endpoints_owner on webhook_endpoints (owner_role, owner_id, created_at, id);

create trigger webhook_endpoints_set_updated_at before update on webhook_endpoints
  for each row execute function set_updated_at();

-- The outbox. The audience is kept so a replay reaches exactly the endpoints that may hear the
-- event: the document's school, and the programs it was released to when the event happened.
create table webhook_events (
  id uuid primary key default gen_random_uuid(),
  type text not null check (type in ('document.verified', 'document.unmatched', 'document.needs_review',
    'document.rejected', 'document.superseded', 'document.revoked', 'release.created', 'release.withdrawn')),
  data jsonb not null check (jsonb_typeof(data) = 'object'),
  audience_school_id uuid null,
  audience_program_ids uuid[] not null default '{}',
  created_at timestamptz(3) not null default now()
);

create index webhook_events_created on webhook_events (created_at, id);
create index webhook_events_school_created on webhook_events (audience_school_id, created_at, id)
  where audience_school_id is not null;
create index webhook_events_programs on webhook_events using gin (audience_program_ids);

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
  event_id uuid not null references webhook_events (id),
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  attempt_count integer not null default 0 check (attempt_count >= 0),
  -- When pending: the next attempt is due then. A dispatcher that claims the delivery moves it to
  -- the end of its lease, so a crashed dispatcher's deliveries come back on their own.
  next_attempt_at timestamptz(3) null,
  last_attempt_at timestamptz(3) null,
  last_status_code integer null,
  last_error text null check (char_length(last_error) <= 300),
  last_duration_ms integer null,
  -- One object per attempt: {attempt, at, status_code, duration_ms, error}; at most 8 (1 + 7 retries).
  attempts jsonb not null default '[]' check (jsonb_typeof(attempts) = 'array'),
  -- Set for the copies a replay makes.
  replay boolean not null default false,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  check ((status = 'pending') = (next_attempt_at is not null))
);

-- A queue: rows change state several times soon after they are written. Vacuum and analyze it
-- sooner than the defaults (20% and 10% of the table changed) so dead rows and stale statistics
-- do not pile up behind a burst.
alter table webhook_deliveries set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.01);

-- What the dispatcher claims: due pending deliveries, oldest first.
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
-- The owner's list of deliveries of one endpoint, newest first.
create index webhook_deliveries_endpoint_created on webhook_deliveries (endpoint_id, created_at, id);
create index webhook_deliveries_event on webhook_deliveries (event_id);

create trigger webhook_deliveries_set_updated_at before update on webhook_deliveries
  for each row execute function set_updated_at();

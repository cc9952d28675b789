-- The directories: programs and active schools searched by name (and a program's specialty) for any
-- signed-in caller. Search compares text folded the same way on both sides: lower case, accents
-- off, so "sao paulo" finds "São Paulo". pg_trgm makes a substring LIKE use an index; it is a
-- trusted extension (PostgreSQL 13+), shipped with the embedded PostgreSQL and with PostgreSQL 15.

create extension if not exists pg_trgm;

-- Immutable (only immutable built-ins inside), so it can be indexed; unaccent() is not.
create function directory_fold(value text) returns text
  language sql immutable strict parallel safe
  return lower(regexp_replace(normalize(value, NFD), '[\u0300-\u036f]', '', 'g'));

create index programs_directory_search on programs
  using gin (directory_fold(name || ' ' || specialty) gin_trgm_ops);

-- Directory pages without a search walk the list order, as every other list does.
create index programs_created_at_id on programs (created_at, id);

create index schools_directory_search on schools
  using gin (directory_fold(name) gin_trgm_ops) where status = 'active';

create index schools_active_created_at_id on schools (created_at, id) where status = 'active';

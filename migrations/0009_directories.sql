-- The directories: programs and active schools searched by the words of their name (and a
-- program's specialty) for any signed-in caller. Text is folded the same way on both sides (lower
-- case, accents off: "sao jose" finds "São José"), split into words by PostgreSQL's text search
-- parser, and each word typed is a prefix of a word of the name. A GIN index on the folded words
-- answers it; built-ins only, so it works the same on the embedded PostgreSQL and any other.
-- (A trigram index would find fragments inside words too, but measured 3 to 4 times slower per
-- search at 100,000 programs: bench/README.md, "Directory".)

-- Immutable (only immutable built-ins inside), so it can be indexed; unaccent() is not.
create function directory_fold(value text) returns text
  language sql immutable strict parallel safe
  return lower(regexp_replace(normalize(value, NFD), '[\u0300-\u036f]', '', 'g'));

-- Stored: a prefix match rechecks each row the index returns, and recomputing the words there cost
-- more than the rest of the search. Read only by the search; the application never selects it.
alter table programs add column directory_words tsvector
  generated always as (to_tsvector('simple', directory_fold(name || ' ' || specialty))) stored;

create index programs_directory_search on programs using gin (directory_words);

-- Directory pages without a search walk the list order, as every other list does.
create index programs_created_at_id on programs (created_at, id);

-- A few thousand schools at most: an index on the expression is enough.
create index schools_directory_search on schools
  using gin (to_tsvector('simple', directory_fold(name))) where status = 'active';

create index schools_active_created_at_id on schools (created_at, id) where status = 'active';

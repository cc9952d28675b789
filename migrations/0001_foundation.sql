-- Shared by every table that has updated_at: the database, not the application, keeps it true.
create or replace function set_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

-- An operator lists the schools of one status (`GET /v1/schools?status=pending`: the ones waiting
-- for vetting), oldest first and keyset-paged like every list, so the list reads this index from
-- the cursor on instead of walking every school of the other statuses to find a page.
create index schools_status_created_at_id on schools (status, created_at, id);

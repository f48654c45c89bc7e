-- +goose Up
-- A partner's list of one sector counts the live public listings of that
-- sector. SQLite keeps no statistics and counts up to the limit: without
-- this index it read the table for each of 10,000 rows (status, visibility,
-- end), which made a partner's sector list 12-18 times a staff member's,
-- whose count listings_kind_sector_idx covers. The end date is all a count
-- reads besides the key, and nothing else keeps the index small. Postgres
-- asks its planner instead and needs no such index.
CREATE INDEX listings_live_sector_idx ON listings (kind, sector, ends_at)
    WHERE status = 'published' AND visibility = 'public';

-- +goose Down
DROP INDEX listings_live_sector_idx;

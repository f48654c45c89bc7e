-- +goose Up
-- A partner's list of one sector counts the live public listings of that
-- sector. SQLite keeps no statistics and counts up to the limit: without
-- this index it read the table for each of 10,000 rows (status, visibility,
-- end and institution), which made a partner's sector list 10-20 times a
-- staff member's, whose count listings_kind_sector_idx covers. Postgres asks
-- its planner instead and needs no such index.
CREATE INDEX listings_live_public_sector_idx ON listings (kind, sector, id, ends_at, institution_id)
    WHERE status = 'published' AND visibility = 'public';

-- +goose Down
DROP INDEX listings_live_public_sector_idx;

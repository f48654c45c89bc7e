-- +goose Up
-- 00010 built the FTS5 index row by row as 00011 filled the terms: merge its
-- segments into one b-tree, as Postgres's 00012 builds its GIN index in one go.
INSERT INTO listing_search (listing_search) VALUES ('optimize');

-- +goose Down
SELECT 1;

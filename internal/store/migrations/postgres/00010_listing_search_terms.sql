-- +goose Up
-- The terms a list search (q) finds a listing under, computed in Go by the
-- matcher's analysis (so both databases agree) and space-separated:
-- search_title from the title (for ranking), search_terms from title,
-- summary and keywords. 00011 fills them for existing rows; 00012 indexes them.
ALTER TABLE listings
    ADD COLUMN search_title TEXT NOT NULL DEFAULT '',
    ADD COLUMN search_terms TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE listings DROP COLUMN search_terms, DROP COLUMN search_title;

-- +goose Up
-- The terms a list search (q) finds a listing under, computed in Go by the
-- matcher's analysis (so both databases agree) and space-separated:
-- search_title from the title (for ranking), search_terms from title,
-- summary and keywords. 00011 fills them for existing rows.
ALTER TABLE listings ADD COLUMN search_title TEXT NOT NULL DEFAULT '';
ALTER TABLE listings ADD COLUMN search_terms TEXT NOT NULL DEFAULT '';

-- The FTS5 index over search_terms. The terms hold no ASCII separators or
-- capitals, so the ascii tokenizer takes each one whole (non-ASCII bytes are
-- token characters): the same terms as Postgres's lexemes. Its rowids come
-- from listing_search_rows, whose INTEGER PRIMARY KEY, unlike the listings
-- table's implicit rowid, survives VACUUM.
CREATE TABLE listing_search_rows (
    rid        INTEGER PRIMARY KEY,
    listing_id TEXT    NOT NULL UNIQUE
) STRICT;
CREATE VIRTUAL TABLE listing_search USING fts5(
    terms, content = '', contentless_delete = 1, tokenize = 'ascii', prefix = '3');

INSERT INTO listing_search_rows (listing_id) SELECT id FROM listings;

-- +goose StatementBegin
CREATE TRIGGER listings_search_insert AFTER INSERT ON listings BEGIN
    INSERT INTO listing_search_rows (listing_id) VALUES (new.id);
    INSERT INTO listing_search (rowid, terms)
        VALUES ((SELECT rid FROM listing_search_rows WHERE listing_id = new.id), new.search_terms);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER listings_search_update AFTER UPDATE OF search_terms ON listings BEGIN
    DELETE FROM listing_search WHERE rowid = (SELECT rid FROM listing_search_rows WHERE listing_id = old.id);
    INSERT INTO listing_search (rowid, terms)
        VALUES ((SELECT rid FROM listing_search_rows WHERE listing_id = new.id), new.search_terms);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER listings_search_delete AFTER DELETE ON listings BEGIN
    DELETE FROM listing_search WHERE rowid = (SELECT rid FROM listing_search_rows WHERE listing_id = old.id);
    DELETE FROM listing_search_rows WHERE listing_id = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER listings_search_delete;
DROP TRIGGER listings_search_update;
DROP TRIGGER listings_search_insert;
DROP TABLE listing_search;
DROP TABLE listing_search_rows;
ALTER TABLE listings DROP COLUMN search_terms;
ALTER TABLE listings DROP COLUMN search_title;

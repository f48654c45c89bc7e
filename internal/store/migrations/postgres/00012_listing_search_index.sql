-- +goose Up
-- The terms become lexemes as they are (array_to_tsvector does no parsing or
-- stemming of its own), so a tsquery of quoted terms matches exactly what
-- SQLite's FTS5 table matches. array_remove guards against empty elements,
-- which array_to_tsvector rejects.
CREATE INDEX listings_search_idx ON listings
    USING gin (array_to_tsvector(array_remove(string_to_array(search_terms, ' '), '')));

-- +goose Down
DROP INDEX listings_search_idx;

-- +goose Up
-- A search ranked by relevance reads every match: through listing_search_rows
-- and then the wide listings row (two more b-tree descents, about 700 bytes a
-- row), which made q=solar at 100,000 offers (1,500 matches) cost 20-40 ms.
-- listing_search_rows now also holds what a search filters and ranks on, kept
-- by the triggers below, so that ranking reads the FTS5 table and this
-- narrow table only, and the whole row is read for the page alone. Its
-- listing_id becomes id, so that the list filters apply to it unchanged.
DROP TRIGGER listings_search_insert;
DROP TRIGGER listings_search_update;
DROP TRIGGER listings_search_delete;
ALTER TABLE listing_search_rows RENAME COLUMN listing_id TO id;
ALTER TABLE listing_search_rows ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE listing_search_rows ADD COLUMN institution_id TEXT NOT NULL DEFAULT '';
ALTER TABLE listing_search_rows ADD COLUMN sector TEXT NOT NULL DEFAULT '';
ALTER TABLE listing_search_rows ADD COLUMN subsector TEXT NOT NULL DEFAULT '';
ALTER TABLE listing_search_rows ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE listing_search_rows ADD COLUMN trl INTEGER NOT NULL DEFAULT 0;
ALTER TABLE listing_search_rows ADD COLUMN transfer_modes TEXT NOT NULL DEFAULT '';
ALTER TABLE listing_search_rows ADD COLUMN visibility TEXT NOT NULL DEFAULT '';
ALTER TABLE listing_search_rows ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE listing_search_rows ADD COLUMN ends_at TEXT;
ALTER TABLE listing_search_rows ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
ALTER TABLE listing_search_rows ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE listing_search_rows ADD COLUMN search_title TEXT NOT NULL DEFAULT '';

UPDATE listing_search_rows SET kind = l.kind, institution_id = l.institution_id, sector = l.sector,
    subsector = l.subsector, language = l.language, trl = l.trl, transfer_modes = l.transfer_modes,
    visibility = l.visibility, status = l.status, ends_at = l.ends_at, created_at = l.created_at,
    updated_at = l.updated_at, search_title = l.search_title
FROM listings l WHERE l.id = listing_search_rows.id;

-- +goose StatementBegin
CREATE TRIGGER listings_search_insert AFTER INSERT ON listings BEGIN
    INSERT INTO listing_search_rows (id, kind, institution_id, sector, subsector, language, trl, transfer_modes,
        visibility, status, ends_at, created_at, updated_at, search_title)
    VALUES (new.id, new.kind, new.institution_id, new.sector, new.subsector, new.language, new.trl,
        new.transfer_modes, new.visibility, new.status, new.ends_at, new.created_at, new.updated_at, new.search_title);
    INSERT INTO listing_search (rowid, terms)
        VALUES ((SELECT rid FROM listing_search_rows WHERE id = new.id), new.search_terms);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER listings_search_update AFTER UPDATE OF search_terms ON listings BEGIN
    DELETE FROM listing_search WHERE rowid = (SELECT rid FROM listing_search_rows WHERE id = old.id);
    INSERT INTO listing_search (rowid, terms)
        VALUES ((SELECT rid FROM listing_search_rows WHERE id = new.id), new.search_terms);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER listings_search_columns AFTER UPDATE OF kind, institution_id, sector, subsector, language, trl,
    transfer_modes, visibility, status, ends_at, created_at, updated_at, search_title ON listings BEGIN
    UPDATE listing_search_rows SET kind = new.kind, institution_id = new.institution_id, sector = new.sector,
        subsector = new.subsector, language = new.language, trl = new.trl, transfer_modes = new.transfer_modes,
        visibility = new.visibility, status = new.status, ends_at = new.ends_at, created_at = new.created_at,
        updated_at = new.updated_at, search_title = new.search_title
    WHERE id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER listings_search_delete AFTER DELETE ON listings BEGIN
    DELETE FROM listing_search WHERE rowid = (SELECT rid FROM listing_search_rows WHERE id = old.id);
    DELETE FROM listing_search_rows WHERE id = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER listings_search_insert;
DROP TRIGGER listings_search_update;
DROP TRIGGER listings_search_columns;
DROP TRIGGER listings_search_delete;
ALTER TABLE listing_search_rows DROP COLUMN search_title;
ALTER TABLE listing_search_rows DROP COLUMN updated_at;
ALTER TABLE listing_search_rows DROP COLUMN created_at;
ALTER TABLE listing_search_rows DROP COLUMN ends_at;
ALTER TABLE listing_search_rows DROP COLUMN status;
ALTER TABLE listing_search_rows DROP COLUMN visibility;
ALTER TABLE listing_search_rows DROP COLUMN transfer_modes;
ALTER TABLE listing_search_rows DROP COLUMN trl;
ALTER TABLE listing_search_rows DROP COLUMN language;
ALTER TABLE listing_search_rows DROP COLUMN subsector;
ALTER TABLE listing_search_rows DROP COLUMN sector;
ALTER TABLE listing_search_rows DROP COLUMN institution_id;
ALTER TABLE listing_search_rows DROP COLUMN kind;
ALTER TABLE listing_search_rows RENAME COLUMN id TO listing_id;
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

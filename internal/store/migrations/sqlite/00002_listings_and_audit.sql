-- +goose Up
CREATE TABLE listings (
    id             TEXT    PRIMARY KEY,
    kind           TEXT    NOT NULL CHECK (kind IN ('offer', 'demand')),
    institution_id TEXT    NOT NULL REFERENCES institutions (id),
    title          TEXT    NOT NULL,
    summary        TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    language       TEXT    NOT NULL,
    sector         TEXT    NOT NULL,
    subsector      TEXT    NOT NULL DEFAULT '',
    keywords       TEXT    NOT NULL DEFAULT '',
    trl            INTEGER NOT NULL CHECK (trl BETWEEN 0 AND 9),
    ip_status      TEXT    NOT NULL DEFAULT '',
    transfer_modes TEXT    NOT NULL DEFAULT '',
    countries      TEXT    NOT NULL DEFAULT '',
    amount_min     INTEGER,
    amount_max     INTEGER,
    currency       TEXT    NOT NULL DEFAULT '',
    visibility     TEXT    NOT NULL CHECK (visibility IN ('public', 'confidential')),
    status         TEXT    NOT NULL CHECK (status IN ('draft', 'pending_review', 'published', 'rejected', 'withdrawn', 'expired')),
    status_reason  TEXT    NOT NULL DEFAULT '',
    ends_at        TEXT,
    published_at   TEXT,
    version        INTEGER NOT NULL CHECK (version > 0),
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
) STRICT;
CREATE INDEX listings_kind_id_idx ON listings (kind, id);
CREATE INDEX listings_kind_status_idx ON listings (kind, status, id);
CREATE INDEX listings_kind_updated_idx ON listings (kind, updated_at, id);
CREATE INDEX listings_kind_sector_idx ON listings (kind, sector, id);
CREATE INDEX listings_institution_idx ON listings (institution_id, kind, updated_at);
CREATE INDEX listings_expiry_idx ON listings (ends_at) WHERE status = 'published';

CREATE TABLE audit_events (
    id          TEXT PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_kind  TEXT NOT NULL DEFAULT '',
    actor_role  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    changes     TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, id);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE listings;

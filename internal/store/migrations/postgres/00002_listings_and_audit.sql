-- +goose Up
-- Offers and demands share one table: the same lifecycle, visibility and audit,
-- with the kind-specific fields folded into shared columns (see transfer.Listing).
CREATE TABLE listings (
    id             uuid PRIMARY KEY,
    kind           text        NOT NULL CHECK (kind IN ('offer', 'demand')),
    institution_id uuid        NOT NULL REFERENCES institutions (id),
    title          text        NOT NULL,
    summary        text        NOT NULL,
    description    text        NOT NULL DEFAULT '',
    language       text        NOT NULL,
    sector         text        NOT NULL,
    subsector      text        NOT NULL DEFAULT '',
    keywords       text        NOT NULL DEFAULT '',
    trl            smallint    NOT NULL CHECK (trl BETWEEN 0 AND 9),
    ip_status      text        NOT NULL DEFAULT '',
    transfer_modes text        NOT NULL DEFAULT '',
    countries      text        NOT NULL DEFAULT '',
    amount_min     bigint,
    amount_max     bigint,
    currency       text        NOT NULL DEFAULT '',
    visibility     text        NOT NULL CHECK (visibility IN ('public', 'confidential')),
    status         text        NOT NULL CHECK (status IN ('draft', 'pending_review', 'published', 'rejected', 'withdrawn', 'expired')),
    status_reason  text        NOT NULL DEFAULT '',
    ends_at        timestamptz,
    published_at   timestamptz,
    version        integer     NOT NULL CHECK (version > 0),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX listings_kind_id_idx ON listings (kind, id);
CREATE INDEX listings_kind_status_idx ON listings (kind, status, id);
CREATE INDEX listings_kind_updated_idx ON listings (kind, updated_at, id);
CREATE INDEX listings_kind_sector_idx ON listings (kind, sector, id);
CREATE INDEX listings_institution_idx ON listings (institution_id, kind, updated_at);
CREATE INDEX listings_expiry_idx ON listings (ends_at) WHERE status = 'published';

CREATE TABLE audit_events (
    id          uuid PRIMARY KEY,
    entity_type text        NOT NULL,
    entity_id   uuid        NOT NULL,
    actor_id    text        NOT NULL DEFAULT '',
    actor_kind  text        NOT NULL DEFAULT '',
    actor_role  text        NOT NULL DEFAULT '',
    action      text        NOT NULL,
    changes     text        NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, id);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE listings;

-- +goose Up
-- Partner webhook endpoints. Signing secrets are kept encrypted (AES-GCM with
-- a key derived from the JWT secret): the service must read them to sign.
CREATE TABLE webhook_endpoints (
    id                   TEXT PRIMARY KEY,
    institution_id       TEXT NOT NULL REFERENCES institutions (id),
    url                  TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    events               TEXT NOT NULL, -- ",a,b,"
    paused               INTEGER NOT NULL DEFAULT 0,
    disabled_reason      TEXT NOT NULL DEFAULT '',
    secret               BLOB NOT NULL,
    previous_secret      BLOB,
    previous_until       TEXT,
    version              INTEGER NOT NULL CHECK (version > 0),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;
CREATE INDEX webhook_endpoints_institution_idx ON webhook_endpoints (institution_id);

-- The outbox: events and their deliveries are written in the transaction of
-- the change that caused them, so a crash can delay them but never lose them.
CREATE TABLE webhook_events (
    id             TEXT PRIMARY KEY,
    type           TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    payload        TEXT NOT NULL, -- the JSON body sent
    created_at     TEXT NOT NULL
) STRICT;

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL REFERENCES webhook_events (id),
    endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints (id),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    locked_until    TEXT,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id           TEXT PRIMARY KEY,
    delivery_id  TEXT NOT NULL REFERENCES webhook_deliveries (id),
    attempt      INTEGER NOT NULL,
    status_code  INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    duration_ms  INTEGER NOT NULL,
    at           TEXT NOT NULL
) STRICT;
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempt);

-- listing.expiring is sent once per listing and expiry date.
CREATE TABLE webhook_expiring_sent (
    listing_id TEXT NOT NULL,
    ends_at    TEXT NOT NULL,
    PRIMARY KEY (listing_id, ends_at)
) STRICT;

-- +goose Down
DROP TABLE webhook_expiring_sent;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhook_endpoints;

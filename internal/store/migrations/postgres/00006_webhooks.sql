-- +goose Up
-- Partner webhook endpoints. Signing secrets are kept encrypted (AES-GCM with
-- a key derived from the JWT secret): the service must read them to sign.
CREATE TABLE webhook_endpoints (
    id                   uuid PRIMARY KEY,
    institution_id       uuid NOT NULL REFERENCES institutions (id),
    url                  text NOT NULL,
    description          text NOT NULL DEFAULT '',
    events               text NOT NULL, -- ",a,b,"
    paused               boolean NOT NULL DEFAULT false,
    disabled_reason      text NOT NULL DEFAULT '',
    secret               bytea NOT NULL,
    previous_secret      bytea,
    previous_until       timestamptz,
    version              INTEGER NOT NULL CHECK (version > 0),
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);
CREATE INDEX webhook_endpoints_institution_idx ON webhook_endpoints (institution_id);

-- The outbox: events and their deliveries are written in the transaction of
-- the change that caused them, so a crash can delay them but never lose them.
CREATE TABLE webhook_events (
    id             uuid PRIMARY KEY,
    type           text NOT NULL,
    institution_id uuid NOT NULL,
    payload        text NOT NULL, -- the JSON body sent
    created_at     timestamptz NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              uuid PRIMARY KEY,
    event_id        uuid NOT NULL REFERENCES webhook_events (id),
    endpoint_id     uuid NOT NULL REFERENCES webhook_endpoints (id),
    status          text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    locked_until    timestamptz,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id           uuid PRIMARY KEY,
    delivery_id  uuid NOT NULL REFERENCES webhook_deliveries (id),
    attempt      INTEGER NOT NULL,
    status_code  INTEGER NOT NULL DEFAULT 0,
    error        text NOT NULL DEFAULT '',
    duration_ms  INTEGER NOT NULL,
    at           timestamptz NOT NULL
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempt);

-- listing.expiring is sent once per listing and expiry date.
CREATE TABLE webhook_expiring_sent (
    listing_id uuid NOT NULL,
    ends_at    timestamptz NOT NULL,
    PRIMARY KEY (listing_id, ends_at)
);

-- +goose Down
DROP TABLE webhook_expiring_sent;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhook_endpoints;

-- +goose Up
CREATE TABLE idempotency_keys (
    scope            TEXT    NOT NULL,
    key              TEXT    NOT NULL,
    fingerprint      TEXT    NOT NULL,
    done             INTEGER NOT NULL DEFAULT 0,
    response_status  INTEGER NOT NULL DEFAULT 0,
    response_headers TEXT    NOT NULL DEFAULT '{}',
    response_body    BLOB,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    PRIMARY KEY (scope, key)
) STRICT;
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;

-- +goose Up
-- Ids are UUID text; timestamps are fixed-width RFC 3339 UTC text, so text order is time order.
CREATE TABLE institutions (
    id            TEXT    PRIMARY KEY,
    name          TEXT    NOT NULL,
    local_name    TEXT    NOT NULL DEFAULT '',
    country       TEXT    NOT NULL CHECK (length(country) = 2),
    type          TEXT    NOT NULL,
    sectors       TEXT    NOT NULL DEFAULT '',
    website       TEXT    NOT NULL DEFAULT '',
    description   TEXT    NOT NULL DEFAULT '',
    contact_email TEXT    NOT NULL DEFAULT '',
    verified      INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL CHECK (version > 0),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
) STRICT;
CREATE INDEX institutions_country_idx ON institutions (country, id);
CREATE INDEX institutions_name_idx ON institutions (name, id);

CREATE TABLE users (
    id             TEXT    PRIMARY KEY,
    email          TEXT    NOT NULL UNIQUE,
    role           TEXT    NOT NULL CHECK (role IN ('admin', 'staff', 'partner', 'analyst')),
    institution_id TEXT    REFERENCES institutions (id),
    disabled       INTEGER NOT NULL DEFAULT 0,
    password_hash  TEXT    NOT NULL,
    version        INTEGER NOT NULL CHECK (version > 0),
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    CHECK ((role = 'partner') = (institution_id IS NOT NULL))
) STRICT;
CREATE INDEX users_institution_idx ON users (institution_id);

CREATE TABLE refresh_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id  TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    revoked_at TEXT
) STRICT;
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE api_clients (
    id             TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL REFERENCES institutions (id),
    name           TEXT NOT NULL,
    secret_hash    TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    revoked_at     TEXT
) STRICT;
CREATE INDEX api_clients_institution_idx ON api_clients (institution_id);

-- +goose Down
DROP TABLE api_clients;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE institutions;

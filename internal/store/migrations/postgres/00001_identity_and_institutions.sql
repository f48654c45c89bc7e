-- +goose Up
CREATE TABLE institutions (
    id            uuid PRIMARY KEY,
    name          text        NOT NULL,
    local_name    text        NOT NULL DEFAULT '',
    country       char(2)     NOT NULL,
    type          text        NOT NULL,
    -- sectors as ",a,b," so that one LIKE finds a sector in both dialects
    sectors       text        NOT NULL DEFAULT '',
    website       text        NOT NULL DEFAULT '',
    description   text        NOT NULL DEFAULT '',
    contact_email text        NOT NULL DEFAULT '',
    verified      boolean     NOT NULL DEFAULT false,
    version       integer     NOT NULL CHECK (version > 0),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX institutions_country_idx ON institutions (country, id);
CREATE INDEX institutions_name_idx ON institutions (name, id);

CREATE TABLE users (
    id             uuid PRIMARY KEY,
    email          text        NOT NULL UNIQUE,
    role           text        NOT NULL CHECK (role IN ('admin', 'staff', 'partner', 'analyst')),
    institution_id uuid        REFERENCES institutions (id),
    disabled       boolean     NOT NULL DEFAULT false,
    password_hash  text        NOT NULL,
    version        integer     NOT NULL CHECK (version > 0),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    CHECK ((role = 'partner') = (institution_id IS NOT NULL))
);
CREATE INDEX users_institution_idx ON users (institution_id);

CREATE TABLE refresh_tokens (
    id         uuid PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id  uuid        NOT NULL,
    hash       text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE api_clients (
    id             uuid PRIMARY KEY,
    institution_id uuid        NOT NULL REFERENCES institutions (id),
    name           text        NOT NULL,
    secret_hash    text        NOT NULL,
    created_by     uuid        NOT NULL,
    created_at     timestamptz NOT NULL,
    revoked_at     timestamptz
);
CREATE INDEX api_clients_institution_idx ON api_clients (institution_id);

-- +goose Down
DROP TABLE api_clients;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE institutions;

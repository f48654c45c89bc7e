-- +goose Up
-- Access tokens issued to a principal (user or machine client) before
-- not_before are refused. Every API process keeps the recent rows in memory
-- and reloads them every second, so a revocation reaches every replica
-- without a query per request.
CREATE TABLE token_cutoffs (
    principal_id text        PRIMARY KEY,
    not_before   timestamptz NOT NULL
);
CREATE INDEX token_cutoffs_not_before_idx ON token_cutoffs (not_before);

-- Authentication attempts per key in a fixed window, shared by every
-- process. A key names an account and address pair, an address alone, or a
-- user's password changes; account is what an admin's unlock clears.
CREATE TABLE auth_attempts (
    key          text        PRIMARY KEY,
    account      text        NOT NULL,
    n            integer     NOT NULL,
    window_start timestamptz NOT NULL
);
CREATE INDEX auth_attempts_account_idx ON auth_attempts (account);
CREATE INDEX auth_attempts_window_idx ON auth_attempts (window_start);

-- +goose Down
DROP TABLE auth_attempts;
DROP TABLE token_cutoffs;

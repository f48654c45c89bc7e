-- +goose Up
-- Saved searches (issue 16). Deleted searches stay as tombstones so that
-- other processes' percolators hear of the deletion when they poll.
CREATE TABLE saved_searches (
    id               TEXT PRIMARY KEY,
    owner_id         TEXT NOT NULL,
    owner_kind       TEXT NOT NULL CHECK (owner_kind IN ('user', 'client')),
    institution_id   TEXT,
    name             TEXT NOT NULL,
    type             TEXT NOT NULL CHECK (type IN ('search', 'watch')),
    kind             TEXT NOT NULL CHECK (kind IN ('offer', 'demand')),
    sector           TEXT NOT NULL DEFAULT '',
    subsector        TEXT NOT NULL DEFAULT '',
    country          TEXT NOT NULL DEFAULT '',
    trl_min          INTEGER NOT NULL DEFAULT 0,
    trl_max          INTEGER NOT NULL DEFAULT 0,
    transfer_mode    TEXT NOT NULL DEFAULT '',
    language         TEXT NOT NULL DEFAULT '',
    q                TEXT NOT NULL DEFAULT '',
    watch_listing_id TEXT,
    min_score        INTEGER NOT NULL DEFAULT 0,
    deleted          INTEGER NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL CHECK (version > 0),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX saved_searches_owner_idx ON saved_searches (owner_id) WHERE deleted = 0;
CREATE INDEX saved_searches_institution_idx ON saved_searches (institution_id, id) WHERE deleted = 0;
CREATE INDEX saved_searches_changed_idx ON saved_searches (updated_at, id);

-- Notifications in the app. dedupe_key makes an alert happen once per
-- (search, listing), whichever process evaluates it and however often.
CREATE TABLE notifications (
    id             TEXT PRIMARY KEY,
    recipient_id   TEXT NOT NULL,
    institution_id TEXT,
    type           TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL DEFAULT '',
    data           TEXT NOT NULL DEFAULT '{}',
    dedupe_key     TEXT UNIQUE,
    read_at        TEXT,
    mailed_at      TEXT,
    created_at     TEXT NOT NULL
) STRICT;
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, id);
CREATE INDEX notifications_unread_idx ON notifications (recipient_id) WHERE read_at IS NULL;
CREATE INDEX notifications_unmailed_idx ON notifications (recipient_id, created_at) WHERE mailed_at IS NULL;

CREATE TABLE notification_settings (
    user_id    TEXT PRIMARY KEY REFERENCES users (id),
    email_mode TEXT NOT NULL CHECK (email_mode IN ('instant', 'daily', 'weekly', 'none')),
    language   TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version > 0),
    updated_at TEXT NOT NULL
) STRICT;

-- The mail outbox: written in the transaction that raised the notification
-- (or assembled the digest); message_id is the idempotency key.
CREATE TABLE mail_outbox (
    id              TEXT PRIMARY KEY,
    message_id      TEXT NOT NULL UNIQUE,
    user_id         TEXT NOT NULL,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    unsubscribe_url TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    locked_until    TEXT,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT
) STRICT;
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);

-- +goose Down
DROP TABLE mail_outbox;
DROP TABLE notification_settings;
DROP TABLE notifications;
DROP TABLE saved_searches;

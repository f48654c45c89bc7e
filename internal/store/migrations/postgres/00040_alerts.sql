-- +goose Up
-- Saved searches (issue 16). Deleted searches stay as tombstones so that
-- other processes' percolators hear of the deletion when they poll.
CREATE TABLE saved_searches (
    id               uuid PRIMARY KEY,
    owner_id         uuid NOT NULL,
    owner_kind       text NOT NULL CHECK (owner_kind IN ('user', 'client')),
    institution_id   uuid,
    name             text NOT NULL,
    type             text NOT NULL CHECK (type IN ('search', 'watch')),
    kind             text NOT NULL CHECK (kind IN ('offer', 'demand')),
    sector           text NOT NULL DEFAULT '',
    subsector        text NOT NULL DEFAULT '',
    country          text NOT NULL DEFAULT '',
    trl_min          INTEGER NOT NULL DEFAULT 0,
    trl_max          INTEGER NOT NULL DEFAULT 0,
    transfer_mode    text NOT NULL DEFAULT '',
    language         text NOT NULL DEFAULT '',
    q                text NOT NULL DEFAULT '',
    watch_listing_id uuid,
    min_score        INTEGER NOT NULL DEFAULT 0,
    deleted          boolean NOT NULL DEFAULT false,
    version          INTEGER NOT NULL CHECK (version > 0),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX saved_searches_owner_idx ON saved_searches (owner_id) WHERE NOT deleted;
CREATE INDEX saved_searches_institution_idx ON saved_searches (institution_id, id) WHERE NOT deleted;
CREATE INDEX saved_searches_changed_idx ON saved_searches (updated_at, id);

-- Notifications in the app. dedupe_key makes an alert happen once per
-- (search, listing), whichever process evaluates it and however often.
CREATE TABLE notifications (
    id             uuid PRIMARY KEY,
    recipient_id   uuid NOT NULL,
    institution_id uuid,
    type           text NOT NULL,
    title          text NOT NULL DEFAULT '',
    body           text NOT NULL DEFAULT '',
    data           text NOT NULL DEFAULT '{}',
    dedupe_key     text UNIQUE,
    read_at        timestamptz,
    mailed_at      timestamptz,
    created_at     timestamptz NOT NULL
);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, id);
CREATE INDEX notifications_unread_idx ON notifications (recipient_id) WHERE read_at IS NULL;
CREATE INDEX notifications_unmailed_idx ON notifications (recipient_id, created_at) WHERE mailed_at IS NULL;

CREATE TABLE notification_settings (
    user_id    uuid PRIMARY KEY REFERENCES users (id),
    email_mode text NOT NULL CHECK (email_mode IN ('instant', 'daily', 'weekly', 'none')),
    language   text NOT NULL,
    version    INTEGER NOT NULL CHECK (version > 0),
    updated_at timestamptz NOT NULL
);

-- The mail outbox: written in the transaction that raised the notification
-- (or assembled the digest); message_id is the idempotency key.
CREATE TABLE mail_outbox (
    id              uuid PRIMARY KEY,
    message_id      text NOT NULL UNIQUE,
    user_id         uuid NOT NULL,
    to_addr         text NOT NULL,
    subject         text NOT NULL,
    text_body       text NOT NULL,
    html_body       text NOT NULL,
    unsubscribe_url text NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    locked_until    timestamptz,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    sent_at         timestamptz
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);

-- +goose Down
DROP TABLE mail_outbox;
DROP TABLE notification_settings;
DROP TABLE notifications;
DROP TABLE saved_searches;

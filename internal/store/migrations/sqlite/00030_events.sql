-- +goose Up
-- Matchmaking events (issue 15): sessions are kept with their event (JSON);
-- registrations, meeting requests and meetings have rows of their own.
-- event_bookings holds one row per delegation per slot and one per table per
-- slot of every active meeting: its keys make a double booking impossible,
-- whatever writes race.
CREATE TABLE events (
    id                     TEXT PRIMARY KEY,
    name                   TEXT NOT NULL,
    venue                  TEXT NOT NULL DEFAULT '',
    city                   TEXT NOT NULL DEFAULT '',
    time_zone              TEXT NOT NULL,
    starts_on              TEXT NOT NULL,
    ends_on                TEXT NOT NULL,
    status                 TEXT NOT NULL CHECK (status IN ('draft', 'open', 'agenda_published', 'finished', 'cancelled')),
    registration_opens_at  TEXT,
    registration_closes_at TEXT,
    sessions               TEXT NOT NULL,
    created_by             TEXT NOT NULL,
    version                INTEGER NOT NULL CHECK (version > 0),
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
) STRICT;
CREATE INDEX events_status_idx ON events (status, id);

CREATE TABLE event_registrations (
    id             TEXT PRIMARY KEY,
    event_id       TEXT NOT NULL REFERENCES events (id),
    institution_id TEXT NOT NULL REFERENCES institutions (id),
    delegates      TEXT NOT NULL,
    listing_ids    TEXT NOT NULL,
    unavailable    TEXT NOT NULL,
    max_meetings   INTEGER NOT NULL CHECK (max_meetings >= 0),
    status         TEXT NOT NULL CHECK (status IN ('registered', 'withdrawn')),
    created_by     TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version > 0),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (event_id, institution_id)
) STRICT;

CREATE TABLE event_requests (
    id                   TEXT PRIMARY KEY,
    event_id             TEXT NOT NULL REFERENCES events (id),
    from_registration_id TEXT NOT NULL REFERENCES event_registrations (id),
    to_registration_id   TEXT NOT NULL REFERENCES event_registrations (id),
    offer_id             TEXT NOT NULL DEFAULT '',
    demand_id            TEXT NOT NULL DEFAULT '',
    note                 TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
    response_note        TEXT NOT NULL DEFAULT '',
    created_by           TEXT NOT NULL,
    version              INTEGER NOT NULL CHECK (version > 0),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (event_id, from_registration_id, to_registration_id)
) STRICT;

CREATE TABLE event_meetings (
    id                TEXT PRIMARY KEY,
    event_id          TEXT NOT NULL REFERENCES events (id),
    session_id        TEXT NOT NULL,
    slot              INTEGER NOT NULL CHECK (slot >= 0),
    starts_at         TEXT NOT NULL,
    ends_at           TEXT NOT NULL,
    table_no          INTEGER NOT NULL CHECK (table_no >= 0),
    a_registration_id TEXT NOT NULL REFERENCES event_registrations (id),
    b_registration_id TEXT NOT NULL REFERENCES event_registrations (id),
    a_institution_id  TEXT NOT NULL,
    b_institution_id  TEXT NOT NULL,
    request_id        TEXT NOT NULL DEFAULT '',
    offer_id          TEXT NOT NULL DEFAULT '',
    demand_id         TEXT NOT NULL DEFAULT '',
    kind              TEXT NOT NULL,
    score             REAL NOT NULL,
    interpreter       TEXT NOT NULL DEFAULT '',
    pinned            INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('scheduled', 'held', 'no_show', 'cancelled')),
    sequence          INTEGER NOT NULL,
    outcome_a         TEXT NOT NULL DEFAULT '',
    note_a            TEXT NOT NULL DEFAULT '',
    outcome_b         TEXT NOT NULL DEFAULT '',
    note_b            TEXT NOT NULL DEFAULT '',
    no_show_a         INTEGER NOT NULL DEFAULT 0,
    no_show_b         INTEGER NOT NULL DEFAULT 0,
    match_id          TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL CHECK (version > 0),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (a_registration_id < b_registration_id)
) STRICT;
CREATE INDEX event_meetings_event_idx ON event_meetings (event_id, starts_at);

-- One row per booked delegation (who = registration id) and per booked table
-- (who = 'table:' || number) in a session's slot.
CREATE TABLE event_bookings (
    session_id TEXT NOT NULL,
    slot       INTEGER NOT NULL,
    who        TEXT NOT NULL,
    meeting_id TEXT NOT NULL REFERENCES event_meetings (id),
    PRIMARY KEY (session_id, slot, who)
) STRICT;
CREATE INDEX event_bookings_meeting_idx ON event_bookings (meeting_id);

ALTER TABLE agreements ADD COLUMN event_id TEXT REFERENCES events (id);
ALTER TABLE agreements ADD COLUMN event_session_id TEXT NOT NULL DEFAULT '';
CREATE INDEX agreements_event_idx ON agreements (event_id) WHERE event_id IS NOT NULL;

-- +goose Down
DROP INDEX agreements_event_idx;
ALTER TABLE agreements DROP COLUMN event_session_id;
ALTER TABLE agreements DROP COLUMN event_id;
DROP TABLE event_bookings;
DROP TABLE event_meetings;
DROP TABLE event_requests;
DROP TABLE event_registrations;
DROP TABLE events;

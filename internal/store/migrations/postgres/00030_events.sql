-- +goose Up
-- Matchmaking events (issue 15): sessions are kept with their event (JSON);
-- registrations, meeting requests and meetings have rows of their own.
-- event_bookings holds one row per delegation per slot and one per table per
-- slot of every active meeting: its keys make a double booking impossible,
-- whatever writes race.
CREATE TABLE events (
    id                     uuid PRIMARY KEY,
    name                   text NOT NULL,
    venue                  text NOT NULL DEFAULT '',
    city                   text NOT NULL DEFAULT '',
    time_zone              text NOT NULL,
    starts_on              text NOT NULL,
    ends_on                text NOT NULL,
    status                 text NOT NULL CHECK (status IN ('draft', 'open', 'agenda_published', 'finished', 'cancelled')),
    registration_opens_at  timestamptz,
    registration_closes_at timestamptz,
    sessions               text NOT NULL,
    created_by             text NOT NULL,
    version                integer NOT NULL CHECK (version > 0),
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL
);
CREATE INDEX events_status_idx ON events (status, id);

CREATE TABLE event_registrations (
    id             uuid PRIMARY KEY,
    event_id       uuid NOT NULL REFERENCES events (id),
    institution_id uuid NOT NULL REFERENCES institutions (id),
    delegates      text NOT NULL,
    listing_ids    text NOT NULL,
    unavailable    text NOT NULL,
    max_meetings   integer NOT NULL CHECK (max_meetings >= 0),
    status         text NOT NULL CHECK (status IN ('registered', 'withdrawn')),
    created_by     text NOT NULL,
    version        integer NOT NULL CHECK (version > 0),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    UNIQUE (event_id, institution_id)
);

CREATE TABLE event_requests (
    id                   uuid PRIMARY KEY,
    event_id             uuid NOT NULL REFERENCES events (id),
    from_registration_id uuid NOT NULL REFERENCES event_registrations (id),
    to_registration_id   uuid NOT NULL REFERENCES event_registrations (id),
    offer_id             text NOT NULL DEFAULT '',
    demand_id            text NOT NULL DEFAULT '',
    note                 text NOT NULL DEFAULT '',
    status               text NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
    response_note        text NOT NULL DEFAULT '',
    created_by           text NOT NULL,
    version              integer NOT NULL CHECK (version > 0),
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    UNIQUE (event_id, from_registration_id, to_registration_id)
);

CREATE TABLE event_meetings (
    id                uuid PRIMARY KEY,
    event_id          uuid NOT NULL REFERENCES events (id),
    session_id        text NOT NULL,
    slot              integer NOT NULL CHECK (slot >= 0),
    starts_at         timestamptz NOT NULL,
    ends_at           timestamptz NOT NULL,
    table_no          integer NOT NULL CHECK (table_no >= 0),
    a_registration_id uuid NOT NULL REFERENCES event_registrations (id),
    b_registration_id uuid NOT NULL REFERENCES event_registrations (id),
    a_institution_id  text NOT NULL,
    b_institution_id  text NOT NULL,
    request_id        text NOT NULL DEFAULT '',
    offer_id          text NOT NULL DEFAULT '',
    demand_id         text NOT NULL DEFAULT '',
    kind              text NOT NULL,
    score             double precision NOT NULL,
    interpreter       text NOT NULL DEFAULT '',
    pinned            boolean NOT NULL,
    status            text NOT NULL CHECK (status IN ('scheduled', 'held', 'no_show', 'cancelled')),
    sequence          integer NOT NULL,
    outcome_a         text NOT NULL DEFAULT '',
    note_a            text NOT NULL DEFAULT '',
    outcome_b         text NOT NULL DEFAULT '',
    note_b            text NOT NULL DEFAULT '',
    no_show_a         boolean NOT NULL DEFAULT false,
    no_show_b         boolean NOT NULL DEFAULT false,
    match_id          text NOT NULL DEFAULT '',
    version           integer NOT NULL CHECK (version > 0),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CHECK (a_registration_id < b_registration_id)
);
CREATE INDEX event_meetings_event_idx ON event_meetings (event_id, starts_at);

-- One row per booked delegation (who = registration id) and per booked table
-- (who = 'table:' || number) in a session's slot.
CREATE TABLE event_bookings (
    session_id text NOT NULL,
    slot       integer NOT NULL,
    who        text NOT NULL,
    meeting_id uuid NOT NULL REFERENCES event_meetings (id),
    PRIMARY KEY (session_id, slot, who)
);
CREATE INDEX event_bookings_meeting_idx ON event_bookings (meeting_id);

ALTER TABLE agreements ADD COLUMN event_id uuid REFERENCES events (id);
ALTER TABLE agreements ADD COLUMN event_session_id text NOT NULL DEFAULT '';
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

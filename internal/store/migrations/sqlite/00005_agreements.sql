-- +goose Up
CREATE TABLE agreements (
    id                 TEXT PRIMARY KEY,
    title              TEXT NOT NULL,
    type               TEXT NOT NULL CHECK (type IN ('development', 'transfer', 'licensing', 'consulting', 'service', 'joint_lab', 'other')),
    status             TEXT NOT NULL CHECK (status IN ('planned', 'signed', 'in_execution', 'completed', 'terminated')),
    sector             TEXT NOT NULL,
    subsector          TEXT NOT NULL DEFAULT '',
    match_id           TEXT REFERENCES matches (id),
    offer_id           TEXT REFERENCES listings (id),
    demand_id          TEXT REFERENCES listings (id),
    event_name         TEXT NOT NULL DEFAULT '',
    value_amount       INTEGER,
    currency           TEXT NOT NULL DEFAULT '',
    signed_on          TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
    confidential       INTEGER NOT NULL DEFAULT 0,
    confirmed          INTEGER NOT NULL DEFAULT 0,
    termination_reason TEXT NOT NULL DEFAULT '',
    created_by         TEXT NOT NULL,
    version            INTEGER NOT NULL CHECK (version > 0),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) STRICT;
CREATE INDEX agreements_signed_idx ON agreements (signed_on);
CREATE INDEX agreements_match_idx ON agreements (match_id);
CREATE INDEX agreements_status_idx ON agreements (status, id);

-- Parties, with the institution's country and type as they were when written.
CREATE TABLE agreement_parties (
    agreement_id     TEXT NOT NULL REFERENCES agreements (id),
    institution_id   TEXT NOT NULL REFERENCES institutions (id),
    role             TEXT NOT NULL CHECK (role IN ('provider', 'recipient', 'partner')),
    country          TEXT NOT NULL,
    institution_type TEXT NOT NULL,
    position         INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, institution_id)
) STRICT;
CREATE INDEX agreement_parties_institution_idx ON agreement_parties (institution_id);
CREATE INDEX agreement_parties_country_idx ON agreement_parties (country, agreement_id);

-- Statistics rollups, kept in the transaction of every agreement change:
-- one per multi-valued dimension, because an agreement counts once under
-- each of its countries, corridors and institution types.

CREATE TABLE agreement_rollup (
    month     TEXT NOT NULL, -- YYYY-MM of signed_on; '' when unsigned
    status    TEXT NOT NULL,
    type      TEXT NOT NULL,
    sector    TEXT NOT NULL,
    subsector TEXT NOT NULL,
    currency  TEXT NOT NULL, -- '' when no value
    n         INTEGER NOT NULL,
    value     INTEGER NOT NULL,
    PRIMARY KEY (month, status, type, sector, subsector, currency)
) STRICT;
CREATE TABLE agreement_rollup_country (
    month     TEXT NOT NULL, -- YYYY-MM of signed_on; '' when unsigned
    status    TEXT NOT NULL,
    type      TEXT NOT NULL,
    sector    TEXT NOT NULL,
    subsector TEXT NOT NULL,
    country TEXT NOT NULL,
    currency  TEXT NOT NULL, -- '' when no value
    n         INTEGER NOT NULL,
    value     INTEGER NOT NULL,
    PRIMARY KEY (month, status, type, sector, subsector, country, currency)
) STRICT;
CREATE TABLE agreement_rollup_corridor (
    month     TEXT NOT NULL, -- YYYY-MM of signed_on; '' when unsigned
    status    TEXT NOT NULL,
    type      TEXT NOT NULL,
    sector    TEXT NOT NULL,
    subsector TEXT NOT NULL,
    corridor TEXT NOT NULL,
    currency  TEXT NOT NULL, -- '' when no value
    n         INTEGER NOT NULL,
    value     INTEGER NOT NULL,
    PRIMARY KEY (month, status, type, sector, subsector, corridor, currency)
) STRICT;
CREATE TABLE agreement_rollup_institution_type (
    month     TEXT NOT NULL, -- YYYY-MM of signed_on; '' when unsigned
    status    TEXT NOT NULL,
    type      TEXT NOT NULL,
    sector    TEXT NOT NULL,
    subsector TEXT NOT NULL,
    institution_type TEXT NOT NULL,
    currency  TEXT NOT NULL, -- '' when no value
    n         INTEGER NOT NULL,
    value     INTEGER NOT NULL,
    PRIMARY KEY (month, status, type, sector, subsector, institution_type, currency)
) STRICT;

-- The cube: counts and values by month and currency for every question that
-- names at most two of sector, subsector, type, status, country, corridor
-- and institution_type (in group_by or as a filter). dims names them in
-- alphabetical order ('' for none, 'country,sector' for two); v1 and v2 hold
-- their values. Small per question, so statistics read a few rows.
CREATE TABLE agreement_cube (
    dims     TEXT NOT NULL,
    v1       TEXT NOT NULL,
    v2       TEXT NOT NULL,
    month    TEXT NOT NULL,
    currency TEXT NOT NULL,
    n        INTEGER NOT NULL,
    value    INTEGER NOT NULL,
    PRIMARY KEY (dims, v1, v2, month, currency)
) STRICT;

-- +goose Down
DROP TABLE agreement_cube;
DROP TABLE agreement_rollup_institution_type;
DROP TABLE agreement_rollup_corridor;
DROP TABLE agreement_rollup_country;
DROP TABLE agreement_rollup;
DROP TABLE agreement_parties;
DROP TABLE agreements;

-- +goose Up
CREATE TABLE agreements (
    id                 uuid PRIMARY KEY,
    title              text NOT NULL,
    type               text NOT NULL CHECK (type IN ('development', 'transfer', 'licensing', 'consulting', 'service', 'joint_lab', 'other')),
    status             text NOT NULL CHECK (status IN ('planned', 'signed', 'in_execution', 'completed', 'terminated')),
    sector             text NOT NULL,
    subsector          text NOT NULL DEFAULT '',
    match_id           uuid REFERENCES matches (id),
    offer_id           uuid REFERENCES listings (id),
    demand_id          uuid REFERENCES listings (id),
    event_name         text NOT NULL DEFAULT '',
    value_amount       bigint,
    currency           text NOT NULL DEFAULT '',
    signed_on          text NOT NULL DEFAULT '', -- YYYY-MM-DD
    confidential       boolean NOT NULL DEFAULT false,
    confirmed          boolean NOT NULL DEFAULT false,
    termination_reason text NOT NULL DEFAULT '',
    created_by         text NOT NULL,
    version            INTEGER NOT NULL CHECK (version > 0),
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
CREATE INDEX agreements_signed_idx ON agreements (signed_on);
CREATE INDEX agreements_match_idx ON agreements (match_id);
CREATE INDEX agreements_status_idx ON agreements (status, id);

-- Parties, with the institution's country and type as they were when written.
CREATE TABLE agreement_parties (
    agreement_id     uuid NOT NULL REFERENCES agreements (id),
    institution_id   uuid NOT NULL REFERENCES institutions (id),
    role             text NOT NULL CHECK (role IN ('provider', 'recipient', 'partner')),
    country          text NOT NULL,
    institution_type text NOT NULL,
    position         INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, institution_id)
);
CREATE INDEX agreement_parties_institution_idx ON agreement_parties (institution_id);
CREATE INDEX agreement_parties_country_idx ON agreement_parties (country, agreement_id);

-- Statistics rollups, kept in the transaction of every agreement change:
-- one per multi-valued dimension, because an agreement counts once under
-- each of its countries, corridors and institution types.

CREATE TABLE agreement_rollup (
    month     text NOT NULL, -- YYYY-MM of signed_on; '' when unsigned
    status    text NOT NULL,
    type      text NOT NULL,
    sector    text NOT NULL,
    subsector text NOT NULL,
    currency  text NOT NULL, -- '' when no value
    n         bigint NOT NULL,
    value     bigint NOT NULL,
    PRIMARY KEY (month, status, type, sector, subsector, currency)
);
CREATE TABLE agreement_rollup_country (
    month     text NOT NULL, -- YYYY-MM of signed_on; '' when unsigned
    status    text NOT NULL,
    type      text NOT NULL,
    sector    text NOT NULL,
    subsector text NOT NULL,
    country text NOT NULL,
    currency  text NOT NULL, -- '' when no value
    n         bigint NOT NULL,
    value     bigint NOT NULL,
    PRIMARY KEY (month, status, type, sector, subsector, country, currency)
);
CREATE TABLE agreement_rollup_corridor (
    month     text NOT NULL, -- YYYY-MM of signed_on; '' when unsigned
    status    text NOT NULL,
    type      text NOT NULL,
    sector    text NOT NULL,
    subsector text NOT NULL,
    corridor text NOT NULL,
    currency  text NOT NULL, -- '' when no value
    n         bigint NOT NULL,
    value     bigint NOT NULL,
    PRIMARY KEY (month, status, type, sector, subsector, corridor, currency)
);
CREATE TABLE agreement_rollup_institution_type (
    month     text NOT NULL, -- YYYY-MM of signed_on; '' when unsigned
    status    text NOT NULL,
    type      text NOT NULL,
    sector    text NOT NULL,
    subsector text NOT NULL,
    institution_type text NOT NULL,
    currency  text NOT NULL, -- '' when no value
    n         bigint NOT NULL,
    value     bigint NOT NULL,
    PRIMARY KEY (month, status, type, sector, subsector, institution_type, currency)
);

-- The cube: counts and values by month and currency for every question that
-- names at most two of sector, subsector, type, status, country, corridor
-- and institution_type (in group_by or as a filter). dims names them in
-- alphabetical order ('' for none, 'country,sector' for two); v1 and v2 hold
-- their values. Small per question, so statistics read a few rows.
CREATE TABLE agreement_cube (
    dims     text NOT NULL,
    v1       text NOT NULL,
    v2       text NOT NULL,
    month    text NOT NULL,
    currency text NOT NULL,
    n        bigint NOT NULL,
    value    bigint NOT NULL,
    PRIMARY KEY (dims, v1, v2, month, currency)
);

-- +goose Down
DROP TABLE agreement_cube;
DROP TABLE agreement_rollup_institution_type;
DROP TABLE agreement_rollup_corridor;
DROP TABLE agreement_rollup_country;
DROP TABLE agreement_rollup;
DROP TABLE agreement_parties;
DROP TABLE agreements;

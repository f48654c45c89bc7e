-- +goose Up
-- A demand–offer pair being followed up; score, components and reasons are
-- frozen (JSON) with the algorithm version that produced them.
CREATE TABLE matches (
    id                    uuid PRIMARY KEY,
    demand_id             uuid NOT NULL REFERENCES listings (id),
    offer_id              uuid NOT NULL REFERENCES listings (id),
    demand_institution_id uuid NOT NULL REFERENCES institutions (id),
    offer_institution_id  uuid NOT NULL REFERENCES institutions (id),
    sector                text NOT NULL,
    score                 double precision NOT NULL,
    components            text NOT NULL,
    reasons               text NOT NULL,
    algorithm_version     text NOT NULL,
    status                text NOT NULL CHECK (status IN ('suggested', 'introduced', 'negotiating', 'agreed', 'declined', 'closed')),
    status_reason         text NOT NULL DEFAULT '',
    demand_interest       text,
    offer_interest        text,
    created_by            text NOT NULL,
    version               INTEGER NOT NULL CHECK (version > 0),
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    UNIQUE (demand_id, offer_id)
);
CREATE INDEX matches_offer_idx ON matches (offer_id);
CREATE INDEX matches_demand_institution_idx ON matches (demand_institution_id, id);
CREATE INDEX matches_offer_institution_idx ON matches (offer_institution_id, id);
CREATE INDEX matches_status_idx ON matches (status, id);

-- +goose Down
DROP TABLE matches;

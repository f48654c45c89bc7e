-- +goose Up
-- A demand–offer pair being followed up; score, components and reasons are
-- frozen (JSON) with the algorithm version that produced them.
CREATE TABLE matches (
    id                    TEXT PRIMARY KEY,
    demand_id             TEXT NOT NULL REFERENCES listings (id),
    offer_id              TEXT NOT NULL REFERENCES listings (id),
    demand_institution_id TEXT NOT NULL REFERENCES institutions (id),
    offer_institution_id  TEXT NOT NULL REFERENCES institutions (id),
    sector                TEXT NOT NULL,
    score                 REAL NOT NULL,
    components            TEXT NOT NULL,
    reasons               TEXT NOT NULL,
    algorithm_version     TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('suggested', 'introduced', 'negotiating', 'agreed', 'declined', 'closed')),
    status_reason         TEXT NOT NULL DEFAULT '',
    demand_interest       TEXT,
    offer_interest        TEXT,
    created_by            TEXT NOT NULL,
    version               INTEGER NOT NULL CHECK (version > 0),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    UNIQUE (demand_id, offer_id)
) STRICT;
CREATE INDEX matches_offer_idx ON matches (offer_id);
CREATE INDEX matches_demand_institution_idx ON matches (demand_institution_id, id);
CREATE INDEX matches_offer_institution_idx ON matches (offer_institution_id, id);
CREATE INDEX matches_status_idx ON matches (status, id);

-- +goose Down
DROP TABLE matches;

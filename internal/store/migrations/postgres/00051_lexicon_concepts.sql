-- +goose Up
-- Concepts of the matching lexicon that staff added, changed or retired
-- (issue 14); the shipped lexicon.txt is the default they amend. A row
-- whose id is a shipped concept's replaces it; rows are never deleted, so
-- that the order every process derives (shipped, then rows by seq)
-- keeps each concept's place. seq is the lexicon_state version of the change
-- that created the row: the order of commits, whatever the processes' clocks.
CREATE TABLE lexicon_concepts (
    id         text        PRIMARY KEY,
    subsectors text        NOT NULL,
    terms      text        NOT NULL,
    retired    boolean     NOT NULL DEFAULT false,
    version    integer     NOT NULL CHECK (version > 0),
    seq        bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX lexicon_concepts_seq_idx ON lexicon_concepts (seq, id);

-- One row: bumped with every change, polled by every process.
CREATE TABLE lexicon_state (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint  NOT NULL
);
INSERT INTO lexicon_state (id, version) VALUES (1, 0);

-- +goose Down
DROP TABLE lexicon_state;
DROP TABLE lexicon_concepts;

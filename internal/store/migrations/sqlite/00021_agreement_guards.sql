-- +goose Up
-- A match is settled by one agreement at most.
CREATE UNIQUE INDEX agreements_one_per_match_idx ON agreements (match_id) WHERE match_id IS NOT NULL;
-- Statistics for callers who may not see confidential agreements take them
-- out again; this keeps finding them cheap.
CREATE INDEX agreements_confidential_idx ON agreements (signed_on) WHERE confidential;

-- +goose Down
DROP INDEX agreements_confidential_idx;
DROP INDEX agreements_one_per_match_idx;

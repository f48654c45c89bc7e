-- +goose Up
-- A listing's text in further languages (issue 14): a JSON object keyed by
-- language tag, each {title, summary, description, keywords}; '' for none.
ALTER TABLE listings ADD COLUMN translations TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE listings DROP COLUMN translations;

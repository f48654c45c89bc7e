-- +goose Up
-- What every signed-in caller may see of other institutions: published,
-- public listings. Covering ends_at and institution_id, a partner's list
-- counts this part from the index alone, as a staff list counts from
-- listings_kind_id_idx.
CREATE INDEX listings_live_public_idx ON listings (kind, id, ends_at, institution_id)
    WHERE status = 'published' AND visibility = 'public';

-- +goose Down
DROP INDEX listings_live_public_idx;

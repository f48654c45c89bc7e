-- +goose Up
-- What every signed-in caller may see of other institutions: published,
-- public listings. With ends_at and institution_id included, a partner's
-- list counts this part from the index alone (the visibility map allowing),
-- as a staff list counts from listings_kind_id_idx.
CREATE INDEX listings_live_public_idx ON listings (kind, id) INCLUDE (ends_at, institution_id)
    WHERE status = 'published' AND visibility = 'public';

-- +goose Down
DROP INDEX listings_live_public_idx;

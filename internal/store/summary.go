package store

import (
	"context"

	"github.com/techbridge/techbridge/internal/transfer"
)

// listingSummaryColumns are what a ranked suggestion shows of the other
// listing and what deciding it is still live needs: no description,
// keywords, countries or amounts, the bulk of a row. Translations stay:
// Accept-Language picks from them what a suggestion shows.
var listingSummaryColumns = []string{"id", "kind", "institution_id", "title", "summary", "language", "sector",
	"subsector", "trl", "transfer_modes", "visibility", "status", "ends_at", "published_at", "version", "translations"}

// ListingSummariesByIDs returns the listings with those ids, in no
// particular order, with only the summary columns filled.
func (s *Store) ListingSummariesByIDs(ctx context.Context, ids []string) ([]transfer.Listing, error) {
	rows, err := s.scanListingBatches(ctx, summariesByIDsQuery, ids)
	return listingRows(rows), err
}

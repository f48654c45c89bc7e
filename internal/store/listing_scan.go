package store

import (
	"context"
	"fmt"
	"strings"
)

// The hot reads (one listing by id, the ranked listings of a match answer)
// scan their rows into listingRow's fields directly: GORM's reflective
// Find/Take cost a tenth of a read's CPU in profiles. The statement still
// goes through GORM (Raw), on its connection pool and prepared statements.

// listingField is where a column of listings is scanned to in a row.
func listingField(r *listingRow, col string) any {
	switch col {
	case "id":
		return &r.ID
	case "kind":
		return &r.Kind
	case "institution_id":
		return &r.InstitutionID
	case "title":
		return &r.Title
	case "summary":
		return &r.Summary
	case "description":
		return &r.Description
	case "language":
		return &r.Language
	case "sector":
		return &r.Sector
	case "subsector":
		return &r.Subsector
	case "keywords":
		return &r.Keywords
	case "trl":
		return &r.TRL
	case "ip_status":
		return &r.IPStatus
	case "transfer_modes":
		return &r.TransferModes
	case "countries":
		return &r.Countries
	case "amount_min":
		return &r.AmountMin
	case "amount_max":
		return &r.AmountMax
	case "currency":
		return &r.Currency
	case "visibility":
		return &r.Visibility
	case "status":
		return &r.Status
	case "status_reason":
		return &r.StatusReason
	case "ends_at":
		return &r.EndsAt
	case "published_at":
		return &r.PublishedAt
	case "version":
		return &r.Version
	case "created_at":
		return &r.CreatedAt
	case "updated_at":
		return &r.UpdatedAt
	case "translations":
		return &r.Translations
	case "search_title":
		return &r.SearchTitle
	case "search_terms":
		return &r.SearchTerms
	}
	panic(fmt.Sprintf("store: listings has no column %q", col)) // a programming error, caught by every test
}

// listingSelect is "SELECT cols FROM listings WHERE ", built once per
// column list.
func listingSelect(cols []string) string {
	return "SELECT " + strings.Join(cols, ", ") + " FROM listings WHERE "
}

var (
	listingByIDQuery    = listingSelect(listingReadColumns) + "id = ? AND kind = ?"
	listingsByIDsQuery  = listingSelect(listingReadColumns) + "id IN ?"
	summariesByIDsQuery = listingSelect(listingSummaryColumns) + "id IN ?"
)

// scanListings runs query (a listingSelect of cols) and scans every row
// into out, which has room for as many as the query can return (a row is
// half a kilobyte: growing by doubling would allocate it twice over).
func (s *Store) scanListings(ctx context.Context, out []listingRow, cols []string, query string, args ...any) ([]listingRow, error) {
	rows, err := s.db.WithContext(ctx).Raw(query, args...).Rows()
	if err != nil {
		return nil, TranslateError(err)
	}
	defer rows.Close()
	targets := make([]any, len(cols))
	for rows.Next() {
		out = append(out, listingRow{})
		r := &out[len(out)-1]
		for i, c := range cols {
			targets[i] = listingField(r, c)
		}
		if err := rows.Scan(targets...); err != nil {
			return nil, TranslateError(err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, TranslateError(err)
	}
	return out, nil
}

// scanListingBatches reads the rows with the given ids, 500 at a time.
func (s *Store) scanListingBatches(ctx context.Context, cols []string, query string, ids []string) ([]listingRow, error) {
	rows := make([]listingRow, 0, len(ids))
	for start := 0; start < len(ids); start += 500 {
		var err error
		if rows, err = s.scanListings(ctx, rows, cols, query, ids[start:min(start+500, len(ids))]); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

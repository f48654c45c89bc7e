package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/stdlib"
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

// listingQuery is a listingSelect of cols with its condition written for
// GORM (? placeholders, IN ? expanded) and for pgx ($n placeholders, a list
// as one array parameter, so every batch size is one prepared statement).
type listingQuery struct {
	cols     []string
	portable string
	postgres string
}

func newListingQuery(cols []string, portable, postgres string) listingQuery {
	return listingQuery{cols: cols, portable: listingSelect(cols) + portable, postgres: listingSelect(cols) + postgres}
}

var (
	listingByIDQuery    = newListingQuery(listingReadColumns, "id = ? AND kind = ?", "id = $1 AND kind = $2")
	listingsByIDsQuery  = newListingQuery(listingReadColumns, "id IN ?", "id = ANY($1)")
	summariesByIDsQuery = newListingQuery(listingSummaryColumns, "id IN ?", "id = ANY($1)")
)

// scanListings runs q and scans every row into out, which has room for as
// many as the query can return (a row is half a kilobyte: growing by
// doubling would allocate it twice over).
//
// On Postgres outside a transaction the statement runs on the pool's pgx
// connection itself: database/sql starts a goroutine per result set to
// watch the request's context (and wakes it again to end it), and boxes
// every column into a driver.Value before converting it again; pgx scans
// into the fields directly and watches the context without a goroutine.
// Server CPU per GET /offers/{id}: a sixth less (docs/benchmarks.md).
func (s *Store) scanListings(ctx context.Context, out []listingRow, q listingQuery, args ...any) ([]listingRow, error) {
	if s.dialect == Postgres && s.conn == nil {
		return s.scanListingsPgx(ctx, out, q, args...)
	}
	rows, err := s.db.WithContext(ctx).Raw(q.portable, args...).Rows()
	if err != nil {
		return nil, TranslateError(err)
	}
	defer rows.Close()
	out, err = scanListingRows(rows, out, q.cols)
	return out, TranslateError(err)
}

// scanListingRows appends every row of rows (database/sql's or pgx's) to out.
func scanListingRows(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}, out []listingRow, cols []string) ([]listingRow, error) {
	targets := make([]any, len(cols))
	for rows.Next() {
		out = append(out, listingRow{})
		r := &out[len(out)-1]
		for i, c := range cols {
			targets[i] = listingField(r, c)
		}
		if err := rows.Scan(targets...); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

func (s *Store) scanListingsPgx(ctx context.Context, out []listingRow, q listingQuery, args ...any) ([]listingRow, error) {
	base, n := out, len(out)
	out, err := s.scanListingsOnce(ctx, base[:n], q, args...)
	// A connection that broke under the read (the database restarted or
	// ended it) is dropped from the pool and the read, which changes
	// nothing, is run again on another: database/sql would try again only
	// when nothing had been sent yet, answering 503 for each connection
	// the pool held. Each try drops one broken connection, so as many more
	// tries as the pool holds end on a new one.
	if errors.Is(err, driver.ErrBadConn) {
		for range s.sqlDB.Stats().MaxOpenConnections {
			if out, err = s.scanListingsOnce(ctx, base[:n], q, args...); !errors.Is(err, driver.ErrBadConn) {
				break
			}
		}
	}
	if err != nil {
		return nil, TranslateError(err)
	}
	return out, nil
}

func (s *Store) scanListingsOnce(ctx context.Context, out []listingRow, q listingQuery, args ...any) ([]listingRow, error) {
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: a Postgres connection is %T, not pgx", dc)
		}
		rows, err := c.Conn().Query(ctx, q.postgres, args...)
		if err == nil {
			out, err = scanListingRows(rows, out, q.cols)
			rows.Close()
		}
		if err != nil && c.Conn().IsClosed() && ctx.Err() == nil {
			return fmt.Errorf("%w: %w", driver.ErrBadConn, err) // Raw drops the connection
		}
		return err
	})
	return out, err
}

// scanListingBatches reads the rows with the given ids, 500 at a time.
func (s *Store) scanListingBatches(ctx context.Context, q listingQuery, ids []string) ([]listingRow, error) {
	rows := make([]listingRow, 0, len(ids))
	for start := 0; start < len(ids); start += 500 {
		var err error
		if rows, err = s.scanListings(ctx, rows, q, ids[start:min(start+500, len(ids))]); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

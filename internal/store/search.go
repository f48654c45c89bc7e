package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"gorm.io/gorm"

	"github.com/techbridge/techbridge/internal/transfer"
)

// searchColumns are the listing's search terms as the row stores them:
// space-separated, title terms apart for ranking.
func searchColumns(l transfer.Listing) (title, all string) {
	t, a := l.SearchTerms()
	return strings.Join(t, " "), strings.Join(a, " ")
}

// backfillSearchTerms is migration 00011: it computes the search terms of
// every listing written before 00010 added them, in batches of 1,000 in id
// order. On SQLite the update trigger of 00010 feeds the FTS5 table.
func (s *Store) backfillSearchTerms(ctx context.Context, tx *sql.Tx) error {
	first := `SELECT id, title, summary, keywords FROM listings ORDER BY id LIMIT 1000`
	next := `SELECT id, title, summary, keywords FROM listings WHERE id > ? ORDER BY id LIMIT 1000`
	upd := `UPDATE listings SET search_title = ?, search_terms = ? WHERE id = ?`
	if s.dialect == Postgres {
		next = `SELECT id, title, summary, keywords FROM listings WHERE id > $1 ORDER BY id LIMIT 1000`
		upd = `UPDATE listings SET search_title = $1, search_terms = $2 WHERE id = $3`
	}
	stmt, err := tx.PrepareContext(ctx, upd)
	if err != nil {
		return err
	}
	defer stmt.Close()
	after := ""
	for {
		var rows *sql.Rows
		if after == "" {
			rows, err = tx.QueryContext(ctx, first)
		} else {
			rows, err = tx.QueryContext(ctx, next, after)
		}
		if err != nil {
			return err
		}
		var batch []transfer.Listing
		for rows.Next() {
			var l transfer.Listing
			var keywords string
			if err := rows.Scan(&l.ID, &l.Title, &l.Summary, &keywords); err != nil {
				rows.Close()
				return err
			}
			l.Keywords = splitSet(keywords)
			batch = append(batch, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, l := range batch {
			title, all := searchColumns(l)
			if _, err := stmt.ExecContext(ctx, title, all, l.ID); err != nil {
				return fmt.Errorf("listing %s: %w", l.ID, err)
			}
		}
		after = batch[len(batch)-1].ID
	}
}

// goMigrations are the migrations that need Go: 00011 computes search terms.
func (s *Store) goMigrations() goose.ProviderOption {
	return goose.WithGoMigrations(
		goose.NewGoMigration(11, &goose.GoFunc{RunTx: s.backfillSearchTerms}, &goose.GoFunc{Mode: goose.TransactionEnabled}),
	)
}

// whereSearch keeps the listings that hold every term of the query, through
// the dialect's index: a GIN index over the terms as tsvector lexemes on
// Postgres, the FTS5 table on SQLite. Both see the same terms (computed in
// Go), so both find the same set. A query without terms finds nothing.
// mirror says the query reads listing_search joined with
// listing_search_rows (as listings) on its rowid, instead of the listings
// table: a join, not a list of rowids that SQLite would first copy into a
// temporary b-tree (a third of the ranking's time).
func (s *Store) whereSearch(db *gorm.DB, q transfer.SearchQuery, mirror bool) *gorm.DB {
	if len(q.Terms) == 0 {
		return db.Where("1 = 0")
	}
	parts := make([]string, len(q.Terms))
	if s.dialect == Postgres {
		for i, t := range q.Terms {
			parts[i] = "'" + strings.ReplaceAll(strings.ReplaceAll(t, `\`, `\\`), "'", "''") + "'"
		}
		if q.Prefix {
			parts[len(parts)-1] += ":*"
		}
		return db.Where("array_to_tsvector(array_remove(string_to_array(search_terms, ' '), '')) @@ CAST(? AS tsquery)",
			strings.Join(parts, " & "))
	}
	for i, t := range q.Terms {
		parts[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	if q.Prefix {
		parts[len(parts)-1] += "*"
	}
	if mirror {
		return db.Where("listing_search MATCH ?", strings.Join(parts, " "))
	}
	return db.Where(`listings.id IN (SELECT r.id FROM listing_search JOIN listing_search_rows r ON r.rid = listing_search.rowid
		WHERE listing_search MATCH ?)`, strings.Join(parts, " "))
}

// relevanceScore is how many of the query's terms a listing's title holds,
// as SQL and its values: pageByRelevance ranks by it, then newest first,
// the same order on both dialects.
func relevanceScore(dialect string, q transfer.SearchQuery) (string, []any) {
	var sum []string
	var vars []any
	for i, t := range q.Terms {
		needle := " " + t + " "
		if q.Prefix && i == len(q.Terms)-1 {
			needle = " " + t
		}
		if dialect == Postgres {
			sum = append(sum, "(CASE WHEN strpos(' ' || listings.search_title || ' ', ?) > 0 THEN 1 ELSE 0 END)")
		} else {
			sum = append(sum, "(instr(' ' || listings.search_title || ' ', ?) > 0)")
		}
		vars = append(vars, needle)
	}
	return "(" + strings.Join(sum, " + ") + ")", vars
}

// pageByRelevance returns q.Limit+1 matches in relevance order and how many
// there are; the cursor counts the items already shown. ranked finds the
// matches; only their ids, creation times and scores are kept (a
// materialised CTE, counted once and sorted with the page's limit), so that
// sorting never carries whole rows. A count(*) OVER () did the same by
// buffering every match in a window and deleting it again: a quarter of a
// SQLite search's time. rows reads the page's rows.
func (s *Store) pageByRelevance(ranked, rows *gorm.DB, search transfer.SearchQuery, q transfer.ListQuery) ([]listingRow, int64, error) {
	offset := 0
	if q.After != nil {
		n, err := strconv.Atoi(q.After.Value)
		if err != nil || n < 0 {
			return nil, 0, transfer.Errorf(transfer.ErrBadRequest, "cursor is malformed")
		}
		offset = n
	}
	var hits []struct {
		ID           string
		TotalMatches int64
	}
	score, vars := relevanceScore(s.dialect, search)
	inner := ranked.Session(&gorm.Session{}).Select("listings.id, listings.created_at, "+score+" AS relevance", vars...)
	err := s.db.WithContext(ranked.Statement.Context).Raw(`WITH m AS MATERIALIZED (?) SELECT id, (SELECT count(*) FROM m) AS total_matches
		FROM m ORDER BY relevance DESC, created_at DESC, id LIMIT ? OFFSET ?`, inner, q.Limit+1, offset).Scan(&hits).Error
	if err != nil {
		return nil, 0, TranslateError(err)
	}
	if len(hits) == 0 { // past the end: nothing to count with
		var total int64
		err := ranked.Session(&gorm.Session{}).Count(&total).Error
		return nil, total, TranslateError(err)
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	var found []listingRow
	err = rows.Session(&gorm.Session{}).Select(listingReadColumns).Where("listings.id IN ?", ids).Find(&found).Error
	if err != nil {
		return nil, 0, TranslateError(err)
	}
	byID := make(map[string]listingRow, len(found))
	for _, r := range found {
		byID[r.ID] = r
	}
	page := make([]listingRow, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			page = append(page, r)
		}
	}
	return page, hits[0].TotalMatches, nil
}

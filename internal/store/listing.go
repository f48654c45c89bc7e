package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/techbridge/techbridge/internal/transfer"
)

type listingRow struct {
	ID            string `gorm:"primaryKey"`
	Kind          string
	InstitutionID string
	Title         string
	Summary       string
	Description   string
	Language      string
	Sector        string
	Subsector     string
	Keywords      string
	TRL           int `gorm:"column:trl"`
	IPStatus      string
	TransferModes string
	Countries     string
	AmountMin     *int64
	AmountMax     *int64
	Currency      string
	Visibility    string
	Status        string
	StatusReason  string
	EndsAt        *timestamp
	PublishedAt   *timestamp
	Version       int
	CreatedAt     timestamp
	UpdatedAt     timestamp
	Translations  string // JSON by language tag; "" for none
	SearchTitle   string
	SearchTerms   string
}

func (listingRow) TableName() string { return "listings" }

func newListingRow(l transfer.Listing) listingRow {
	title, all := searchColumns(l)
	return listingRow{SearchTitle: title, SearchTerms: all, ID: l.ID, Kind: string(l.Kind), InstitutionID: l.InstitutionID, Title: l.Title, Summary: l.Summary,
		Description: l.Description, Language: l.Language, Sector: l.Sector, Subsector: l.Subsector,
		Keywords: joinSet(l.Keywords), TRL: l.TRL, IPStatus: l.IPStatus, TransferModes: joinSet(l.TransferModes),
		Countries: joinSet(l.Countries), AmountMin: l.AmountMin, AmountMax: l.AmountMax, Currency: l.Currency,
		Visibility: l.Visibility, Status: string(l.Status), StatusReason: l.StatusReason, EndsAt: tsPtr(l.EndsAt),
		PublishedAt: tsPtr(l.PublishedAt), Version: l.Version, CreatedAt: ts(l.CreatedAt), UpdatedAt: ts(l.UpdatedAt),
		Translations: translationsColumn(l.Translations)}
}

func (r listingRow) domain() transfer.Listing {
	return transfer.Listing{ID: r.ID, Kind: transfer.Kind(r.Kind), InstitutionID: r.InstitutionID, Title: r.Title,
		Summary: r.Summary, Description: r.Description, Language: r.Language, Sector: r.Sector, Subsector: r.Subsector,
		Keywords: splitSet(r.Keywords), TRL: r.TRL, IPStatus: r.IPStatus, TransferModes: splitSet(r.TransferModes),
		Countries: splitSet(r.Countries), AmountMin: r.AmountMin, AmountMax: r.AmountMax, Currency: r.Currency,
		Visibility: r.Visibility, Status: transfer.Status(r.Status), StatusReason: r.StatusReason,
		EndsAt: r.EndsAt.TimePtr(), PublishedAt: r.PublishedAt.TimePtr(), Version: r.Version,
		CreatedAt: r.CreatedAt.Time(), UpdatedAt: r.UpdatedAt.Time(), Translations: translationsOf(r.Translations)}
}

func listingRows(rows []listingRow) []transfer.Listing {
	out := make([]transfer.Listing, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out
}

// CreateListing inserts a listing.
func (s *Store) CreateListing(ctx context.Context, l transfer.Listing) error {
	row := newListingRow(l)
	return TranslateError(s.db.WithContext(ctx).Create(&row).Error)
}

// listingColumns in table order, for COPY.
var listingColumns = []string{"id", "kind", "institution_id", "title", "summary", "description", "language", "sector",
	"subsector", "keywords", "trl", "ip_status", "transfer_modes", "countries", "amount_min", "amount_max", "currency",
	"visibility", "status", "status_reason", "ends_at", "published_at", "version", "created_at", "updated_at", "translations", "search_title", "search_terms"}

// listingReadColumns are the columns a read needs: all but the search terms,
// which only the database's search uses.
var listingReadColumns = listingColumns[:len(listingColumns)-2]

// CreateListings inserts many listings: with COPY on Postgres inside Tx (the
// bulk import's path), in multi-row INSERTs otherwise.
func (s *Store) CreateListings(ctx context.Context, ls []transfer.Listing) error {
	if s.canCopy() {
		rows := make([][]any, len(ls))
		for i, l := range ls {
			title, all := searchColumns(l)
			rows[i] = []any{l.ID, string(l.Kind), l.InstitutionID, l.Title, l.Summary, l.Description, l.Language, l.Sector,
				l.Subsector, joinSet(l.Keywords), l.TRL, l.IPStatus, joinSet(l.TransferModes), joinSet(l.Countries),
				l.AmountMin, l.AmountMax, l.Currency, l.Visibility, string(l.Status), l.StatusReason, pgTime(l.EndsAt),
				pgTime(l.PublishedAt), l.Version, l.CreatedAt.UTC().Truncate(time.Microsecond), l.UpdatedAt.UTC().Truncate(time.Microsecond), translationsColumn(l.Translations), title, all}
		}
		return s.copyRows(ctx, "listings", listingColumns, rows)
	}
	rows := make([]listingRow, len(ls))
	for i, l := range ls {
		rows[i] = newListingRow(l)
	}
	// 28 columns: 1,000 rows stay under both databases' parameter limits.
	return TranslateError(s.db.WithContext(ctx).CreateInBatches(rows, 1000).Error)
}

// ListingByID finds a listing of the kind.
func (s *Store) ListingByID(ctx context.Context, kind transfer.Kind, id string) (transfer.Listing, error) {
	rows, err := s.scanListings(ctx, make([]listingRow, 0, 1), listingByIDQuery, id, string(kind))
	if err != nil {
		return transfer.Listing{}, err
	}
	if len(rows) == 0 {
		return transfer.Listing{}, TranslateError(gorm.ErrRecordNotFound)
	}
	return rows[0].domain(), nil
}

// ListListings returns one page (plus one row) and the total, which is
// exact up to exactCountLimit and an estimate above it.
func (s *Store) ListListings(ctx context.Context, f transfer.ListingFilter, q transfer.ListQuery) ([]transfer.Listing, int64, bool, error) {
	if f.Q != "" && len(f.Search.Terms) == 0 {
		return []transfer.Listing{}, 0, false, nil // nothing to look for: whereSearch finds nothing
	}
	listings := func() *gorm.DB { return s.db.WithContext(ctx).Model(&listingRow{}) }
	if q.Sort.Key == "relevance" {
		// Ranking reads every match anyway: the page counts them too. On
		// SQLite it reads them from the narrow listing_search_rows (00052),
		// which holds every column the filters, the visibility rule and the
		// ranking name.
		rank, mirror := listings, false
		if s.dialect == SQLite {
			rank = func() *gorm.DB {
				return s.db.WithContext(ctx).Table("listing_search JOIN listing_search_rows AS listings ON listings.rid = listing_search.rowid")
			}
			mirror = true
		}
		_, ranked := s.visibleListings(rank, f, mirror)
		// The page's rows are read again under the same filters and rule
		// (not the search, which found them): a listing that stopped being
		// visible in between is left out, never shown.
		rest := f
		rest.Q = ""
		_, rows := s.visibleListings(listings, rest, false)
		page, total, err := s.pageByRelevance(ranked, rows, f.Search, q)
		return listingRows(page), total, false, err
	}
	parts, db := s.visibleListings(listings, f, false)
	total, estimated, err := s.countListings(parts)
	if err != nil {
		return nil, 0, false, err
	}
	var rows []listingRow
	err = pageRows(db.Select(listingReadColumns), q, map[string]sortColumn{"created_at": {}, "updated_at": {name: "updated_at", time: true},
		"title": {name: "title"}, "trl": {name: "trl", number: true}}, &rows)
	if err != nil {
		return nil, 0, false, err
	}
	return listingRows(rows), total, estimated, nil
}

// visibleListings applies the filters and the visibility rule to the table
// that from starts with: as disjoint parts to count, and as one query for
// the page. mirror says from is listing_search_rows (see whereSearch).
func (s *Store) visibleListings(from func() *gorm.DB, f transfer.ListingFilter, mirror bool) (parts []countPart, page *gorm.DB) {
	filtered := func() *gorm.DB { return s.filterListings(from(), f, mirror) }
	// The visibility rule as two disjoint parts that indexes can serve: the
	// live public listings, the partner's own among them
	// (listings_live_public_idx and, by sector, listings_live_sector_idx on
	// SQLite), and the rest of the partner's own institution
	// (listings_institution_idx). Their OR serves the page; the total adds up
	// their separate counts. The large part tests no institution: on SQLite,
	// which counts it up to the limit, that compare was a fifth of a
	// partner's sector list.
	live := "status = 'published' AND visibility = 'public' AND (ends_at IS NULL OR ends_at > ?)"
	switch {
	case f.Scope.All:
		parts = []countPart{{q: filtered()}}
	case f.Scope.Institution != "":
		parts = []countPart{{q: filtered().Where(live, ts(f.Scope.Now))},
			{q: filtered().Where("institution_id = ? AND NOT ("+live+")", f.Scope.Institution, ts(f.Scope.Now)), few: true}}
		return parts, filtered().Where("(institution_id = ? OR ("+live+"))", f.Scope.Institution, ts(f.Scope.Now))
	default:
		parts = []countPart{{q: filtered().Where(live, ts(f.Scope.Now))}}
	}
	return parts, parts[0].q.Session(&gorm.Session{})
}

// countPart is one disjoint part of a list to count. few says it holds one
// institution's listings only, which listings_institution_idx finds
// directly: it is counted (up to the limit) without asking the Postgres
// planner first, which spares a round trip.
type countPart struct {
	q   *gorm.DB
	few bool
}

// filterListings applies the caller's filters, not the visibility rule.
func (s *Store) filterListings(db *gorm.DB, f transfer.ListingFilter, mirror bool) *gorm.DB {
	db = db.Where("kind = ?", string(f.Kind))
	eq := map[string]string{"sector": f.Sector, "subsector": f.Subsector, "institution_id": f.InstitutionID,
		"status": string(f.Status), "language": f.Language}
	for col, v := range eq {
		if v != "" {
			db = db.Where(col+" = ?", v)
		}
	}
	if f.Country != "" {
		db = db.Where("institution_id IN (SELECT id FROM institutions WHERE country = ?)", f.Country)
	}
	if f.TRLMin > 0 {
		db = db.Where("trl >= ?", f.TRLMin)
	}
	if f.TRLMax > 0 {
		db = db.Where("trl <= ?", f.TRLMax)
	}
	if f.TransferMode != "" {
		db = db.Where("transfer_modes LIKE ?", "%,"+f.TransferMode+",%")
	}
	if f.Q != "" {
		db = s.whereSearch(db, f.Search, mirror)
	}
	if f.UpdatedSince != nil {
		db = db.Where("updated_at >= ?", ts(*f.UpdatedSince))
	}
	return db
}

// exactCountLimit is how many rows a list of listings counts exactly (the
// Store's countLimit unless a test lowers it): counting stops there, so that
// a total never costs a scan of the whole table.
const exactCountLimit = 10_000

// countListings adds up the rows of the disjoint parts. A part is counted
// exactly when it holds at most countLimit rows; past that its count is an
// estimate.
//
// On Postgres the planner's estimate comes first: a part it expects to be
// small is counted (without a LIMIT, which would steer it to a plan hoping
// to stop early that walks the table when few rows match); a part it
// expects to be large is not counted at all: its estimate is the answer. A
// LIMIT-capped count costs too much there, as it must still find countLimit
// rows, through the whole table when they are spread out. SQLite keeps no
// statistics: it counts up to countLimit+1, and past that gives countLimit,
// a lower bound. A part of few rows (one institution's) is counted that way
// on Postgres too, and on neither once an earlier part is an estimate.
func (s *Store) countListings(parts []countPart) (int64, bool, error) {
	var total int64
	estimated := false
	for _, p := range parts {
		part := p.q
		if p.few && estimated {
			// The large part's estimate is the answer (the planner's, or the
			// lower bound); the few rows of one institution would not make
			// it exact.
			continue
		}
		if s.dialect == Postgres && !p.few {
			est, err := planRows(part.Session(&gorm.Session{}).Select("1"))
			if err != nil {
				return 0, false, err
			}
			if est > int64(s.countLimit) {
				total += est
				estimated = true
				continue
			}
			var n int64
			if err := part.Session(&gorm.Session{}).Count(&n).Error; err != nil {
				return 0, false, TranslateError(err)
			}
			total += n
			continue
		}
		var n int64
		sub := part.Session(&gorm.Session{}).Select("1").Limit(s.countLimit + 1)
		if err := part.Session(&gorm.Session{NewDB: true}).Raw("SELECT count(*) FROM (?) capped", sub).Scan(&n).Error; err != nil {
			return 0, false, TranslateError(err)
		}
		if n > int64(s.countLimit) {
			estimated = true
			n = int64(s.countLimit)
		}
		total += n
	}
	return total, estimated, nil
}

// planRows is the Postgres planner's estimate of the rows a query returns.
func planRows(q *gorm.DB) (int64, error) {
	var plan string
	if err := q.Session(&gorm.Session{NewDB: true}).Raw("EXPLAIN (FORMAT JSON) ?", q).Scan(&plan).Error; err != nil {
		return 0, TranslateError(err)
	}
	var out []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	if err := json.Unmarshal([]byte(plan), &out); err != nil || len(out) == 0 {
		return 0, fmt.Errorf("read the query plan: %w", err)
	}
	return int64(out[0].Plan.Rows), nil
}

// UpdateListing writes l when the stored version is the one before l.Version.
func (s *Store) UpdateListing(ctx context.Context, l transfer.Listing) error {
	r := newListingRow(l)
	return s.updateVersioned(ctx, &listingRow{}, r.ID, r.Version, map[string]any{
		"title": r.Title, "summary": r.Summary, "description": r.Description, "language": r.Language,
		"sector": r.Sector, "subsector": r.Subsector, "keywords": r.Keywords, "trl": r.TRL, "ip_status": r.IPStatus,
		"transfer_modes": r.TransferModes, "countries": r.Countries, "amount_min": r.AmountMin, "amount_max": r.AmountMax,
		"currency": r.Currency, "visibility": r.Visibility, "status": r.Status, "status_reason": r.StatusReason,
		"ends_at": r.EndsAt, "published_at": r.PublishedAt, "version": r.Version, "updated_at": r.UpdatedAt,
		"search_title": r.SearchTitle, "search_terms": r.SearchTerms, "translations": r.Translations,
	})
}

// ExpireListings moves every published listing past its end to expired in one
// statement, so that two processes sweeping at once move each listing once.
func (s *Store) ExpireListings(ctx context.Context, now time.Time) ([]transfer.Listing, error) {
	var rows []listingRow
	err := s.db.WithContext(ctx).Raw(`UPDATE listings SET status = 'expired', version = version + 1, updated_at = ?
		WHERE status = 'published' AND ends_at IS NOT NULL AND ends_at <= ? RETURNING `+strings.Join(listingReadColumns, ", "), ts(now), ts(now)).Scan(&rows).Error
	return listingRows(rows), TranslateError(err)
}

// ExistingInstitutions returns which of ids exist.
func (s *Store) ExistingInstitutions(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	for start := 0; start < len(ids); start += 500 {
		var found []string
		err := s.db.WithContext(ctx).Model(&institutionRow{}).Where("id IN ?", ids[start:min(start+500, len(ids))]).Pluck("id", &found).Error
		if err != nil {
			return nil, TranslateError(err)
		}
		for _, id := range found {
			out[id] = true
		}
	}
	return out, nil
}

// LiveListings hands the published listings of both kinds that are not past
// their end to fn, a batch at a time, so that building the matching index
// never holds every listing's text at once.
func (s *Store) LiveListings(ctx context.Context, now time.Time, fn func([]transfer.Listing) error) error {
	var batch []listingRow
	err := s.db.WithContext(ctx).Select(listingReadColumns).Where("status = 'published' AND (ends_at IS NULL OR ends_at > ?)", ts(now)).
		FindInBatches(&batch, 2000, func(*gorm.DB, int) error { return fn(listingRows(batch)) }).Error
	return TranslateError(err)
}

// listingHeadColumns are what the matching index takes from a listing's
// row besides its text (transfer.EngineListing, transfer.AnalysisStamp).
var listingHeadColumns = []string{"id", "kind", "institution_id", "sector", "subsector", "trl", "transfer_modes",
	"countries", "amount_min", "amount_max", "currency", "visibility", "ends_at", "published_at", "version", "updated_at"}

// LiveListingHeads is LiveListings with only what the matching index
// takes from a row besides the text (listingHeadColumns; the status is
// published): the index's start reads the text, and the rest, only of
// listings whose analysis it does not have. It pages by id as LiveListings
// does (the same order), and scans the rows itself: at 100,000 listings
// GORM's reflection cost more than the database's reads.
//
// The next page is read while fn handles the current one.
func (s *Store) LiveListingHeads(ctx context.Context, now time.Time, fn func([]transfer.Listing) error) error {
	const page = 2000
	q := "SELECT " + strings.Join(listingHeadColumns, ", ") + ` FROM listings
		WHERE status = 'published' AND (ends_at IS NULL OR ends_at > ?) %s ORDER BY id LIMIT ?`
	first, next := fmt.Sprintf(q, ""), fmt.Sprintf(q, "AND id > ?")
	type result struct {
		batch []transfer.Listing
		err   error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan result, 1)
	go func() {
		defer close(pages)
		after := ""
		for {
			query, args := next, []any{ts(now), after, page}
			if after == "" { // ids are uuids on Postgres: "" is not one
				query, args = first, []any{ts(now), page}
			}
			batch, err := s.listingHeads(ctx, query, args...)
			if len(batch) > 0 || err != nil {
				select {
				case pages <- result{batch, err}:
				case <-ctx.Done():
					return
				}
			}
			if err != nil || len(batch) < page {
				return
			}
			after = batch[len(batch)-1].ID
		}
	}()
	for r := range pages {
		if r.err != nil {
			return TranslateError(r.err)
		}
		if err := fn(r.batch); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (s *Store) listingHeads(ctx context.Context, q string, args ...any) ([]transfer.Listing, error) {
	rows, err := s.db.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []transfer.Listing
	for rows.Next() {
		r := listingRow{Status: string(transfer.StatusPublished)}
		// In listingHeadColumns' order.
		if err := rows.Scan(&r.ID, &r.Kind, &r.InstitutionID, &r.Sector, &r.Subsector, &r.TRL, &r.TransferModes,
			&r.Countries, &r.AmountMin, &r.AmountMax, &r.Currency, &r.Visibility, &r.EndsAt, &r.PublishedAt,
			&r.Version, &r.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, r.domain())
	}
	return out, rows.Err()
}

// ListingsChangedSince returns listings of both kinds changed after the
// position (since, afterID) in (updated_at, id) order, at most limit; an
// empty afterID starts at since itself.
func (s *Store) ListingsChangedSince(ctx context.Context, since time.Time, afterID string, limit int) ([]transfer.Listing, error) {
	var rows []listingRow
	db := s.db.WithContext(ctx).Select(listingReadColumns)
	if afterID == "" {
		db = db.Where("updated_at >= ?", ts(since))
	} else {
		db = db.Where("(updated_at > ? OR (updated_at = ? AND id > ?))", ts(since), ts(since), afterID)
	}
	err := db.Order("updated_at, id").Limit(limit).Find(&rows).Error
	return listingRows(rows), TranslateError(err)
}

// ListingsByIDs returns the listings with those ids, in no particular order.
func (s *Store) ListingsByIDs(ctx context.Context, ids []string) ([]transfer.Listing, error) {
	rows, err := s.scanListingBatches(ctx, listingsByIDsQuery, ids)
	return listingRows(rows), err
}

// InstitutionCountries maps every institution id to its country.
func (s *Store) InstitutionCountries(ctx context.Context) (map[string]string, error) {
	var rows []struct {
		ID      string
		Country string
	}
	if err := s.db.WithContext(ctx).Model(&institutionRow{}).Select("id, country").Find(&rows).Error; err != nil {
		return nil, TranslateError(err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.ID] = strings.TrimSpace(r.Country)
	}
	return out, nil
}

package transfer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/techbridge/techbridge/internal/match"
)

// matchIndex keeps the engine in step with the store: built at start, told of
// this process's changes at once, and polling for other processes' changes.
type matchIndex struct {
	engine    *match.Engine
	mu        sync.Mutex
	versions  map[string]int    // listing id → version the engine holds (0 when removed)
	countries map[string]string // institution id → country
	since     time.Time         // changes at or after this are still to be read
	lexicon   lexiconSync       // the staff lexicon applied (lexicon.go)
	building  atomic.Bool       // the first build is running (StartMatchIndexBuild)
}

// syncOverlap re-reads this much before the last change seen, so that a
// transaction that committed late with an earlier timestamp is not missed.
const syncOverlap = 5 * time.Second

func newMatchIndex(e *match.Engine) *matchIndex {
	return &matchIndex{engine: e, versions: map[string]int{}, countries: map[string]string{},
		lexicon: lexiconSync{shipped: e.Lexicon(), applied: -1}}
}

// Engine is the matching engine this service keeps in step.
func (s *Service) Engine() *match.Engine { return s.matches.engine }

// MatchingVersion names the matching algorithm in use.
func (s *Service) MatchingVersion() string { return s.matches.engine.Version() }

// BuildMatchIndex loads every live listing into the matching engine.
func (s *Service) BuildMatchIndex(ctx context.Context) error {
	return s.buildMatchIndex(ctx, IndexBuild{})
}

// IndexBuild tunes a build of the matching index.
type IndexBuild struct {
	// Progress, when not nil, gets the number of listings read and
	// analysed so far after each batch.
	Progress func(read, analysed int)
	// Analyses, when not nil, returns listings analysed before, read back
	// from a file (match.Engine.ReadAnalyses), or nil: a listing the file
	// holds at its current stamp (AnalysisStamp) is read without its text
	// and not analysed again. It is called once the staff lexicon is
	// applied, so that the engine's algorithm version is the one the file
	// must have.
	Analyses func() *match.Analyses
	// Stats, when not nil, is filled in when the build ends.
	Stats *IndexBuildStats
}

// IndexBuildStats says how a build came by its listings' analyses.
type IndexBuildStats struct {
	Reused, Analysed int
	// Refused says why Analyses were not used (the algorithm version
	// changed since they were read: the staff lexicon was applied); nil
	// when they were, or none were given.
	Refused error
}

// AnalysisStamp is what must be unchanged for a listing's saved analysis to
// be used: its version and the time of its last change. Every write of a
// listing goes through Store.UpdateListing with the version incremented
// (edits, translations, status changes, expiry), and imports only insert,
// so the version alone would do; the time guards against a database
// restored or replaced under the same data directory.
func AnalysisStamp(l Listing) string {
	return strconv.Itoa(l.Version) + "@" + strconv.FormatInt(l.UpdatedAt.UnixMicro(), 10)
}

// buildMatchIndex streams the live listings into the engine, which analyses
// each batch while the next is read. With saved analyses, it reads the
// listings without their text first and then, batch by batch, the whole
// rows of those the analyses miss.
func (s *Service) buildMatchIndex(ctx context.Context, opts IndexBuild) error {
	mi := s.matches
	if err := s.applyLexiconForBuild(ctx); err != nil {
		return fmt.Errorf("build match index: lexicon: %w", err)
	}
	now := s.now()
	db := s.db(ctx)
	countries, err := db.InstitutionCountries(ctx)
	if err != nil {
		return fmt.Errorf("build match index: %w", err)
	}
	var versions map[string]int
	build := func(a *match.Analyses) (match.BuildStats, error) {
		versions = map[string]int{}
		return mi.engine.BuildStreamFrom(a, func(add func([]match.Listing) int) error {
			send := func(batch []Listing) error {
				ls := make([]match.Listing, len(batch))
				for i, l := range batch {
					ls[i] = EngineListing(l, countries[l.InstitutionID])
					versions[l.ID] = l.Version
				}
				analysed := add(ls)
				if opts.Progress != nil {
					opts.Progress(len(versions), analysed)
				}
				return nil
			}
			if a == nil {
				return db.LiveListings(ctx, now, send)
			}
			return db.LiveListingHeads(ctx, now, func(heads []Listing) error {
				full, err := s.withText(ctx, a, heads, now)
				if err != nil {
					return err
				}
				return send(full)
			})
		})
	}
	var saved *match.Analyses
	if opts.Analyses != nil {
		saved = opts.Analyses()
	}
	var st match.BuildStats
	var refused error
	if saved != nil {
		st, err = build(saved)
		if errors.Is(err, match.ErrAnalysesVersion) {
			refused = err
		}
	}
	if saved == nil || refused != nil {
		st, err = build(nil)
	}
	if err != nil {
		return fmt.Errorf("build match index: %w", err)
	}
	if opts.Stats != nil {
		*opts.Stats = IndexBuildStats{Reused: st.Reused, Analysed: st.Analysed, Refused: refused}
	}
	mi.mu.Lock()
	defer mi.mu.Unlock()
	mi.versions, mi.countries, mi.since = versions, countries, now.Add(-syncOverlap)
	return nil
}

// withText replaces, in place and in order, the listings of heads (read
// without text) whose analysis a lacks by their whole rows; a listing that
// is no longer live by then is dropped (the sync reads it later).
func (s *Service) withText(ctx context.Context, a *match.Analyses, heads []Listing, now time.Time) ([]Listing, error) {
	var miss []string
	missed := make([]bool, len(heads))
	for i, h := range heads {
		if !a.Has(engineKind(h.Kind), h.ID, AnalysisStamp(h)) {
			miss, missed[i] = append(miss, h.ID), true
		}
	}
	if len(miss) == 0 {
		return heads, nil
	}
	rows, err := s.db(ctx).ListingsByIDs(ctx, miss)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]Listing, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	out := heads[:0]
	for i, h := range heads {
		if missed[i] {
			r, ok := byID[h.ID]
			if !ok || r.Kind != h.Kind || !r.Live(now) {
				continue
			}
			h = r
		}
		out = append(out, h)
	}
	return out, nil
}

func engineKind(k Kind) match.Kind {
	if k == KindDemand {
		return match.Demand
	}
	return match.Offer
}

// SyncMatchIndex reads the listings changed since the last call (by any
// process sharing the database) into the engine; it returns how many changed.
func (s *Service) SyncMatchIndex(ctx context.Context) (int, error) {
	if s.matchIndexReady() != nil {
		return 0, nil // the build reads everything; its since is not known yet
	}
	mi := s.matches
	mi.mu.Lock()
	since := mi.since
	mi.mu.Unlock()
	// Page through the changes in (updated_at, id) order, so that any number
	// of rows with one timestamp (an import) is read once per pass.
	const page = 5000
	n, pos, afterID := 0, since, ""
	for {
		changed, err := s.db(ctx).ListingsChangedSince(ctx, pos, afterID, page)
		if err != nil {
			return n, fmt.Errorf("sync match index: %w", err)
		}
		n += s.reindex(ctx, changed...)
		if len(changed) == 0 {
			break
		}
		last := changed[len(changed)-1]
		pos, afterID = last.UpdatedAt, last.ID
		if len(changed) < page {
			break
		}
	}
	if afterID != "" {
		mi.mu.Lock()
		if next := pos.Add(-syncOverlap); next.After(mi.since) {
			mi.since = next
		}
		mi.mu.Unlock()
	}
	return n, nil
}

// reindex brings the engine up to date with listings just read or written;
// it skips versions it already holds.
func (s *Service) reindex(ctx context.Context, ls ...Listing) int {
	mi := s.matches
	now := s.now()
	n := 0
	for _, l := range ls {
		mi.mu.Lock()
		held, ok := mi.versions[l.ID]
		country, known := mi.countries[l.InstitutionID]
		mi.mu.Unlock()
		if ok && held >= l.Version {
			continue
		}
		if !known {
			country, _ = s.countryOf(ctx, s.db(ctx), l.InstitutionID)
		}
		kind := engineKind(l.Kind)
		mi.mu.Lock()
		mi.countries[l.InstitutionID] = country
		mi.versions[l.ID] = l.Version
		mi.mu.Unlock()
		if l.Live(now) {
			mi.engine.Upsert(EngineListing(l, country))
		} else {
			mi.engine.Remove(kind, l.ID)
		}
		n++
	}
	return n
}

// countryOf is an institution's country, from the index's memory or else
// from st (the caller's store: inside a write, the transaction's).
func (s *Service) countryOf(ctx context.Context, st InstitutionStore, id string) (string, error) {
	s.matches.mu.Lock()
	c, ok := s.matches.countries[id]
	s.matches.mu.Unlock()
	if ok {
		return c, nil
	}
	in, err := st.InstitutionByID(ctx, id)
	if err != nil {
		return "", fmt.Errorf("institution %s: %w", id, err)
	}
	return in.Country, nil
}

// EngineListing is a listing as the matching engine sees it; country is
// the institution's.
func EngineListing(l Listing, country string) match.Listing {
	kind := engineKind(l.Kind)
	var published time.Time
	if l.PublishedAt != nil {
		published = *l.PublishedAt
	}
	return match.Listing{ID: l.ID, Kind: kind, InstitutionID: l.InstitutionID, Country: country, Language: l.Language,
		Title: l.Title, Summary: l.Summary, Description: l.Description, Keywords: l.Keywords, Sector: l.Sector,
		Subsector: l.Subsector, TRL: l.TRL, TransferModes: l.TransferModes, Countries: l.Countries,
		AmountMin: l.AmountMin, AmountMax: l.AmountMax, Currency: l.Currency, Confidential: l.Visibility == "confidential",
		PublishedAt: published, EndsAt: l.EndsAt, Translations: engineTranslations(l), Stamp: AnalysisStamp(l)}
}

// ScorePart is one component of a match score: how well a pair fits on
// it (0..1) and the weight it has in the score. The engine computes them;
// this type is what crosses the domain's boundary, so that the engine's own
// types stay inside it.
type ScorePart struct {
	Score  float64
	Weight float64
}

func scoreParts(cs map[string]match.Component) map[string]ScorePart {
	out := make(map[string]ScorePart, len(cs))
	for k, c := range cs {
		out[k] = ScorePart{Score: c.Score, Weight: c.Weight}
	}
	return out
}

// MatchQuery narrows suggested matches.
type MatchQuery struct {
	Limit    int
	MinScore float64
	Country  string
	Sector   string
}

// Suggestion is one ranked counterpart with its score and explanation.
type Suggestion struct {
	Listing    Listing // a summary: the fields of Store.ListingSummariesByIDs
	Score      float64
	Components map[string]ScorePart
	Reasons    []string
}

// SuggestMatches ranks the live counterparts of a listing: offers for a
// demand, demands for an offer. Staff may ask for any listing; a partner for
// its own institution's. Confidential counterparts are shown to staff only
// (a partner's own are never its counterparts: same-institution pairs are
// not matched).
func (s *Service) SuggestMatches(ctx context.Context, a Actor, kind Kind, id string, q MatchQuery) ([]Suggestion, error) {
	if err := s.matchIndexReady(); err != nil {
		return nil, err
	}
	l, err := s.Listing(ctx, a, kind, id)
	if err != nil {
		return nil, err
	}
	if !a.IsStaff() && !a.BelongsTo(l.InstitutionID) {
		return nil, Errorf(ErrForbidden, "only staff and the owning institution may see a listing's matches")
	}
	var p Problems
	switch {
	case q.Limit == 0:
		q.Limit = DefaultLimit
	case q.Limit < 0:
		p.Add("limit", "must be a whole number of 1 or more, within 64 bits (above %d reads as %d)", MaxLimit, MaxLimit)
	case q.Limit > MaxLimit:
		q.Limit = MaxLimit
	}
	if q.MinScore < 0 || q.MinScore > 100 {
		p.Add("min_score", "must be between 0 and 100")
	}
	if q.Country != "" && !ValidCountry(q.Country) {
		p.Add("country", "must be an ISO 3166-1 alpha-2 code")
	}
	if q.Sector != "" && !ValidSector(q.Sector) {
		p.Add("sector", "is not a known sector")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	country, err := s.countryOf(ctx, s.db(ctx), l.InstitutionID)
	if err != nil {
		return nil, fmt.Errorf("matches of %s %s: %w", kind, id, err)
	}
	results := s.matches.engine.Match(EngineListing(l, country), match.Query{Limit: q.Limit, MinScore: q.MinScore,
		Country: q.Country, Sector: q.Sector, Now: s.now(), SeeConfidential: a.IsStaff()})
	ids := make([]string, len(results))
	for i, r := range results {
		ids[i] = r.ID
	}
	found, err := s.db(ctx).ListingSummariesByIDs(ctx, ids) // whole rows were a fifth of the request
	if err != nil {
		return nil, fmt.Errorf("matches of %s %s: %w", kind, id, err)
	}
	byID := make(map[string]int, len(found)) // positions: a Listing is too big to copy into a map
	for i, f := range found {
		byID[f.ID] = i
	}
	now := s.now()
	out := make([]Suggestion, 0, len(results))
	for _, r := range results {
		i, ok := byID[r.ID]
		// The index may trail the database by a moment: never show what is no longer live.
		if !ok || !found[i].Live(now) || (found[i].Visibility == "confidential" && !a.IsStaff()) {
			continue
		}
		out = append(out, Suggestion{Listing: found[i], Score: r.Score, Components: scoreParts(r.Components), Reasons: r.Reasons})
	}
	return out, nil
}

package transfer

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/match"
)

// LexiconConcept is a concept of the matching engine's lexicon as staff
// manage it: the shipped lexicon (lexicon.txt) is the default, and staff
// add concepts, change them (a shipped one too) and retire them. Every
// process applies the changes to its index within about two seconds.
type LexiconConcept struct {
	ID         string
	Subsectors []string
	Terms      map[string][]string // language → terms, the common one first
	Origin     string              // OriginShipped (no change made to it) or OriginStaff
	Retired    bool
	Version    int // 1 for a shipped concept nobody changed
	// Seq orders the staff rows: the lexicon version of the change that
	// created the row (set by the service).
	Seq       int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Origins of lexicon concepts.
const (
	OriginShipped = "shipped"
	OriginStaff   = "staff"
)

// Limits of the staff lexicon.
const (
	MaxStaffConcepts   = 2000 // rows: added, changed or retired concepts
	MaxTermsPerLang    = 20
	MaxTermLength      = 100
	MaxConceptIDLength = 64
	MaxLexiconImport   = 5000 // concepts in one import: more than a whole export (shipped + MaxStaffConcepts)
)

// LexiconStore keeps the staff rows of the lexicon and the counter that
// tells every process a change happened.
type LexiconStore interface {
	LexiconConcepts(ctx context.Context) ([]LexiconConcept, error)
	LexiconConceptByID(ctx context.Context, id string) (LexiconConcept, error)
	CreateLexiconConcepts(ctx context.Context, cs []LexiconConcept) error
	// UpdateLexiconConcept writes c if the stored version is c.Version-1, else ErrPrecondition.
	UpdateLexiconConcept(ctx context.Context, c LexiconConcept) error
	LexiconVersion(ctx context.Context) (int64, error)
	BumpLexiconVersion(ctx context.Context) (int64, error)
}

// LexiconPatch changes a concept: Subsectors when set; each language in
// Terms replaces that language's terms.
type LexiconPatch struct {
	Subsectors *[]string
	Terms      map[string][]string
}

// lexiconSync is what this process applied of the staff lexicon.
type lexiconSync struct {
	mu      sync.Mutex // one application at a time
	shipped []match.Concept
	applied int64 // lexicon_state.version last applied; -1 before the first
}

func (c LexiconConcept) engine() match.Concept {
	return match.Concept{ID: c.ID, Subsectors: c.Subsectors, Terms: c.Terms, Retired: c.Retired}
}

func (c LexiconConcept) auditFields() map[string]any {
	return map[string]any{"id": c.ID, "subsectors": c.Subsectors, "terms": c.Terms, "retired": c.Retired}
}

// lexiconAuditSpace names the audit ids of lexicon concepts.
var lexiconAuditSpace = uuid.MustParse("6f1c8a52-3d0e-4b7a-9c1e-5a2f7d9b4e10")

// conceptAuditID is the id a concept's audit entries are filed under: the
// audit trail keys entities by UUID (a column of that type on Postgres),
// and concept ids are words, so a name-based UUID of the id stands in.
func conceptAuditID(id string) string { return uuid.NewSHA1(lexiconAuditSpace, []byte(id)).String() }

// effectiveLexicon is the shipped lexicon amended by the staff rows: a row
// of a shipped id replaces it in its place, the others follow in the order
// of the changes that created them (Seq). Rows are never deleted, so every concept keeps its number
// (match.Engine.UpdateLexicon relies on it) in every process.
func effectiveLexicon(shipped []match.Concept, rows []LexiconConcept) []match.Concept {
	added := make([]match.Concept, len(rows))
	for i, r := range rows {
		added[i] = r.engine()
	}
	return match.ExtendLexicon(shipped, added)
}

func (s *Service) lexiconState() *lexiconSync { return &s.matches.lexicon }

// SyncLexicon applies the staff lexicon to this process's index when it
// changed since the last call (any process may have changed it); it
// returns how many listings were analysed again. Jobs call it every
// second; a change made through this process applies it at once.
func (s *Service) SyncLexicon(ctx context.Context) (int, error) {
	if s.matchIndexReady() != nil {
		// The first build runs under the lexicon read when it started; a
		// change made meanwhile has a later version and applies after it.
		return 0, nil
	}
	lx := s.lexiconState()
	lx.mu.Lock()
	defer lx.mu.Unlock()
	v, err := s.store.LexiconVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("sync lexicon: %w", err)
	}
	if v == lx.applied {
		return 0, nil
	}
	rows, err := s.store.LexiconConcepts(ctx)
	if err != nil {
		return 0, fmt.Errorf("sync lexicon: %w", err)
	}
	concepts := effectiveLexicon(lx.shipped, rows)
	e := s.matches.engine
	_, n, err := e.UpdateLexicon(concepts, func(ids []string) ([]match.Listing, error) { return s.liveEngineListings(ctx, ids) })
	if errors.Is(err, match.ErrLexiconRenumbered) {
		_, err = e.SetLexicon(concepts, func() ([]match.Listing, error) { return s.allLiveEngineListings(ctx) })
		n = e.Len(match.Offer) + e.Len(match.Demand)
	}
	if err != nil {
		return 0, fmt.Errorf("sync lexicon: %w", err)
	}
	lx.applied = v
	return n, nil
}

// liveEngineListings loads the listings with these ids that are live now,
// as the engine takes them.
func (s *Service) liveEngineListings(ctx context.Context, ids []string) ([]match.Listing, error) {
	now := s.now()
	var out []match.Listing
	for start := 0; start < len(ids); start += 5000 {
		ls, err := s.store.ListingsByIDs(ctx, ids[start:min(start+5000, len(ids))])
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			if !l.Live(now) {
				continue
			}
			country, err := s.countryOf(ctx, s.store, l.InstitutionID)
			if err != nil {
				return nil, err
			}
			out = append(out, EngineListing(l, country))
		}
	}
	return out, nil
}

func (s *Service) allLiveEngineListings(ctx context.Context) ([]match.Listing, error) {
	countries, err := s.store.InstitutionCountries(ctx)
	if err != nil {
		return nil, err
	}
	var all []match.Listing
	err = s.store.LiveListings(ctx, s.now(), func(batch []Listing) error {
		for _, l := range batch {
			all = append(all, EngineListing(l, countries[l.InstitutionID]))
		}
		return nil
	})
	return all, err
}

// applyLexiconForBuild puts the staff lexicon in force before the index
// is built (BuildMatchIndex), so that the build analyses every listing
// once, under it.
func (s *Service) applyLexiconForBuild(ctx context.Context) error {
	lx := s.lexiconState()
	lx.mu.Lock()
	defer lx.mu.Unlock()
	v, err := s.store.LexiconVersion(ctx)
	if err != nil {
		return err
	}
	rows, err := s.store.LexiconConcepts(ctx)
	if err != nil {
		return err
	}
	if len(rows) > 0 {
		_, err := s.matches.engine.SetLexicon(effectiveLexicon(lx.shipped, rows), func() ([]match.Listing, error) { return nil, nil })
		var ce *match.ConceptError
		if errors.As(err, &ce) {
			// The staff rows do not fit this release's shipped lexicon
			// (a new shipped term collides): serve with the shipped one;
			// the poll keeps reporting the error until staff fix the rows.
			return nil
		}
		if err != nil {
			return err
		}
	}
	lx.applied = v
	return nil
}

// currentLexicon is the effective lexicon with each concept's record: the staff
// row, or the shipped concept at version 1. The caller holds lx.mu.
func (s *Service) currentLexicon(ctx context.Context, st LexiconStore) ([]LexiconConcept, error) {
	rows, err := st.LexiconConcepts(ctx)
	if err != nil {
		return nil, err
	}
	lx := s.lexiconState()
	byID := make(map[string]LexiconConcept, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	var out []LexiconConcept
	for _, c := range effectiveLexicon(lx.shipped, rows) {
		if r, ok := byID[c.ID]; ok {
			out = append(out, r)
			continue
		}
		out = append(out, LexiconConcept{ID: c.ID, Subsectors: c.Subsectors, Terms: c.Terms, Origin: OriginShipped, Version: 1})
	}
	return out, nil
}

func staffOnly(a Actor) error {
	if !a.IsStaff() {
		return Errorf(ErrForbidden, "only staff manage the lexicon")
	}
	return nil
}

// ListLexicon pages through the lexicon in force, shipped concepts first
// in file order, then the ones staff added; retired ones are listed with
// their flag. q keeps the concepts whose id or a term contains it
// (case-insensitive).
func (s *Service) ListLexicon(ctx context.Context, a Actor, q string, limit int, cursor string) (Page[LexiconConcept], error) {
	if err := staffOnly(a); err != nil {
		return Page[LexiconConcept]{}, err
	}
	var p Problems
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit < 0:
		p.Add("limit", "must be a whole number from 1 to %d", MaxLimit)
	case limit > MaxLimit:
		limit = MaxLimit
	}
	if err := p.Err(); err != nil {
		return Page[LexiconConcept]{}, err
	}
	offset := 0
	if cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(cursor)
		n, convErr := strconv.Atoi(strings.TrimPrefix(string(b), "lexicon:"))
		if len(cursor) > 64 || err != nil || !strings.HasPrefix(string(b), "lexicon:") || convErr != nil || n <= 0 {
			return Page[LexiconConcept]{}, Errorf(ErrBadRequest, "cursor is malformed")
		}
		offset = n
	}
	all, err := s.currentLexicon(ctx, s.db(ctx))
	if err != nil {
		return Page[LexiconConcept]{}, fmt.Errorf("list lexicon: %w", err)
	}
	if q = strings.ToLower(strings.TrimSpace(q)); q != "" {
		all = slices.DeleteFunc(all, func(c LexiconConcept) bool { return !c.mentions(q) })
	}
	page := Page[LexiconConcept]{Total: int64(len(all))}
	if offset > len(all) {
		offset = len(all)
	}
	end := min(offset+limit, len(all))
	page.Items = all[offset:end]
	if end < len(all) {
		page.NextCursor = base64.RawURLEncoding.EncodeToString([]byte("lexicon:" + strconv.Itoa(end)))
	}
	return page, nil
}

func (c LexiconConcept) mentions(q string) bool {
	if strings.Contains(c.ID, q) {
		return true
	}
	for _, ts := range c.Terms {
		for _, t := range ts {
			if strings.Contains(strings.ToLower(t), q) {
				return true
			}
		}
	}
	return false
}

// Concept returns one concept of the lexicon in force.
func (s *Service) LexiconConcept(ctx context.Context, a Actor, id string) (LexiconConcept, error) {
	if err := staffOnly(a); err != nil {
		return LexiconConcept{}, err
	}
	all, err := s.currentLexicon(ctx, s.db(ctx))
	if err != nil {
		return LexiconConcept{}, fmt.Errorf("lexicon concept %s: %w", id, err)
	}
	for _, c := range all {
		if c.ID == id {
			return c, nil
		}
	}
	return LexiconConcept{}, Errorf(ErrNotFound, "lexicon concept %s not found", id)
}

func (c *LexiconConcept) normalize() {
	c.ID = strings.TrimSpace(c.ID)
	for i, sub := range c.Subsectors {
		c.Subsectors[i] = strings.TrimSpace(sub)
	}
	terms := make(map[string][]string, len(c.Terms))
	for lang, ts := range c.Terms {
		out := make([]string, 0, len(ts))
		for _, t := range ts {
			out = append(out, strings.Join(strings.Fields(t), " "))
		}
		terms[strings.ToLower(strings.TrimSpace(lang))] = out
	}
	c.Terms = terms
}

// validate checks a concept by the lexicon's rules and the staff limits,
// field by field.
func (c LexiconConcept) validate(field string) Problems {
	var p Problems
	at := func(f string) string {
		if field == "" {
			return f
		}
		return field + "." + f
	}
	if len(c.ID) > MaxConceptIDLength || !validConceptID(c.ID) {
		p.Add(at("id"), "must be lower_snake_case ASCII (letters, digits, single underscores), at most %d characters", MaxConceptIDLength)
	}
	if len(c.Subsectors) == 0 {
		p.Add(at("subsectors"), "must name at least one subsector, or \"*\" for a cross-cutting concept")
	}
	for i, sub := range c.Subsectors {
		f := fmt.Sprintf("%s[%d]", at("subsectors"), i)
		switch {
		case sub == "*" && len(c.Subsectors) > 1:
			p.Add(f, "\"*\" (cross-cutting) stands alone")
		case sub != "*" && !knownSubsector(sub):
			p.Add(f, "must be a subsector (see GET /api/v1/vocabulary) or \"*\"")
		case slices.Index(c.Subsectors, sub) != i:
			p.Add(f, "is listed twice")
		}
	}
	for _, lang := range slices.Sorted(maps.Keys(c.Terms)) {
		if !slices.Contains(match.Languages, lang) {
			p.Add(at("terms"), "%q is not a lexicon language (%s)", strings.ToValidUTF8(lang, "?"), strings.Join(match.Languages, ", "))
		}
	}
	for _, lang := range match.Languages {
		ts := c.Terms[lang]
		f := at("terms." + lang)
		if len(ts) == 0 {
			p.Add(f, "is required: every concept has terms in %s", strings.Join(match.Languages, ", "))
			continue
		}
		if len(ts) > MaxTermsPerLang {
			p.Add(f, "must list at most %d terms", MaxTermsPerLang)
		}
		seen := map[string]bool{}
		for i, t := range ts {
			fi := fmt.Sprintf("%s[%d]", f, i)
			switch {
			case t == "":
				p.Add(fi, "must not be empty")
			case !utf8.ValidString(t):
				p.Add(fi, "must be valid UTF-8")
			case strings.IndexByte(t, 0) >= 0:
				p.Add(fi, "must not contain the NUL character (U+0000)")
			case utf8.RuneCountInString(t) > MaxTermLength:
				p.Add(fi, "must be at most %d characters", MaxTermLength)
			case strings.ContainsAny(t, "|[]"):
				p.Add(fi, "must not contain '|', '[', ']' or a line break (the lexicon.txt format)")
			case strings.ContainsFunc(t, badLineRune):
				checkLine(&p, fi, t)
			case seen[strings.ToLower(t)]:
				p.Add(fi, "is listed twice")
			}
			seen[strings.ToLower(t)] = true
		}
	}
	return p
}

func knownSubsector(sub string) bool {
	for sector := range Sectors {
		if ValidSubsector(sector, sub) {
			return true
		}
	}
	return false
}

func validConceptID(s string) bool {
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// collisions refuses a term that another concept in force has in the same
// language (ignoring case and spacing): the bridge would join two ideas,
// or one idea would be two concepts. The error names the other concept.
func collisions(all []LexiconConcept, changed []LexiconConcept, field func(i int) string) Problems {
	ids := map[string]bool{}
	for _, c := range changed {
		ids[c.ID] = true
	}
	owner := map[string]string{}
	key := func(lang, t string) string {
		return lang + "\x00" + strings.ToLower(strings.Join(strings.Fields(t), " "))
	}
	for _, c := range all {
		if c.Retired || ids[c.ID] {
			continue
		}
		for lang, ts := range c.Terms {
			for _, t := range ts {
				owner[key(lang, t)] = c.ID
			}
		}
	}
	var p Problems
	for i, c := range changed {
		if c.Retired {
			continue
		}
		for _, lang := range match.Languages {
			for j, t := range c.Terms[lang] {
				k := key(lang, t)
				if other, ok := owner[k]; ok {
					name := fmt.Sprintf("terms.%s[%d]", lang, j)
					if f := field(i); f != "" {
						name = f + "." + name
					}
					p.Add(name, "%q is already a term (%s) of concept %s", t, lang, other)
					continue
				}
				owner[k] = c.ID
			}
		}
	}
	return p
}

// changeLexicon runs one change of the staff rows: fn gets the lexicon in
// force (with records) and returns the rows to create and to update; the
// result is checked as a whole (collisions, the engine's rules, the
// limits), written with the audit entries and a bump of the version, and
// applied to this process's index after the commit.
func (s *Service) changeLexicon(ctx context.Context, a Actor, action string, fn func(all []LexiconConcept) (create, update []LexiconConcept, field func(int) string, err error)) error {
	if err := staffOnly(a); err != nil {
		return err
	}
	err := s.write(ctx, a, func(u *unit) error {
		// The bump first: it locks the state row, so changes are checked
		// against each other one at a time.
		seq, err := u.BumpLexiconVersion(ctx)
		if err != nil {
			return err
		}
		all, err := s.currentLexicon(ctx, u)
		if err != nil {
			return err
		}
		before := make(map[string]LexiconConcept, len(all))
		staffRows := 0
		for _, c := range all {
			before[c.ID] = c
			if c.Origin == OriginStaff {
				staffRows++
			}
		}
		create, update, field, err := fn(all)
		if err != nil {
			return err
		}
		if staffRows+len(create) > MaxStaffConcepts {
			return Errorf(ErrInvalid, "the lexicon holds at most %d concepts added or changed by staff (%d now)", MaxStaffConcepts, staffRows)
		}
		changed := append(slices.Clone(create), update...)
		if p := collisions(all, changed, field); len(p) > 0 {
			return p.Err()
		}
		// The engine's own rules over the whole result.
		after := slices.Clone(all)
		for _, c := range changed {
			if i := slices.IndexFunc(after, func(x LexiconConcept) bool { return x.ID == c.ID }); i >= 0 {
				after[i] = c
			} else {
				after = append(after, c)
			}
		}
		engineConcepts := make([]match.Concept, len(after))
		for i, c := range after {
			engineConcepts[i] = c.engine()
		}
		var ce *match.ConceptError
		if err := match.CheckLexicon(engineConcepts); errors.As(err, &ce) {
			return Errorf(ErrInvalid, "%s", ce.Error())
		} else if err != nil {
			return err
		}
		if len(create) > 0 {
			for i := range create {
				create[i].Seq = seq
			}
			if err := u.CreateLexiconConcepts(ctx, create); err != nil {
				return err
			}
		}
		for _, c := range update {
			if err := u.UpdateLexiconConcept(ctx, c); err != nil {
				return err
			}
		}
		for _, c := range changed {
			var old map[string]any
			act := action
			if b, ok := before[c.ID]; ok {
				old = b.auditFields()
			} else {
				act = "created"
			}
			u.record("lexicon_concept", conceptAuditID(c.ID), act, old, c.auditFields())
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.afterCommit(ctx, func() {
		// This process at once; the others within their next poll. A
		// failure here is retried by the poll.
		_, _ = s.SyncLexicon(context.WithoutCancel(outside(ctx)))
	})
	return nil
}

// afterCommit runs fn once the request's transaction (if any) commits.
func (s *Service) afterCommit(ctx context.Context, fn func()) {
	if amb := ambientOf(ctx); amb != nil {
		amb.after = append(amb.after, fn)
		return
	}
	fn()
}

// row turns the record of a concept into the staff row that replaces it
// at now: a shipped concept's first row is version 2 (the shipped one is 1).
func (c LexiconConcept) row(now time.Time) (LexiconConcept, bool) {
	created := c.Origin != OriginStaff
	c.Version++
	c.UpdatedAt = now
	if created {
		c.CreatedAt = now
	}
	c.Origin = OriginStaff
	return c, created
}

// CreateLexiconConcept adds a concept.
func (s *Service) CreateLexiconConcept(ctx context.Context, a Actor, c LexiconConcept) (LexiconConcept, error) {
	c.normalize()
	if p := c.validate(""); len(p) > 0 {
		return LexiconConcept{}, p.Err()
	}
	now := s.now()
	c.Origin, c.Version, c.Retired, c.CreatedAt, c.UpdatedAt = OriginStaff, 1, false, now, now
	err := s.changeLexicon(ctx, a, "created", func(all []LexiconConcept) ([]LexiconConcept, []LexiconConcept, func(int) string, error) {
		if slices.ContainsFunc(all, func(x LexiconConcept) bool { return x.ID == c.ID }) {
			return nil, nil, nil, Errorf(ErrConflict, "lexicon concept %s exists; change it with PATCH", c.ID)
		}
		return []LexiconConcept{c}, nil, func(int) string { return "" }, nil
	})
	if err != nil {
		return LexiconConcept{}, fmt.Errorf("create lexicon concept %s: %w", c.ID, err)
	}
	return c, nil
}

// UpdateLexiconConcept changes a concept, shipped or added; ifMatch (0:
// none) must be its version.
func (s *Service) UpdateLexiconConcept(ctx context.Context, a Actor, id string, ifMatch int, patch LexiconPatch) (LexiconConcept, error) {
	return s.reviseLexiconConcept(ctx, a, id, ifMatch, "updated", func(c *LexiconConcept) error {
		if c.Retired {
			return Errorf(ErrConflict, "lexicon concept %s is retired", id)
		}
		if patch.Subsectors != nil {
			c.Subsectors = slices.Clone(*patch.Subsectors)
		}
		terms := maps.Clone(c.Terms)
		for lang, ts := range patch.Terms {
			terms[lang] = slices.Clone(ts)
		}
		c.Terms = terms
		c.normalize()
		if p := c.validate(""); len(p) > 0 {
			return p.Err()
		}
		return nil
	})
}

// RetireLexiconConcept takes a concept out of matching; it stays listed,
// retired, and keeps its id (a new concept cannot take it).
func (s *Service) RetireLexiconConcept(ctx context.Context, a Actor, id string, ifMatch int) (LexiconConcept, error) {
	return s.reviseLexiconConcept(ctx, a, id, ifMatch, "retired", func(c *LexiconConcept) error {
		if c.Retired {
			return Errorf(ErrConflict, "lexicon concept %s is retired already", id)
		}
		c.Retired = true
		return nil
	})
}

func (s *Service) reviseLexiconConcept(ctx context.Context, a Actor, id string, ifMatch int, action string, fn func(*LexiconConcept) error) (LexiconConcept, error) {
	var out LexiconConcept
	err := s.changeLexicon(ctx, a, action, func(all []LexiconConcept) ([]LexiconConcept, []LexiconConcept, func(int) string, error) {
		i := slices.IndexFunc(all, func(x LexiconConcept) bool { return x.ID == id })
		if i < 0 {
			return nil, nil, nil, Errorf(ErrNotFound, "lexicon concept %s not found", id)
		}
		c := all[i]
		if ifMatch != 0 && ifMatch != c.Version {
			return nil, nil, nil, Errorf(ErrPrecondition, "lexicon concept %s is at version %d, not %d", id, c.Version, ifMatch)
		}
		c.Subsectors, c.Terms = slices.Clone(c.Subsectors), maps.Clone(c.Terms)
		if err := fn(&c); err != nil {
			return nil, nil, nil, err
		}
		field := func(int) string { return "" }
		if old := all[i]; c.Retired == old.Retired && slices.Equal(c.Subsectors, old.Subsectors) && maps.EqualFunc(c.Terms, old.Terms, slices.Equal) {
			out = old // nothing changes: no new version, no history
			return nil, nil, field, nil
		}
		row, created := c.row(s.now())
		out = row
		if created {
			return []LexiconConcept{row}, nil, field, nil
		}
		return nil, []LexiconConcept{row}, field, nil
	})
	if err != nil {
		return LexiconConcept{}, fmt.Errorf("%s lexicon concept %s: %w", action, id, err)
	}
	return out, nil
}

// ExportLexicon writes the whole lexicon in the lexicon.txt format, which
// ImportLexicon and the shipped file read; a retired concept carries the
// line "retired = true", so that importing the export changes nothing.
func (s *Service) ExportLexicon(ctx context.Context, a Actor) (string, error) {
	if err := staffOnly(a); err != nil {
		return "", err
	}
	all, err := s.currentLexicon(ctx, s.db(ctx))
	if err != nil {
		return "", fmt.Errorf("export lexicon: %w", err)
	}
	var b strings.Builder
	b.WriteString("# techbridge matching lexicon, exported " + s.now().UTC().Format(time.RFC3339) + "\n")
	for _, c := range all {
		fmt.Fprintf(&b, "\n[%s]\nsubsectors = %s\n", c.ID, strings.Join(c.Subsectors, ", "))
		if c.Retired {
			b.WriteString("retired = true\n")
		}
		for _, lang := range match.Languages {
			fmt.Fprintf(&b, "%s = %s\n", lang, strings.Join(c.Terms[lang], " | "))
		}
	}
	return b.String(), nil
}

// LexiconImport says what an import did.
type LexiconImport struct {
	Created, Updated, Unchanged int
}

// ImportLexicon reads concepts in the lexicon.txt format and applies them
// all or none: a new id is added, a known one (shipped or added) takes the
// file's subsectors and terms. A concept with "retired = true" is retired
// (or stays so); a retired one listed without it comes back. At most
// MaxLexiconImport concepts.
func (s *Service) ImportLexicon(ctx context.Context, a Actor, text string) (LexiconImport, error) {
	if err := staffOnly(a); err != nil {
		return LexiconImport{}, err
	}
	if !utf8.ValidString(text) || strings.IndexByte(text, 0) >= 0 {
		return LexiconImport{}, Errorf(ErrInvalid, "the lexicon must be UTF-8 text without NUL characters")
	}
	parsed, err := match.ParseLexicon(strings.NewReader(text))
	var le *match.LexiconError
	if errors.As(err, &le) {
		var p Problems
		p.Add(fmt.Sprintf("line %d", le.Line), "%s", le.Msg)
		return LexiconImport{}, p.Err()
	} else if err != nil {
		return LexiconImport{}, Errorf(ErrInvalid, "the lexicon cannot be read: %v", err)
	}
	if len(parsed) == 0 {
		return LexiconImport{}, Errorf(ErrInvalid, "the lexicon holds no concept")
	}
	if len(parsed) > MaxLexiconImport {
		return LexiconImport{}, Errorf(ErrInvalid, "an import holds at most %d concepts (this one %d)", MaxLexiconImport, len(parsed))
	}
	in := make([]LexiconConcept, len(parsed))
	var p Problems
	for i, c := range parsed {
		in[i] = LexiconConcept{ID: c.ID, Subsectors: c.Subsectors, Terms: c.Terms, Retired: c.Retired}
		in[i].normalize()
		p = append(p, in[i].validate(c.ID)...)
	}
	if len(p) > 0 {
		return LexiconImport{}, p.Err()
	}
	var res LexiconImport
	err = s.changeLexicon(ctx, a, "imported", func(all []LexiconConcept) ([]LexiconConcept, []LexiconConcept, func(int) string, error) {
		res = LexiconImport{}
		byID := map[string]LexiconConcept{}
		for _, c := range all {
			byID[c.ID] = c
		}
		now := s.now()
		var create, update []LexiconConcept
		for _, c := range in {
			old, ok := byID[c.ID]
			switch {
			case !ok:
				c.Origin, c.Version, c.CreatedAt, c.UpdatedAt = OriginStaff, 1, now, now
				create = append(create, c)
				res.Created++
			case old.Retired == c.Retired && slices.Equal(old.Subsectors, c.Subsectors) && maps.EqualFunc(old.Terms, c.Terms, slices.Equal):
				res.Unchanged++
			default:
				old.Subsectors, old.Terms, old.Retired = c.Subsectors, c.Terms, c.Retired
				row, created := old.row(now)
				if created {
					create = append(create, row)
				} else {
					update = append(update, row)
				}
				res.Updated++
			}
		}
		changed := append(slices.Clone(create), update...)
		return create, update, func(i int) string { return changed[i].ID }, nil
	})
	if err != nil {
		return LexiconImport{}, fmt.Errorf("import lexicon: %w", err)
	}
	return res, nil
}

// LexiconConceptHistory is a concept's audit trail, oldest first.
func (s *Service) LexiconConceptHistory(ctx context.Context, a Actor, id string) ([]AuditEvent, error) {
	if _, err := s.LexiconConcept(ctx, a, id); err != nil {
		return nil, err
	}
	evs, err := s.db(ctx).History(ctx, "lexicon_concept", conceptAuditID(id))
	if err != nil {
		return nil, fmt.Errorf("history of lexicon concept %s: %w", id, err)
	}
	return evs, nil
}

package transfer

import (
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/techbridge/techbridge/internal/match"
)

// percolator finds the saved searches a listing satisfies without looking
// at every one of them. Each search is filed under one key, its most
// selective condition (a text term, else its subsector, sector, country or
// transfer mode, else only its kind); a listing produces the keys it could
// satisfy (its terms, term prefixes, subsector, sector, country, modes and
// the kind's catch-all), and only the searches filed under those keys are
// evaluated in full. Watches are filed by the listing they watch.
type percolator struct {
	mu       sync.RWMutex
	byKey    map[pkey]map[string]*SavedSearch   // key → id → search
	keyOf    map[string]pkey                    // search id → its key
	watches  map[string]map[string]*SavedSearch // watched listing id → id → watch
	versions map[string]int
}

func newPercolator() *percolator {
	return &percolator{byKey: map[pkey]map[string]*SavedSearch{}, keyOf: map[string]pkey{},
		watches: map[string]map[string]*SavedSearch{}, versions: map[string]int{}}
}

// pkey is a key searches are filed under: the kind of listing, what the
// condition is about (t term, p prefix, S subsector, s sector, c country,
// m transfer mode, * nothing, w the watched listing) and its value. A
// struct rather than a joined string, so that looking one up allocates nothing.
type pkey struct {
	kind Kind
	tag  byte
	v    string
}

// A search still being typed ("sol" for "solar") is filed under what was
// typed, up to maxPrefixRunes; a listing offers every prefix of its terms
// from minPrefixRunes (the shortest match.ParseSearch accepts) to
// maxPrefixRunes. Filing under the whole prefix rather than its first
// three letters keeps a bucket to the searches that share it ("solar"),
// not all that share a common start ("sol…", "con…").
const (
	minPrefixRunes = 3
	maxPrefixRunes = 8
)

func runePrefix(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// percolationKey is the key a search is filed under. A longer term is
// taken as rarer; structured filters come after text because a subsector
// holds thousands of listings where a word holds few.
func percolationKey(ss *SavedSearch) pkey {
	k := ss.Kind
	terms := ss.terms.Terms
	best := ""
	for i, t := range terms {
		if ss.terms.Prefix && i == len(terms)-1 {
			continue
		}
		if len(t) > len(best) {
			best = t
		}
	}
	switch {
	case best != "":
		return pkey{k, 't', best}
	case len(terms) > 0: // only a prefix
		return pkey{k, 'p', runePrefix(terms[len(terms)-1], maxPrefixRunes)}
	case ss.Subsector != "":
		return pkey{k, 'S', ss.Subsector}
	case ss.Sector != "":
		return pkey{k, 's', ss.Sector}
	case ss.Country != "":
		return pkey{k, 'c', ss.Country}
	case ss.TransferMode != "":
		return pkey{k, 'm', ss.TransferMode}
	}
	return pkey{k, '*', ""}
}

// put files a search (or a newer version of it); a deleted one is removed.
// It reports whether the version was new to it.
func (p *percolator) put(ss SavedSearch) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if v, ok := p.versions[ss.ID]; ok && v >= ss.Version {
		return false
	}
	p.versions[ss.ID] = ss.Version
	p.removeLocked(ss.ID)
	if ss.Deleted {
		return true
	}
	if ss.Type == SearchWatch {
		m := p.watches[ss.WatchListingID]
		if m == nil {
			m = map[string]*SavedSearch{}
			p.watches[ss.WatchListingID] = m
		}
		c := ss
		m[ss.ID] = &c
		p.keyOf[ss.ID] = pkey{tag: 'w', v: ss.WatchListingID}
		return true
	}
	c := ss
	c.terms = match.ParseSearch(c.Q)
	key := percolationKey(&c)
	m := p.byKey[key]
	if m == nil {
		m = map[string]*SavedSearch{}
		p.byKey[key] = m
	}
	m[ss.ID] = &c
	p.keyOf[ss.ID] = key
	return true
}

func (p *percolator) removeLocked(id string) {
	key, ok := p.keyOf[id]
	if !ok {
		return
	}
	delete(p.keyOf, id)
	if key.tag == 'w' {
		delete(p.watches[key.v], id)
		if len(p.watches[key.v]) == 0 {
			delete(p.watches, key.v)
		}
		return
	}
	delete(p.byKey[key], id)
	if len(p.byKey[key]) == 0 {
		delete(p.byKey, key)
	}
}

// listingFacts is what a search is evaluated against.
type listingFacts struct {
	l       Listing
	country string
	terms   map[string]bool
}

func newListingFacts(l Listing, country string) *listingFacts {
	f := &listingFacts{l: l, country: country, terms: map[string]bool{}}
	for _, t := range match.SearchTerms(strings.Join(append([]string{l.Title, l.Summary}, l.Keywords...), " ")) {
		f.terms[t] = true
	}
	return f
}

// keys lists every key a search the listing satisfies may be filed under.
func (f *listingFacts) keys() []pkey {
	k := f.l.Kind
	out := make([]pkey, 0, 4+len(f.l.TransferModes)+len(f.terms)*4)
	out = append(out, pkey{k, '*', ""}, pkey{k, 's', f.l.Sector}, pkey{k, 'c', f.country})
	if f.l.Subsector != "" {
		out = append(out, pkey{k, 'S', f.l.Subsector})
	}
	for _, m := range f.l.TransferModes {
		out = append(out, pkey{k, 'm', m})
	}
	prefixes := map[string]bool{}
	for t := range f.terms {
		out = append(out, pkey{k, 't', t})
		for n := minPrefixRunes; n <= min(maxPrefixRunes, utf8.RuneCountInString(t)); n++ {
			if p := runePrefix(t, n); !prefixes[p] {
				prefixes[p] = true
				out = append(out, pkey{k, 'p', p})
			}
		}
	}
	return out
}

// satisfies evaluates a search in full against the listing.
func (ss *SavedSearch) satisfies(f *listingFacts) bool {
	l := f.l
	switch {
	case ss.Kind != l.Kind,
		ss.Sector != "" && ss.Sector != l.Sector,
		ss.Subsector != "" && ss.Subsector != l.Subsector,
		ss.Country != "" && ss.Country != f.country,
		ss.Language != "" && ss.Language != l.Language,
		ss.TransferMode != "" && !slices.Contains(l.TransferModes, ss.TransferMode),
		ss.TRLMin != 0 && l.TRL < ss.TRLMin,
		ss.TRLMax != 0 && l.TRL > ss.TRLMax:
		return false
	}
	terms := ss.terms.Terms
	if ss.Q != "" && len(terms) == 0 {
		return false // a text with no terms finds nothing, as in lists
	}
	for i, t := range terms {
		if f.terms[t] {
			continue
		}
		if ss.terms.Prefix && i == len(terms)-1 && hasTermWithPrefix(f.terms, t) {
			continue
		}
		return false
	}
	return true
}

func hasTermWithPrefix(terms map[string]bool, p string) bool {
	for t := range terms {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// candidates returns the searches (not watches) the listing satisfies,
// looking only at those filed under its keys.
func (p *percolator) candidates(f *listingFacts) []SavedSearch {
	p.mu.RLock()
	defer p.mu.RUnlock()
	var out []SavedSearch
	for _, key := range f.keys() {
		for _, ss := range p.byKey[key] {
			if ss.satisfies(f) {
				out = append(out, *ss)
			}
		}
	}
	return out
}

// scan is the baseline the benchmark compares with: every search evaluated.
func (p *percolator) scan(f *listingFacts) []SavedSearch {
	p.mu.RLock()
	defer p.mu.RUnlock()
	var out []SavedSearch
	for _, m := range p.byKey {
		for _, ss := range m {
			if ss.satisfies(f) {
				out = append(out, *ss)
			}
		}
	}
	return out
}

// watchesOf returns the watches of the given listings.
func (p *percolator) watchesOf(ids []string) []SavedSearch {
	p.mu.RLock()
	defer p.mu.RUnlock()
	var out []SavedSearch
	for _, id := range ids {
		for _, w := range p.watches[id] {
			out = append(out, *w)
		}
	}
	return out
}

// hasWatches reports whether any watch exists (else the matcher is not asked).
func (p *percolator) hasWatches() bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return len(p.watches) > 0
}

func (p *percolator) size() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return len(p.keyOf)
}

package match

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ErrLexiconRenumbered is UpdateLexicon's answer when the new lexicon does
// not keep the numbering of the one in force: SetLexicon, which analyses
// every listing again, is then the way.
var ErrLexiconRenumbered = errors.New("match: the new lexicon does not keep the concepts of the one in force in their places")

// UpdateLexicon replaces the lexicon in force with concepts, analysing
// again only the listings the change can affect, where SetLexicon analyses
// them all. concepts must keep the numbering of the lexicon in force: the
// same ids in the same places (a concept to drop is kept, Retired), new
// concepts after them. A listing is affected when it mentions a concept
// whose terms changed or that was retired, or when its words include every
// word of a term that is new (leftmost-longest matching may then find
// another concept in it). load returns the affected listings by id, both
// kinds together, as they are now (an id it does not return is left as
// it is). UpdateLexicon returns the new algorithm version and how many
// listings were analysed again; ErrLexiconRenumbered (or a term with no
// word the index keeps, such as a stop word alone: the same error) when
// only SetLexicon can apply the change. Upserts and Removes made meanwhile
// are applied as with SetLexicon.
func (e *Engine) UpdateLexicon(concepts []Concept, load func(ids []string) ([]Listing, error)) (string, int, error) {
	if err := CheckLexicon(concepts); err != nil {
		return "", 0, err
	}
	version, err := versionOf(e.cfg, concepts)
	if err != nil {
		return "", 0, err
	}
	concepts = slices.Clone(concepts)
	lx := &lexiconState{concepts: concepts, matcher: newConceptMatcher(concepts), version: version}
	e.rebuild.Lock()
	defer e.rebuild.Unlock()
	old := e.lex.Load().concepts
	if len(concepts) < len(old) {
		return "", 0, ErrLexiconRenumbered
	}
	var changed []int32
	var added []addedTerm
	for i, c := range concepts {
		if i < len(old) {
			o := old[i]
			if o.ID != c.ID {
				return "", 0, ErrLexiconRenumbered
			}
			if o.Retired == c.Retired && maps.EqualFunc(o.Terms, c.Terms, slices.Equal) {
				continue
			}
			changed = append(changed, int32(i))
			if !c.Retired {
				added = append(added, newTerms(o, c)...)
			}
			continue
		}
		if !c.Retired {
			added = append(added, newTerms(Concept{}, c)...)
		}
	}
	e.mu.Lock()
	ids, ok := e.affected(changed, added)
	if !ok {
		e.mu.Unlock()
		return "", 0, ErrLexiconRenumbered
	}
	e.pending = &[]change{}
	e.mu.Unlock()
	ls, err := load(ids)
	if err != nil {
		e.mu.Lock()
		e.pending = nil
		e.mu.Unlock()
		return "", 0, fmt.Errorf("match: load the affected listings: %w", err)
	}
	docs := make([]*doc, len(ls))
	for i := range ls {
		docs[i] = e.analyze(lx.matcher, &ls[i], false)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lex.Store(lx)
	for i, d := range docs {
		e.indexOf(ls[i].Kind).put(d, e.stats)
	}
	changes := *e.pending
	e.pending = nil
	for _, c := range changes {
		if c.upsert != nil {
			e.indexOf(c.upsert.Kind).put(e.analyze(lx.matcher, c.upsert, false), e.stats)
		} else {
			e.indexOf(c.kind).remove(c.id)
		}
	}
	// Concept weights are document frequencies: take a new snapshot now,
	// for the concepts that gained or lost listings.
	st := newStats(len(concepts), e.offers, e.demands)
	e.offers.normalise(e.stats, st)
	e.demands.normalise(e.stats, st)
	e.stats = st
	return version, len(ls), nil
}

// addedTerm is a term a concept has now and did not have.
type addedTerm struct{ lang, term string }

func newTerms(old, c Concept) []addedTerm {
	var out []addedTerm
	for _, l := range Languages {
		for _, t := range c.Terms[l] {
			if !slices.ContainsFunc(old.Terms[l], func(o string) bool { return strings.EqualFold(o, t) }) {
				out = append(out, addedTerm{l, t})
			}
		}
	}
	return out
}

// affected lists the ids of the listings that mention a changed concept
// or have every word of an added term; false when a term has no word the
// index keeps. The caller holds the lock.
func (e *Engine) affected(changed []int32, added []addedTerm) ([]string, bool) {
	seen := map[string]bool{}
	var ids []string
	for _, ix := range []*index{e.offers, e.demands} {
		take := func(d uint32) {
			if !ix.living(d) {
				return
			}
			if id := ix.idOf(d); !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		for _, c := range changed {
			if p := ix.concepts[c]; p != nil {
				p.each(func(d uint32, _ uint16) { take(d) })
			}
		}
		for _, t := range added {
			var words []string
			tokenize(fold(t.term), t.lang, func(w, _ string) {
				if !strings.Contains(w, "_") { // a Vietnamese syllable pair: its syllables are there too
					words = append(words, w)
				}
			})
			if len(words) == 0 {
				return nil, false
			}
			// The rarest word's list, checked against the others.
			lists := make([]*postings, len(words))
			for i, w := range words {
				lists[i] = ix.terms[w]
				if lists[i] == nil {
					lists = nil
					break
				}
			}
			if lists == nil {
				continue // some word is in no listing of this index
			}
			slices.SortFunc(lists, func(a, b *postings) int { return a.df() - b.df() })
			lists[0].each(func(d uint32, _ uint16) {
				for _, p := range lists[1:] {
					if p.weight(d) == 0 {
						return
					}
				}
				take(d)
			})
		}
	}
	return ids, true
}

// termOf names the term by which a doc mentioned a concept. A doc analysed
// under an earlier lexicon (UpdateLexicon analyses only the affected ones)
// may hold the number of a pattern that is now another's: then the
// concept's first term in the pattern's language, or English, names it.
func (m *conceptMatcher) termOf(r conceptRef) string {
	if int(r.pattern) < len(m.patterns) && m.patterns[r.pattern].concept == r.concept {
		return m.patterns[r.pattern].term
	}
	c := m.concepts[r.concept]
	if ts := c.Terms["en"]; len(ts) > 0 {
		return ts[0]
	}
	for _, l := range Languages {
		if ts := c.Terms[l]; len(ts) > 0 {
			return ts[0]
		}
	}
	return human(c.ID)
}

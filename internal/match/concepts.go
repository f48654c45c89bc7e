package match

import (
	"unicode/utf8"
)

// The concept bridge: every term of every concept, in every language, is cut
// into units (stemmed words, or single Han and Thai characters), and a
// listing's text is scanned for those unit sequences. A listing is then
// indexed by the concepts it mentions, whatever language it is written in.

// pattern is one term of one concept.
type pattern struct {
	units   []string
	concept int32
	term    string // as written in the lexicon, for explanations
	lang    string
}

type conceptMatcher struct {
	concepts []Concept
	patterns []pattern
	byFirst  map[string][]int32 // first unit → patterns starting with it, longest first
}

func newConceptMatcher(concepts []Concept) *conceptMatcher {
	m := &conceptMatcher{concepts: concepts, byFirst: map[string][]int32{}}
	for ci, c := range concepts {
		for _, lang := range Languages {
			for _, term := range c.Terms[lang] {
				u := units(fold(term))
				if len(u) == 0 {
					continue
				}
				id := int32(len(m.patterns))
				m.patterns = append(m.patterns, pattern{units: u, concept: int32(ci), term: term, lang: lang})
				m.byFirst[u[0]] = append(m.byFirst[u[0]], id)
			}
		}
	}
	for k, ids := range m.byFirst {
		// Longest first, so that "lithium iron phosphate battery" wins over "battery".
		sortByLen(ids, m.patterns)
		m.byFirst[k] = ids
	}
	return m
}

func sortByLen(ids []int32, ps []pattern) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && len(ps[ids[j]].units) > len(ps[ids[j-1]].units); j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
}

// units cuts folded text into matching units: stemmed words, and single
// runes of scripts written without spaces. Punctuation breaks nothing but
// is not a unit.
func units(folded string) []string {
	var out []string
	i := 0
	for i < len(folded) {
		r, size := utf8.DecodeRuneInString(folded[i:])
		sc := scriptOf(r)
		switch sc {
		case scriptOther:
			i += size
		case scriptHan, scriptThai:
			out = append(out, folded[i:i+size])
			i += size
		default:
			j := i + size
			for j < len(folded) {
				r2, s2 := utf8.DecodeRuneInString(folded[j:])
				if scriptOf(r2) != scriptWord {
					break
				}
				j += s2
			}
			out = append(out, stem(folded[i:j]))
			i = j
		}
	}
	return out
}

// find reports every leftmost-longest concept term in the units.
func (m *conceptMatcher) find(u []string, fn func(patternID int32)) {
	for i := 0; i < len(u); {
		matched := 0
		for _, pid := range m.byFirst[u[i]] {
			p := m.patterns[pid].units
			if len(p) <= len(u)-i && equalUnits(p, u[i:i+len(p)]) {
				fn(pid)
				matched = len(p)
				break
			}
		}
		if matched == 0 {
			matched = 1
		}
		i += matched
	}
}

func equalUnits(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

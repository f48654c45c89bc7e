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
	// The trie of the patterns' units, kept as numbers (a node and a map
	// per unit were 100,000 objects that every garbage collection
	// visited): units by number, the edge from node n on unit u at
	// edges[n<<32|u], and each node's pattern (-1: none ends there). Node
	// 0 is the root.
	unitIDs map[string]uint32
	edges   map[uint64]int32
	ends    []int32
	stop    []bool // by concept number: see stopConcepts
}

// stopConcepts are concepts of the lexicon that describe the transfer
// arrangement, not a technology: nearly every listing offers or asks for
// them ("contact the technology transfer centre", "training provided"), so
// they say nothing about a pair. Like stop words they are still recognised
// (their words are not matched as parts of other concepts) but neither
// indexed nor named. Listings sharing only them would otherwise get a full
// concept cosine.
var stopConcepts = map[string]bool{"technology_transfer": true, "training_capacity_building": true,
	"after_sales_support": true}

func newConceptMatcher(concepts []Concept) *conceptMatcher {
	m := &conceptMatcher{concepts: concepts, unitIDs: map[string]uint32{}, edges: map[uint64]int32{}, ends: []int32{-1},
		stop: make([]bool, len(concepts))}
	for ci, c := range concepts {
		m.stop[ci] = stopConcepts[c.ID]
		if c.Retired {
			continue
		}
		for _, lang := range Languages {
			for _, term := range c.Terms[lang] {
				u := units(fold(term))
				if len(u) == 0 {
					continue
				}
				id := int32(len(m.patterns))
				m.patterns = append(m.patterns, pattern{units: u, concept: int32(ci), term: term, lang: lang})
				n := int32(0)
				for _, unit := range u {
					uid, ok := m.unitIDs[unit]
					if !ok {
						uid = uint32(len(m.unitIDs))
						m.unitIDs[unit] = uid
					}
					child, ok := m.edges[edge(n, uid)]
					if !ok {
						child = int32(len(m.ends))
						m.ends = append(m.ends, -1)
						m.edges[edge(n, uid)] = child
					}
					n = child
				}
				if m.ends[n] < 0 {
					m.ends[n] = id
				}
			}
		}
	}
	return m
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

// find reports every leftmost-longest concept term in the units: from each
// position the trie is followed as far as the text goes, and the longest
// term met on the way ("lithium iron phosphate battery" over "battery")
// is reported; the scan goes on after it.
func edge(node int32, unit uint32) uint64 { return uint64(node)<<32 | uint64(unit) }

func (m *conceptMatcher) find(u []string, fn func(patternID int32)) {
	for i := 0; i < len(u); {
		matched, pid := 1, int32(-1)
		n := int32(0)
		for j := i; j < len(u); j++ {
			uid, ok := m.unitIDs[u[j]]
			if !ok {
				break
			}
			if n, ok = m.edges[edge(n, uid)]; !ok {
				break
			}
			if m.ends[n] >= 0 {
				matched, pid = j-i+1, m.ends[n]
			}
		}
		if pid >= 0 {
			fn(pid)
		}
		i += matched
	}
}

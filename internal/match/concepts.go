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
	root     *trieNode
	stop     []bool // by concept number: see stopConcepts
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

// trieNode is one unit along the terms of the lexicon; pattern is the first
// term (in lexicon order) that ends here, -1 when none does.
type trieNode struct {
	next    map[string]*trieNode
	pattern int32
}

func newConceptMatcher(concepts []Concept) *conceptMatcher {
	m := &conceptMatcher{concepts: concepts, root: &trieNode{pattern: -1}, stop: make([]bool, len(concepts))}
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
				n := m.root
				for _, unit := range u {
					child := n.next[unit]
					if child == nil {
						if n.next == nil {
							n.next = map[string]*trieNode{}
						}
						child = &trieNode{pattern: -1}
						n.next[unit] = child
					}
					n = child
				}
				if n.pattern < 0 {
					n.pattern = id
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
func (m *conceptMatcher) find(u []string, fn func(patternID int32)) {
	for i := 0; i < len(u); {
		matched, pid := 1, int32(-1)
		n := m.root
		for j := i; j < len(u); j++ {
			if n = n.next[u[j]]; n == nil {
				break
			}
			if n.pattern >= 0 {
				matched, pid = j-i+1, n.pattern
			}
		}
		if pid >= 0 {
			fn(pid)
		}
		i += matched
	}
}

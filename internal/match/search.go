package match

import (
	"unicode"
	"unicode/utf8"
)

// maxSearchTermBytes bounds one search term: longer runs are not words a
// person types, and Postgres refuses lexemes above 2 KB.
const maxSearchTermBytes = 64

// SearchTerms returns the distinct terms under which a list search finds
// text, in order of first appearance. They come from the matcher's own
// analysis (folding, routing by script, stop words, stemming), so both
// databases index exactly the same terms: spaced words stemmed, Han and
// Thai as overlapping character bigrams, and every Han character also on
// its own, so that a one-character query ("电") finds the words it is in.
// No term contains an ASCII space, punctuation or an upper-case letter.
func SearchTerms(text string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(t string) {
		if len(t) <= maxSearchTermBytes && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	folded := fold(text)
	tokenize(folded, "", func(term, _ string) { add(term) })
	for i, r := range folded {
		if scriptOf(r) == scriptHan {
			add(folded[i : i+utf8.RuneLen(r)])
		}
	}
	return out
}

// SearchQuery is what a list search asks for: every term must be present;
// when Prefix is set the last one may also be the start of a longer term
// (someone still typing "sol" finds "solar").
type SearchQuery struct {
	Terms  []string
	Prefix bool
}

// ParseSearch analyses what a person typed the way SearchTerms analyses
// listings. No terms (only stop words or punctuation) means nothing can match.
func ParseSearch(q string) SearchQuery {
	var s SearchQuery
	seen := map[string]bool{}
	tokenize(fold(q), "", func(term, _ string) {
		if len(term) <= maxSearchTermBytes && !seen[term] {
			seen[term] = true
			s.Terms = append(s.Terms, term)
		}
	})
	if n := len(s.Terms); n > 0 {
		last := s.Terms[n-1]
		r, _ := utf8.DecodeRuneInString(last)
		s.Prefix = scriptOf(r) == scriptWord && utf8.RuneCountInString(last) >= 3 && !unicode.IsDigit(r)
	}
	return s
}

package transfer

import (
	"strings"

	"github.com/techbridge/techbridge/internal/match"
)

// SearchTerms are the terms a list search (`q`) finds the listing under:
// those of its title, which rank first, and those of title, summary and
// keywords together, which decide whether it is found at all.
func (l Listing) SearchTerms() (title, all []string) {
	title = match.SearchTerms(l.Title)
	all = match.SearchTerms(l.Title + "\n" + l.Summary + "\n" + strings.Join(l.Keywords, "\n"))
	return title, all
}

// SearchQuery is a list search analysed like the listings: every term must
// be present, the last perhaps only as a prefix.
type SearchQuery = match.SearchQuery

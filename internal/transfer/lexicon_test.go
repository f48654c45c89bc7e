package transfer

import (
	"slices"
	"sort"
	"testing"

	"github.com/techbridge/techbridge/internal/match"
)

// The concept lexicon of the matching engine names subsectors by the
// vocabulary of this package; check that it speaks it, and that it covers
// every subsector well enough to bridge languages there.
func TestLexiconSubsectors(t *testing.T) {
	count := map[string]int{}
	for _, c := range match.DefaultLexicon() {
		if len(c.Subsectors) == 0 {
			t.Errorf("concept %s has no subsectors", c.ID)
		}
		for _, s := range c.Subsectors {
			if s == "*" { // cross-cutting
				if len(c.Subsectors) != 1 {
					t.Errorf("concept %s mixes \"*\" with subsectors %v", c.ID, c.Subsectors)
				}
				continue
			}
			valid := false
			for sector := range Sectors {
				if ValidSubsector(sector, s) {
					valid = true
					break
				}
			}
			if !valid {
				t.Errorf("concept %s: %q is not a subsector of any sector", c.ID, s)
			}
			count[s]++
		}
	}
	sectors := make([]string, 0, len(Sectors))
	for sector := range Sectors {
		sectors = append(sectors, sector)
	}
	sort.Strings(sectors)
	for _, sector := range sectors {
		for _, s := range Sectors[sector] {
			if count[s] < 8 {
				t.Errorf("subsector %s/%s has %d lexicon concepts, want at least 8", sector, s, count[s])
			}
		}
	}
	if !slices.Equal(match.Languages, []string{"zh", "en", "id", "vi", "th", "ms"}) {
		t.Errorf("lexicon languages = %v", match.Languages)
	}
	for _, l := range match.Languages {
		if !ValidLanguage(l) {
			t.Errorf("lexicon language %q is not a known language code", l)
		}
	}
}

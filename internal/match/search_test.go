package match

import (
	"slices"
	"testing"
)

func TestSearchTerms(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"Solar Panels, solar", []string{"solar", "panel"}},
		{"太阳能", []string{"太阳", "阳能", "太", "阳", "能"}},
		{"Điện mặt trời", []string{"dien", "mat", "troi"}},
		{"พลังงาน", []string{"พล", "ลั", "ัง", "งง", "งา", "าน"}},
		{"the a !!", nil},
	} {
		if got := SearchTerms(c.text); !slices.Equal(got, c.want) {
			t.Errorf("SearchTerms(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestParseSearch(t *testing.T) {
	for _, c := range []struct {
		q      string
		want   []string
		prefix bool
	}{
		{"solar pan", []string{"solar", "pan"}, true},
		{"solar 5g", []string{"solar", "5g"}, false},
		{"光", []string{"光"}, false},
		{"ai", []string{"ai"}, false},
		{"\x00\xff", nil, false},
	} {
		got := ParseSearch(c.q)
		if !slices.Equal(got.Terms, c.want) || got.Prefix != c.prefix {
			t.Errorf("ParseSearch(%q) = %q prefix %v, want %q prefix %v", c.q, got.Terms, got.Prefix, c.want, c.prefix)
		}
	}
}

// Every term of any text is one token for SQLite's ascii tokenizer and a
// valid Postgres lexeme: no ASCII separator or capital, not empty, bounded.
func FuzzSearchTerms(f *testing.F) {
	f.Add("Solar 太阳能 พลังงาน Điện\x00\xff")
	f.Fuzz(func(t *testing.T, s string) {
		for _, term := range SearchTerms(s) {
			if term == "" || len(term) > maxSearchTermBytes {
				t.Fatalf("term %q of %q", term, s)
			}
			for i := 0; i < len(term); i++ {
				b := term[i]
				if b < 0x80 && !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9') {
					t.Fatalf("term %q of %q holds %q", term, s, b)
				}
			}
		}
	})
}

package match_test

import (
	"slices"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/match"
)

// BenchmarkLexiconChange100k measures how long a lexicon change takes to
// reach a 100,000-offer index: UpdateLexicon (only the listings the change
// can reach are analysed again) for a concept on a topic no offer mentions
// and for one whose terms a sixth of the offers use, against SetLexicon
// (every listing analysed again). Loading the listings is an in-memory
// lookup here; a process also reads the affected ones from the database.
//
//	go test ./internal/match -run '^$' -bench LexiconChange100k -benchtime 1x
func BenchmarkLexiconChange100k(b *testing.B) {
	const n = 100_000
	ins := benchInstitutions(n)
	e := newEngine(b)
	offers := benchOffers(n, ins)
	e.Build(offers)
	byID := make(map[string]int, n)
	for i, l := range offers {
		byID[l.ID] = i
	}
	load := func(ids []string) ([]match.Listing, error) {
		out := make([]match.Listing, 0, len(ids))
		for _, id := range ids {
			out = append(out, offers[byID[id]])
		}
		return out, nil
	}
	rare := match.Concept{ID: "stingless_bee_propolis", Subsectors: []string{"traditional_medicine"}, Terms: map[string][]string{
		"zh": {"无刺蜂蜂胶"}, "en": {"stingless bee propolis"}, "id": {"propolis lebah tanpa sengat"}, "vi": {"keo ong không ngòi"},
		"th": {"พรอพอลิสจากชันโรง"}, "ms": {"propolis kelulut"}}}
	// The "portable" qualifier of the synthetic titles, in its six languages.
	common := match.Concept{ID: "portable_equipment", Subsectors: []string{"*"}, Terms: map[string][]string{
		"zh": {"便携式"}, "en": {"portable"}, "id": {"portabel"}, "vi": {"di động"}, "th": {"แบบพกพา"}, "ms": {"mudah alih"}}}
	var rareMs, commonMs, fullMs float64
	var rareN, commonN int
	for range b.N {
		lex := slices.Clone(e.Lexicon())
		start := time.Now()
		_, k, err := e.UpdateLexicon(append(lex, rare), load)
		if err != nil {
			b.Fatal(err)
		}
		rareMs, rareN = ms(time.Since(start)), k
		start = time.Now()
		_, k, err = e.UpdateLexicon(append(slices.Clone(e.Lexicon()), common), load)
		if err != nil {
			b.Fatal(err)
		}
		commonMs, commonN = ms(time.Since(start)), k
		start = time.Now()
		if _, err := e.SetLexicon(lex, func() ([]match.Listing, error) { return offers, nil }); err != nil {
			b.Fatal(err)
		}
		fullMs = ms(time.Since(start))
	}
	b.ReportMetric(rareMs, "rare-ms")
	b.ReportMetric(float64(rareN), "rare-analysed")
	b.ReportMetric(commonMs, "common-ms")
	b.ReportMetric(float64(commonN), "common-analysed")
	b.ReportMetric(fullMs, "full-ms")
	b.Logf("100k offers: a rare concept %.0f ms (%d analysed again), a concept in %d offers %.0f ms, everything again (SetLexicon) %.0f ms",
		rareMs, rareN, commonN, commonMs, fullMs)
}

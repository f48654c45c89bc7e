package transfer

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A deterministic population of saved searches and listings for the
// percolator's tests and benchmark.

var syllables = []string{"ka", "lo", "mi", "ten", "sor", "pa", "ril", "dun", "ve", "qua", "bro", "nit", "zel", "ho", "gar",
	"fu", "lin", "tre", "mo", "sak", "pel", "dro", "vin", "tu"}

func vocabulary(n int) []string {
	out := make([]string, 0, n)
	seen := map[string]bool{}
	r := rand.New(rand.NewPCG(1, 2))
	for len(out) < n {
		w := syllables[r.IntN(len(syllables))] + syllables[r.IntN(len(syllables))] + syllables[r.IntN(len(syllables))] +
			syllables[r.IntN(len(syllables))] + "x"
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

type population struct {
	words   []string
	sectors [][2]string
	r       *rand.Rand
}

func newPopulation(seed uint64) *population {
	p := &population{words: vocabulary(20000), r: rand.New(rand.NewPCG(seed, 7))}
	for _, sec := range sectorNames() {
		for _, sub := range Sectors[sec] {
			p.sectors = append(p.sectors, [2]string{sec, sub})
		}
	}
	return p
}

// word draws a content word (stop words never reach the terms).
func (p *population) word() string { return p.words[p.r.IntN(len(p.words))] }

var countries = []string{"CN", "TH", "VN", "ID", "MY", "PH", "SG"}

func (p *population) search(i int) SavedSearch {
	ss := SavedSearch{ID: fmt.Sprintf("s%06d", i), Type: SearchTypeSearch, Kind: KindOffer, Version: 1}
	if p.r.IntN(2) == 0 {
		ss.Kind = KindDemand
	}
	sec := p.sectors[p.r.IntN(len(p.sectors))]
	switch p.r.IntN(20) {
	case 0, 1, 2: // structured only: a subsector from a country
		ss.Sector, ss.Subsector = sec[0], sec[1]
		ss.Country = countries[p.r.IntN(len(countries))]
	case 3: // text and a prefix being typed
		ss.Q = p.word() + " " + p.word()[:4]
	default:
		n := 1 + p.r.IntN(3)
		var ws []string
		for range n {
			ws = append(ws, p.word())
		}
		ss.Q = strings.Join(ws, " ")
		if p.r.IntN(3) == 0 {
			ss.Sector = sec[0]
		}
	}
	return ss
}

func (p *population) listing(i int) (Listing, string) {
	sec := p.sectors[p.r.IntN(len(p.sectors))]
	var title, summary []string
	for range 6 {
		title = append(title, p.word())
	}
	for range 14 {
		summary = append(summary, p.word())
	}
	l := Listing{ID: fmt.Sprintf("l%06d", i), Kind: KindOffer, Title: strings.Join(title, " "), Summary: strings.Join(summary, " "),
		Keywords: []string{p.word(), p.word()}, Sector: sec[0], Subsector: sec[1], TRL: 1 + p.r.IntN(9), Language: "en",
		TransferModes: []string{TransferModes[p.r.IntN(len(TransferModes))]}}
	if p.r.IntN(2) == 0 {
		l.Kind = KindDemand
	}
	return l, countries[p.r.IntN(len(countries))]
}

func ids(ss []SavedSearch) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.ID
	}
	sort.Strings(out)
	return out
}

// The index finds exactly what evaluating every search finds.
func TestPercolatorFindsWhatAScanFinds(t *testing.T) {
	p := newPopulation(3)
	perc := newPercolator()
	for i := range 20000 {
		perc.put(p.search(i))
	}
	found := 0
	for i := range 300 {
		l, country := p.listing(i)
		f := newListingFacts(l, country)
		got, want := ids(perc.candidates(f)), ids(perc.scan(f))
		if !slices.Equal(got, want) {
			t.Fatalf("listing %d: index found %d, scan %d", i, len(got), len(want))
		}
		found += len(want)
	}
	if found == 0 {
		t.Fatal("the population matches nothing: the test proves nothing")
	}
}

func TestPercolatorHonoursEveryFilterAndVersions(t *testing.T) {
	l := Listing{ID: "l1", Kind: KindOffer, Title: "Solar dryer for cassava", Summary: "Heat pump", Sector: "new_energy",
		Subsector: "solar_pv", TRL: 7, Language: "en", TransferModes: []string{"licensing"}}
	f := newListingFacts(l, "CN")
	for _, c := range []struct {
		ss   SavedSearch
		want bool
	}{
		{SavedSearch{Kind: KindOffer, Q: "cassava"}, true},
		{SavedSearch{Kind: KindOffer, Q: "cass"}, true}, // still typing
		{SavedSearch{Kind: KindOffer, Q: "ca"}, false},  // too short for a prefix
		{SavedSearch{Kind: KindDemand, Q: "cassava"}, false},
		{SavedSearch{Kind: KindOffer, Q: "cassava rice"}, false},
		{SavedSearch{Kind: KindOffer, Sector: "new_energy", Country: "CN"}, true},
		{SavedSearch{Kind: KindOffer, Sector: "new_energy", Country: "TH"}, false},
		{SavedSearch{Kind: KindOffer, Subsector: "wind_power"}, false},
		{SavedSearch{Kind: KindOffer, TRLMin: 8}, false},
		{SavedSearch{Kind: KindOffer, TRLMax: 7}, true},
		{SavedSearch{Kind: KindOffer, TransferMode: "assignment"}, false},
		{SavedSearch{Kind: KindOffer, Language: "zh"}, false},
		{SavedSearch{Kind: KindOffer, Q: "..."}, false}, // no terms finds nothing
	} {
		perc := newPercolator()
		c.ss.ID, c.ss.Type, c.ss.Version = "s", SearchTypeSearch, 1
		perc.put(c.ss)
		if got := len(perc.candidates(f)) == 1; got != c.want {
			t.Errorf("%+v: %v, want %v", c.ss, got, c.want)
		}
	}
	perc := newPercolator()
	perc.put(SavedSearch{ID: "s", Type: SearchTypeSearch, Kind: KindOffer, Q: "cassava", Version: 2})
	perc.put(SavedSearch{ID: "s", Type: SearchTypeSearch, Kind: KindOffer, Q: "rice", Version: 1}) // older: ignored
	if len(perc.candidates(f)) != 1 {
		t.Error("an older version replaced a newer one")
	}
	perc.put(SavedSearch{ID: "s", Type: SearchTypeSearch, Kind: KindOffer, Q: "cassava", Version: 3, Deleted: true})
	if len(perc.candidates(f)) != 0 || perc.size() != 0 {
		t.Error("a deleted search still alerts")
	}
}

// BenchmarkPercolate: which of 100,000 saved searches one publication
// satisfies, with the index and by evaluating every search (the baseline),
// in the same run. Reports p50 and p99 per publication.
//
//	go test ./internal/transfer -run '^$' -bench Percolate -benchtime 2000x -cpu 2
func BenchmarkPercolate(b *testing.B) {
	p := newPopulation(5)
	perc := newPercolator()
	for i := range 100000 {
		perc.put(p.search(i))
	}
	listings := make([]*listingFacts, 1000)
	for i := range listings {
		l, country := p.listing(i)
		listings[i] = newListingFacts(l, country)
	}
	for _, c := range []struct {
		name string
		find func(*listingFacts) []SavedSearch
	}{{"index", perc.candidates}, {"scan", perc.scan}} {
		b.Run(c.name, func(b *testing.B) {
			// Wall time per publication, and the CPU time this thread spent
			// on it (on a shared machine, wall time also counts the time the
			// thread waited for a core).
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			lat := make([]time.Duration, 0, b.N)
			cpu := make([]time.Duration, 0, b.N)
			found := 0
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				f := listings[i%len(listings)]
				c0 := threadCPU()
				start := time.Now()
				// The listing's analysis is part of the work of a publication.
				found += len(c.find(newListingFacts(f.l, f.country)))
				lat = append(lat, time.Since(start))
				cpu = append(cpu, threadCPU()-c0)
			}
			slices.Sort(lat)
			slices.Sort(cpu)
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
				b.ReportMetric(float64(cpu[len(cpu)*99/100].Microseconds()), "p99-cpu-µs")
				b.ReportMetric(float64(found)/float64(len(lat)), "alerts/op")
			}
		})
	}
}

// threadCPU is the CPU time the calling OS thread has used (Linux).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

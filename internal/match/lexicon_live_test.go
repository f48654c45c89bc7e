package match

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

var seaweed = Concept{ID: "seaweed", Subsectors: []string{"agri_processing"}, Terms: map[string][]string{
	"en": {"seaweed", "carrageenan"}, "zh": {"海藻", "卡拉胶"}, "vi": {"rong biển"}, "id": {"rumput laut"},
	"th": {"สาหร่ายทะเล"}, "ms": {"rumpai laut"}}}

func listed(ls []Listing) func() ([]Listing, error) {
	return func() ([]Listing, error) { return ls, nil }
}

func seaweedListings() (offers []Listing, demand Listing) {
	zh := offer("zh-seaweed", "cn-1", "CN", "zh", "海藻加工生产卡拉胶")
	zh.Sector, zh.Subsector = "modern_agriculture", "agri_processing"
	other := offer("zh-rice", "cn-2", "CN", "zh", "水稻育种")
	other.Sector, other.Subsector = "modern_agriculture", "crop_breeding"
	demand = demandVI()
	demand.Title, demand.Summary = "Chế biến rong biển", "Cần công nghệ chế biến rong biển cho hợp tác xã"
	demand.Sector, demand.Subsector = "modern_agriculture", "agri_processing"
	return []Listing{zh, other}, demand
}

// A concept added while the engine serves: a Vietnamese demand and a
// Chinese offer that share no word meet through it once it is in, the
// version changes, and a bad lexicon changes nothing.
func TestSetLexiconBridgesANewTopic(t *testing.T) {
	e := newTestEngine(t, false)
	offers, demand := seaweedListings()
	e.Build(offers)
	before := e.Version()
	if rs := e.Match(demand, Query{Limit: 10, Now: now}); slices.Contains(ids(rs), "zh-seaweed") {
		t.Fatalf("matched without the concept: %v", ids(rs))
	}

	bad := ExtendLexicon(e.Lexicon(), []Concept{{ID: "implant_battery", Subsectors: []string{"medical_devices"},
		Terms: map[string][]string{"en": {"Battery"}, "zh": {"植入电池"}, "vi": {"pin cấy ghép"}, "id": {"baterai implan"},
			"th": {"แบตเตอรี่ฝังใน"}, "ms": {"bateri implan"}}}})
	_, err := e.SetLexicon(bad, listed(offers))
	var ce *ConceptError
	if !errors.As(err, &ce) || ce.Concept != "implant_battery" || ce.Other != "battery" || ce.Lang != "en" {
		t.Fatalf("collision: %v, want one naming implant_battery and battery", err)
	}
	if e.Version() != before || len(e.Lexicon()) != len(testLexicon) {
		t.Fatalf("a refused lexicon changed the engine: %s, %d concepts", e.Version(), len(e.Lexicon()))
	}

	version, err := e.SetLexicon(ExtendLexicon(e.Lexicon(), []Concept{seaweed}), listed(offers))
	if err != nil {
		t.Fatal(err)
	}
	if version == before || e.Version() != version || len(e.Lexicon()) != len(testLexicon)+1 {
		t.Fatalf("version %s (was %s), %d concepts", version, before, len(e.Lexicon()))
	}
	rs := e.Match(demand, Query{Limit: 10, Now: now})
	if len(rs) == 0 || rs[0].ID != "zh-seaweed" {
		t.Fatalf("ranking %v, want zh-seaweed first", ids(rs))
	}
	if !slices.Contains(rs[0].Reasons, "shared concepts: rong biển ↔ 海藻") {
		t.Errorf("reasons %q", rs[0].Reasons)
	}
	// The same lexicon again: the same version (it names the lexicon, not the call).
	if again, _ := e.SetLexicon(e.Lexicon(), listed(offers)); again != version {
		t.Errorf("version %s for the same lexicon, was %s", again, version)
	}
}

// SetLexicon while listings are upserted and queries run: nothing is lost
// (listings upserted during the rebuild are in the new index, analysed with
// the new lexicon) and no query sees an index of one lexicon with another's
// concepts (which would panic in the explanations or score nonsense).
func TestSetLexiconWhileServing(t *testing.T) {
	e := newTestEngine(t, false)
	offers, demand := seaweedListings()
	var base []Listing
	for i := range 300 {
		o := offer(fmt.Sprintf("o%d", i), fmt.Sprintf("cn-%d", i), "CN", "en", fmt.Sprintf("LFP battery model %d", i))
		base = append(base, o)
	}
	base = append(base, offers...)
	e.Build(base)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				e.Match(demand, Query{Limit: 5, Now: now})
				e.Match(demandVI(), Query{Limit: 5, Now: now})
			}
		})
	}
	// The listings as a database would hold them: base, plus the late
	// upserts, less the removals; SetLexicon reads them through load.
	var dbMu sync.Mutex
	db := map[string]Listing{}
	for _, l := range base {
		db[l.ID] = l
	}
	load := func() ([]Listing, error) {
		dbMu.Lock()
		defer dbMu.Unlock()
		var out []Listing
		for _, l := range db {
			out = append(out, l)
		}
		return out, nil
	}
	var writers sync.WaitGroup
	writers.Go(func() {
		for i := range 200 {
			o := offer(fmt.Sprintf("late%d", i), fmt.Sprintf("cn-late-%d", i), "CN", "zh", fmt.Sprintf("卡拉胶 %d", i))
			o.Sector, o.Subsector = "modern_agriculture", "agri_processing"
			dbMu.Lock() // committed, then applied to the index, as the service does
			db[o.ID] = o
			dbMu.Unlock()
			e.Upsert(o)
			if i%50 == 0 {
				id := fmt.Sprintf("o%d", i)
				dbMu.Lock()
				delete(db, id)
				dbMu.Unlock()
				e.Remove(Offer, id)
			}
		}
	})
	for _, l := range [][]Concept{ExtendLexicon(testLexicon, []Concept{seaweed}), testLexicon, ExtendLexicon(testLexicon, []Concept{seaweed})} {
		if _, err := e.SetLexicon(l, load); err != nil {
			t.Fatal(err)
		}
	}
	writers.Wait()
	close(stop)
	wg.Wait()
	if got, want := e.Len(Offer), len(base)+200-4; got != want {
		t.Fatalf("%d offers indexed, want %d", got, want)
	}
	// Every late offer is found through the concept of the lexicon in force.
	rs := e.Match(demand, Query{Limit: 300, Now: now})
	found := 0
	for _, r := range rs {
		if strings.HasPrefix(r.ID, "late") {
			found++
		}
	}
	if found != 200 {
		t.Fatalf("%d of 200 late offers found through the new concept", found)
	}
}

func TestCheckLexiconAndExtend(t *testing.T) {
	if err := CheckLexicon(DefaultLexicon()); err != nil {
		t.Fatalf("the shipped lexicon: %v", err)
	}
	noTh := seaweed
	noTh.Terms = map[string][]string{}
	for l, ts := range seaweed.Terms {
		if l != "th" {
			noTh.Terms[l] = ts
		}
	}
	for name, cs := range map[string][]Concept{
		"no th":        {noTh},
		"bad id":       {{ID: "Sea Weed", Subsectors: seaweed.Subsectors, Terms: seaweed.Terms}},
		"twice":        {seaweed, seaweed},
		"no subsector": {{ID: "x", Terms: seaweed.Terms}},
	} {
		var ce *ConceptError
		if err := CheckLexicon(cs); !errors.As(err, &ce) {
			t.Errorf("%s: %v, want a ConceptError", name, err)
		}
	}
	renamed := seaweed
	renamed.Subsectors = []string{"aquaculture"}
	got := ExtendLexicon(testLexicon, []Concept{seaweed, renamed})
	if len(got) != len(testLexicon)+1 || got[len(got)-1].Subsectors[0] != "aquaculture" || len(testLexicon) != 3 {
		t.Fatalf("ExtendLexicon: %d concepts, last %+v", len(got), got[len(got)-1])
	}
}

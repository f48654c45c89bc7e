package match

import (
	"errors"
	"slices"
	"testing"
)

func byIDs(ls []Listing) func(ids []string) ([]Listing, error) {
	return func(ids []string) ([]Listing, error) {
		var out []Listing
		for _, l := range ls {
			if slices.Contains(ids, l.ID) {
				out = append(out, l)
			}
		}
		return out, nil
	}
}

// UpdateLexicon analyses only the listings a change can reach, and leaves
// the engine scoring as SetLexicon (everything analysed again) would.
func TestUpdateLexiconAnalysesOnlyTheAffected(t *testing.T) {
	offers, demand := seaweedListings()
	unrelated := offer("en-pump", "sg-1", "SG", "en", "Solar water pumps for irrigation")
	all := append(slices.Clone(offers), unrelated, demand)
	e, full := newTestEngine(t, false), newTestEngine(t, false)
	e.Build(all)
	full.Build(all)

	added := ExtendLexicon(e.Lexicon(), []Concept{seaweed})
	version, n, err := e.UpdateLexicon(added, byIDs(all))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 { // the Chinese seaweed offer and the Vietnamese demand
		t.Fatalf("analysed again %d listings, want 2", n)
	}
	fullVersion, err := full.SetLexicon(added, listed(all))
	if err != nil || version != fullVersion {
		t.Fatalf("versions %s and %s (%v)", version, fullVersion, err)
	}
	same := func(step string) {
		t.Helper()
		got, want := e.Match(demand, Query{Limit: 10, Now: now}), full.Match(demand, Query{Limit: 10, Now: now})
		if len(got) != len(want) {
			t.Fatalf("%s: %v, want %v", step, ids(got), ids(want))
		}
		for i := range got {
			if got[i].ID != want[i].ID || got[i].Score != want[i].Score || !slices.Equal(got[i].Reasons, want[i].Reasons) {
				t.Fatalf("%s: rank %d %+v, want %+v", step, i, got[i], want[i])
			}
		}
	}
	same("added")
	if rs := e.Match(demand, Query{Limit: 10, Now: now}); len(rs) == 0 || rs[0].ID != "zh-seaweed" {
		t.Fatalf("the new concept does not bridge: %v", ids(rs))
	}

	// Retired: it keeps its place and finds nothing.
	retired := slices.Clone(added)
	retired[len(retired)-1].Retired = true
	if _, n, err = e.UpdateLexicon(retired, byIDs(all)); err != nil || n != 2 {
		t.Fatalf("retire: %d analysed, %v", n, err)
	}
	if _, err := full.SetLexicon(retired, listed(all)); err != nil {
		t.Fatal(err)
	}
	same("retired")

	// A lexicon that moves concepts needs SetLexicon.
	moved := slices.Clone(retired)
	moved[0], moved[1] = moved[1], moved[0]
	if _, _, err := e.UpdateLexicon(moved, byIDs(all)); !errors.Is(err, ErrLexiconRenumbered) {
		t.Fatalf("renumbered lexicon: %v", err)
	}
	// A term of stop words alone cannot be looked up.
	stop := ExtendLexicon(retired, []Concept{{ID: "stop_only", Subsectors: []string{"agri_processing"}, Terms: map[string][]string{
		"en": {"the"}, "zh": {"技术"}, "vi": {"và"}, "id": {"dan"}, "th": {"และ"}, "ms": {"dan"}}}})
	if _, _, err := e.UpdateLexicon(stop, byIDs(all)); !errors.Is(err, ErrLexiconRenumbered) {
		t.Fatalf("stop-word term: %v", err)
	}
}

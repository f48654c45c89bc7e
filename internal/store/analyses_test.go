package store_test

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/match"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/synthetic"
	"github.com/techbridge/techbridge/internal/transfer"
)

// seedSynthetic writes synthetic institutions, offers and demands (about
// half of them live) and returns the institutions.
func seedSynthetic(t *testing.T, s *store.Store, offers, demands int) []transfer.Institution {
	t.Helper()
	now := time.Now().UTC()
	ins := synthetic.Institutions(11, max(20, offers/25))
	for _, in := range ins {
		if err := s.CreateInstitution(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	ls := append(synthetic.Offers(11, offers, ins, now), synthetic.Demands(11, demands, ins, now)...)
	for i := range ls {
		if ls[i].Live(now) && len(ls[i].Keywords) > 0 {
			ls[i].Translations = map[string]transfer.Translation{"th": {Title: "แผงโซลาร์เซลล์", Keywords: []string{"พลังงาน"}}}
			break
		}
	}
	if err := s.CreateListings(ctx, ls); err != nil {
		t.Fatal(err)
	}
	return ins
}

// The heads of the live listings are the live listings without their text
// (and a few fields the index does not take), in the same order and batches.
func TestLiveListingHeadsAreLiveListingsWithoutText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		seedSynthetic(t, s, 2500, 300)
		now := time.Now()
		var full, heads [][]transfer.Listing
		if err := s.LiveListings(ctx, now, func(b []transfer.Listing) error { full = append(full, b); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := s.LiveListingHeads(ctx, now, func(b []transfer.Listing) error { heads = append(heads, b); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(full) < 2 || len(full) != len(heads) {
			t.Fatalf("%d batches of whole rows, %d of heads", len(full), len(heads))
		}
		translated := false
		for i := range full {
			for j, l := range full[i] {
				translated = translated || len(l.Translations) > 0 && len(l.Keywords) > 0
				l.Title, l.Summary, l.Description, l.Keywords, l.Translations = "", "", "", []string{}, nil
				l.Language, l.IPStatus, l.StatusReason, l.CreatedAt = "", "", "", time.Time{}
				if !reflect.DeepEqual(l, heads[i][j]) {
					t.Fatalf("batch %d row %d:\n%+v\n%+v", i, j, l, heads[i][j])
				}
			}
		}
		if !translated {
			t.Fatal("no live listing with translations and keywords: the comparison proves little")
		}
	})
}

func buildWith(t *testing.T, svc *transfer.Service, a *match.Analyses) transfer.IndexBuildStats {
	t.Helper()
	var st transfer.IndexBuildStats
	build := transfer.IndexBuild{Stats: &st}
	if a != nil {
		build.Analyses = func() *match.Analyses { return a }
	}
	if err := <-svc.StartMatchIndexBuildWith(ctx, build); err != nil {
		t.Fatal(err)
	}
	return st
}

// An index built from saved analyses suggests exactly what one built by
// analysing every listing suggests; a listing edited since the file was
// saved is analysed again (its new text matches), and an institution's new
// country shows, since only the text's analysis is saved.
func TestMatchIndexFromSavedAnalyses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ins := seedSynthetic(t, s, 1500, 200)
		first := newService(t, s)
		if st := buildWith(t, first, nil); st.Reused != 0 || st.Analysed == 0 {
			t.Fatalf("first build: %+v", st)
		}
		path := filepath.Join(t.TempDir(), "analyses")
		if _, _, err := first.Engine().SaveAnalyses(path); err != nil {
			t.Fatal(err)
		}

		// Changes after the save: an offer's text, an institution's country.
		var offer, demand transfer.Listing
		var demands []transfer.Listing
		err := s.LiveListings(ctx, time.Now(), func(b []transfer.Listing) error {
			for _, l := range b {
				switch {
				case l.Kind == transfer.KindOffer && offer.ID == "":
					offer = l
				case l.Kind == transfer.KindDemand:
					demands = append(demands, l)
				}
			}
			return nil
		})
		if err != nil || offer.ID == "" || len(demands) < 20 {
			t.Fatalf("live listings: %v, %d demands", err, len(demands))
		}
		demand = demands[0]
		title, summary := "Axolotl limb regeneration bioreactor", "Axolotl regeneration bioreactor for tissue research"
		edited, err := first.UpdateListing(ctx, staff, transfer.KindOffer, offer.ID, offer.Version,
			transfer.ListingPatch{Title: &title, Summary: &summary})
		if err != nil {
			t.Fatal(err)
		}
		var moved transfer.Institution
		for _, in := range ins {
			if in.ID == demand.InstitutionID {
				moved = in
			}
		}
		country := "LA"
		if moved.Country == "LA" {
			country = "KH"
		}
		cur, err := s.InstitutionByID(ctx, moved.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := first.UpdateInstitution(ctx, staff, moved.ID, cur.Version, transfer.InstitutionPatch{Country: &country}); err != nil {
			t.Fatal(err)
		}

		cached, fresh := newService(t, s), newService(t, s)
		a, err := cached.Engine().ReadAnalyses(path)
		if err != nil {
			t.Fatal(err)
		}
		st := buildWith(t, cached, a)
		if st.Analysed != 1 || st.Reused != a.Len()-1 || st.Refused != nil {
			t.Fatalf("build from the file: %+v (file of %d), want only the edited offer analysed", st, a.Len())
		}
		buildWith(t, fresh, nil)

		for i, d := range demands {
			want, err := fresh.SuggestMatches(ctx, staff, transfer.KindDemand, d.ID, transfer.MatchQuery{Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			got, err := cached.SuggestMatches(ctx, staff, transfer.KindDemand, d.ID, transfer.MatchQuery{Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 && i < 5 {
				t.Fatalf("demand %s has no suggestions", d.ID)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("demand %s: the index from the file suggests differently:\n%+v\n%+v", d.ID, got, want)
			}
		}

		// The edited offer's new words are what it matches on.
		q := match.Listing{ID: "q", Kind: match.Demand, InstitutionID: "asker", Language: "en",
			Title: "axolotl regeneration bioreactor", Sector: edited.Sector}
		rs := cached.Engine().Match(q, match.Query{Limit: 1})
		if len(rs) == 0 || rs[0].ID != offer.ID {
			t.Fatalf("the edited offer's new text does not match: %+v", rs)
		}
		// The moved institution's demand now counts as from its new country:
		// an offer with its words finds it under the new country, not the old.
		like := transfer.EngineListing(demand, "CN")
		like.ID, like.Kind, like.InstitutionID = "q2", match.Offer, "asker"
		has := func(country string) bool {
			for _, r := range cached.Engine().Match(like, match.Query{Limit: 50, Country: country}) {
				if r.ID == demand.ID {
					return true
				}
			}
			return false
		}
		if !has(country) || has(moved.Country) {
			t.Fatalf("the demand of the institution moved from %s to %s: found under the new country %v, the old %v",
				moved.Country, country, has(country), has(moved.Country))
		}
	})
}

// With a concept staff added, the engine's algorithm version is not the
// shipped one: the saved analyses are still used, because the file is read
// once the staff lexicon is applied; after another change to the lexicon
// they are refused.
func TestSavedAnalysesWithStaffLexicon(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		seedSynthetic(t, s, 600, 60)
		first := newService(t, s)
		concept := transfer.LexiconConcept{ID: "axolotl", Subsectors: []string{"*"}, Terms: map[string][]string{
			"en": {"axolotl"}, "zh": {"美西螈"}, "id": {"aksolotl"}, "vi": {"kỳ giông axolotl"}, "th": {"แอกโซลอเติล"}, "ms": {"aksolotl"}}}
		if _, err := first.CreateLexiconConcept(ctx, staff, concept); err != nil {
			t.Fatal(err)
		}
		buildWith(t, first, nil)
		path := filepath.Join(t.TempDir(), "analyses")
		if _, _, err := first.Engine().SaveAnalyses(path); err != nil {
			t.Fatal(err)
		}
		read := func(svc *transfer.Service) func() *match.Analyses {
			return func() *match.Analyses {
				a, err := svc.Engine().ReadAnalyses(path)
				if err != nil {
					t.Logf("read: %v", err)
				}
				return a
			}
		}
		second := newService(t, s)
		var st transfer.IndexBuildStats
		if err := <-second.StartMatchIndexBuildWith(ctx, transfer.IndexBuild{Analyses: read(second), Stats: &st}); err != nil {
			t.Fatal(err)
		}
		if st.Analysed != 0 || st.Reused == 0 {
			t.Fatalf("with the staff lexicon: %+v", st)
		}
		concept.ID, concept.Terms = "quokka", map[string][]string{"en": {"quokka"}, "zh": {"短尾矮袋鼠"}, "id": {"kuoka"},
			"vi": {"chuột túi quokka"}, "th": {"ควอกก้า"}, "ms": {"kuokka"}}
		if _, err := first.CreateLexiconConcept(ctx, staff, concept); err != nil {
			t.Fatal(err)
		}
		third := newService(t, s)
		st = transfer.IndexBuildStats{}
		if err := <-third.StartMatchIndexBuildWith(ctx, transfer.IndexBuild{Analyses: read(third), Stats: &st}); err != nil {
			t.Fatal(err)
		}
		if st.Reused != 0 || st.Analysed == 0 {
			t.Fatalf("after another lexicon change: %+v", st)
		}
	})
}

package store_test

import (
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// A summary read gives the same summary fields and liveness as the whole
// row, and leaves the bulky ones empty.
func TestListingSummariesByIDs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		inst := transfer.Institution{ID: "0193a2b4-0000-7000-8000-00000000000a", Name: "Guangxi University", Country: "CN",
			Type: "university", Version: 1, CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
		if err := s.CreateInstitution(ctx, inst); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Second)
		ends := now.Add(30 * 24 * time.Hour)
		l := transfer.Listing{ID: "0193a2b4-0000-7000-8000-00000000000b", Kind: transfer.KindOffer, InstitutionID: inst.ID,
			Title: "Perovskite solar cells", Summary: "Stable tandem cells", Description: "A long description",
			Language: "en", Sector: "new_energy", Subsector: "solar_pv", Keywords: []string{"perovskite"}, TRL: 6,
			IPStatus: "patent_granted", TransferModes: []string{"licensing"}, Countries: []string{"TH"}, Currency: "USD",
			Visibility: "public", Status: transfer.StatusPublished, EndsAt: &ends, PublishedAt: &now, Version: 3,
			CreatedAt: now, UpdatedAt: now}
		if err := s.CreateListings(ctx, []transfer.Listing{l}); err != nil {
			t.Fatal(err)
		}
		whole, err := s.ListingsByIDs(ctx, []string{l.ID})
		if err != nil || len(whole) != 1 {
			t.Fatal(whole, err)
		}
		got, err := s.ListingSummariesByIDs(ctx, []string{l.ID, "0193a2b4-0000-7000-8000-0000000000ff"})
		if err != nil || len(got) != 1 {
			t.Fatal(got, err)
		}
		w, g := whole[0], got[0]
		if g.ID != w.ID || g.Kind != w.Kind || g.InstitutionID != w.InstitutionID || g.Title != w.Title || g.Summary != w.Summary ||
			g.Language != w.Language || g.Sector != w.Sector || g.Subsector != w.Subsector || g.TRL != w.TRL ||
			len(g.TransferModes) != 1 || g.TransferModes[0] != "licensing" || g.Visibility != w.Visibility ||
			g.Status != w.Status || g.Version != w.Version || g.EndsAt == nil || !g.EndsAt.Equal(*w.EndsAt) ||
			g.PublishedAt == nil || !g.PublishedAt.Equal(*w.PublishedAt) || g.Live(now) != w.Live(now) {
			t.Fatalf("summary %+v\nwhole %+v", g, w)
		}
		if g.Description != "" || len(g.Keywords) != 0 || len(g.Countries) != 0 {
			t.Fatalf("the summary carries bulky fields: %+v", g)
		}
	})
}

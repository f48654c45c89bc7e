package store_test

import (
	"fmt"
	"testing"

	"github.com/techbridge/techbridge/internal/match"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// A second process's index must take in an import larger than one sync page
// (all rows share one timestamp) and the changes that follow it.
func TestIndexSyncPassesLargeImports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		a, b := newService(t, s), newService(t, s)
		if err := b.BuildMatchIndex(ctx); err != nil {
			t.Fatal(err)
		}
		in, err := a.CreateInstitution(ctx, staff, transfer.Institution{Name: "Big Lab", Country: "CN", Type: "research_institute"})
		if err != nil {
			t.Fatal(err)
		}
		const n = 6000 // more than the sync's page of 5,000
		rows := make([]transfer.ListingInput, n)
		for i := range rows {
			rows[i].Listing = transfer.Listing{InstitutionID: in.ID, Title: fmt.Sprintf("Solar pump %d", i), Summary: "Solar pump",
				Language: "en", Sector: "new_energy", TRL: 7, IPStatus: "none"}
		}
		if _, err := a.ImportListings(ctx, staff, transfer.KindOffer, rows, transfer.ImportOptions{Atomic: true, Publish: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.SyncMatchIndex(ctx); err != nil {
			t.Fatal(err)
		}
		if got := b.Engine().Len(match.Offer); got != n {
			t.Fatalf("after the import the second index holds %d offers, want %d", got, n)
		}
		l, err := a.CreateListing(ctx, staff, transfer.KindOffer, transfer.ListingInput{Listing: transfer.Listing{InstitutionID: in.ID,
			Title: "Wind turbine blades", Summary: "Blades", Language: "en", Sector: "new_energy", TRL: 6, IPStatus: "none"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []transfer.Move{transfer.MoveSubmit, transfer.MovePublish} {
			if _, err := a.MoveListing(ctx, staff, transfer.KindOffer, l.ID, m, 0, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.SyncMatchIndex(ctx); err != nil {
			t.Fatal(err)
		}
		if got := b.Engine().Len(match.Offer); got != n+1 {
			t.Fatalf("a publication after the import: %d offers, want %d", got, n+1)
		}
	})
}

package transfer_test

import (
	"context"
	"errors"
	"testing"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/match"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// A unit of work that fails leaves nothing behind: not the change, not its
// audit entry, not its webhook events, not the matching index.
func TestFailedWriteLeavesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, in := newService(t, s)
		ep, err := svc.CreateEndpoint(ctx, staff, transfer.Endpoint{InstitutionID: in.ID, URL: "https://receiver.example/hooks",
			Events: transfer.WebhookEvents})
		if err != nil {
			t.Fatal(err)
		}
		l, err := svc.CreateListing(ctx, staff, transfer.KindOffer, transfer.ListingInput{Listing: transfer.Listing{
			InstitutionID: in.ID, Title: "Solar water pumps", Summary: "Off-grid pumping", Language: "en",
			Sector: "new_energy", Subsector: "solar_pv", TRL: 7, IPStatus: "none"}})
		if err != nil {
			t.Fatal(err)
		}
		if l, err = svc.MoveListing(ctx, staff, transfer.KindOffer, l.ID, transfer.MoveSubmit, 0, ""); err != nil {
			t.Fatal(err)
		}
		history, err := s.History(ctx, "offer", l.ID)
		if err != nil {
			t.Fatal(err)
		}
		deliveries := func() int64 {
			_, n, err := s.ListDeliveries(ctx, ep.ID, transfer.ListQuery{Limit: 10, Sort: transfer.Sort{Key: "created_at"}})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		queued := deliveries() // the submission's listing.status_changed

		boom := errors.New("boom")
		if err := svc.FailingWrite(ctx, staff, l, boom); !errors.Is(err, boom) {
			t.Fatalf("FailingWrite: %v", err)
		}

		got, err := s.ListingByID(ctx, transfer.KindOffer, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != transfer.StatusPending || got.Version != l.Version {
			t.Fatalf("the listing is %s at version %d after a rolled-back publication", got.Status, got.Version)
		}
		if after, err := s.History(ctx, "offer", l.ID); err != nil || len(after) != len(history) {
			t.Fatalf("audit trail %d entries after the rollback, %d before (%v)", len(after), len(history), err)
		}
		if n := deliveries(); n != queued {
			t.Fatalf("%d deliveries queued by a rolled-back write", n-queued)
		}
		if n := svc.Engine().Len(match.Offer); n != 0 {
			t.Fatalf("the matching index holds %d offers after a rolled-back publication", n)
		}

		// The same write, succeeding, does all of it: the test can fail.
		if err := svc.FailingWrite(ctx, staff, l, nil); err != nil {
			t.Fatal(err)
		}
		if n := svc.Engine().Len(match.Offer); n != 1 {
			t.Fatalf("the matching index holds %d offers after a publication", n)
		}
		if n := deliveries(); n != queued+2 {
			t.Fatalf("a committed publication queued %d deliveries, want 2 (status changed, published)", n-queued)
		}
	})
}

// staff acts in these tests; newService makes it a real user, since
// privilege-changing use cases read their actor back from the store.
var staff transfer.Actor

// newService is a service on s with a staff user and one institution.
func newService(t *testing.T, s *store.Store) (*transfer.Service, transfer.Institution) {
	t.Helper()
	tokens, err := auth.NewTokens([]byte("a test signing key of at least thirty-two bytes"), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := transfer.NewService(s, auth.FastArgon2, tokens, transfer.Config{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUserUnchecked(context.Background(), transfer.NewUser{Email: "staff@test.example",
		Password: "a long enough password", Role: transfer.RoleStaff})
	if err != nil {
		t.Fatal(err)
	}
	staff = u.Actor()
	in, err := svc.CreateInstitution(context.Background(), staff, transfer.Institution{Name: "Guangxi University", Country: "CN", Type: "university"})
	if err != nil {
		t.Fatal(err)
	}
	return svc, in
}

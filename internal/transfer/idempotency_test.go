package transfer_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// An idempotent request's writes, its key and its stored answer commit
// together: whatever fails, a retry either replays the committed answer or
// runs once, and no key stays held.
func TestIdempotentRequestCommitsWithItsKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		svc, in := newService(t, s)
		offer := transfer.ListingInput{Listing: transfer.Listing{InstitutionID: in.ID, Title: "Solar water pumps",
			Summary: "Off-grid pumping", Language: "en", Sector: "new_energy", TRL: 7, IPStatus: "none"}}
		runs := 0
		create := func(status int, then func()) func(ctx context.Context) transfer.StoredResponse {
			return func(ctx context.Context) transfer.StoredResponse {
				runs++
				l, err := svc.CreateListing(ctx, staff, transfer.KindOffer, offer)
				if err != nil {
					t.Fatal(err)
				}
				if then != nil {
					then()
				}
				return transfer.StoredResponse{Status: status, Body: []byte(l.ID)}
			}
		}
		count := func() int64 {
			p, err := svc.ListListings(context.Background(), staff, transfer.ListingFilter{Kind: transfer.KindOffer}, transfer.PageRequest{})
			if err != nil {
				t.Fatal(err)
			}
			return p.Total
		}
		const fp = "fingerprint"

		// The request fails on our side after its write: the write rolls
		// back with the key, and the answer is not kept.
		resp, replayed, err := svc.Idempotent(context.Background(), staff, "k", fp, create(http.StatusInternalServerError, nil))
		if err != nil || replayed || resp.Status != 500 {
			t.Fatalf("5xx request: %v, replayed %v, status %d", err, replayed, resp.Status)
		}
		if n := count(); n != 0 {
			t.Fatalf("a request answered 500 left %d offers", n)
		}

		// The commit fails after the write (here: the client went away, which
		// rolls the transaction back): nothing of it stays, the key is free.
		ctx, cancel := context.WithCancel(context.Background())
		if _, _, err := svc.Idempotent(ctx, staff, "k", fp, create(http.StatusCreated, cancel)); err == nil {
			t.Fatal("a request whose transaction could not commit reported success")
		}
		if n := count(); n != 0 {
			t.Fatalf("a request that did not commit left %d offers", n)
		}

		// The retry runs once and commits; the next one replays it.
		first, replayed, err := svc.Idempotent(context.Background(), staff, "k", fp, create(http.StatusCreated, nil))
		if err != nil || replayed || first.Status != http.StatusCreated {
			t.Fatalf("retry: %v, replayed %v, status %d", err, replayed, first.Status)
		}
		again, replayed, err := svc.Idempotent(context.Background(), staff, "k", fp, create(http.StatusCreated, nil))
		if err != nil || !replayed || string(again.Body) != string(first.Body) {
			t.Fatalf("second retry: %v, replayed %v, body %q (first %q)", err, replayed, again.Body, first.Body)
		}
		if n := count(); n != 1 || runs != 3 {
			t.Fatalf("%d offers after %d runs; want 1 offer, 3 runs", n, runs)
		}
		if _, _, err := svc.Idempotent(context.Background(), staff, "k", "another body", create(http.StatusCreated, nil)); err == nil {
			t.Fatal("the same key with another request was accepted")
		}
	})
}

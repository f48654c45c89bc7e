package store_test

import (
	"reflect"
	"testing"

	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// Round trips of the saved searches, notifications, settings and mail
// rows; and the keys that make an alert and an e-mail happen once.
func TestAlertRowsRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ins := roundTripInstitutions(t, s, 1)
		full := transfer.SavedSearch{ID: id(), OwnerID: id(), OwnerKind: transfer.ActorClient, InstitutionID: ins[0].ID,
			Name: "太阳能 dryers", Type: "search", Kind: transfer.KindOffer, Sector: "new_energy", Subsector: "solar_pv",
			Country: "CN", TRLMin: 3, TRLMax: 8, TransferMode: "licensing", Language: "zh", Q: "钙钛矿 tandem",
			Version: 2, CreatedAt: at(1), UpdatedAt: at(2)}
		watch := transfer.SavedSearch{ID: id(), OwnerID: id(), OwnerKind: transfer.ActorUser, Name: "w", Type: "watch",
			Kind: transfer.KindDemand, WatchListingID: id(), MinScore: 70, Deleted: true, Version: 1, CreatedAt: at(3), UpdatedAt: at(3)}
		for _, ss := range []transfer.SavedSearch{full, watch} {
			if err := s.CreateSavedSearch(ctx, ss); err != nil {
				t.Fatal(err)
			}
			got, err := s.SavedSearchByID(ctx, ss.ID)
			if err != nil || !reflect.DeepEqual(got, ss) {
				t.Fatalf("saved search:\n got %+v %v\nwant %+v", got, err, ss)
			}
		}
		changed, err := s.SavedSearchesChangedSince(ctx, at(0), "", 10)
		if err != nil || len(changed) != 2 || changed[1].ID != watch.ID {
			t.Fatalf("changed since: %v %v", changed, err)
		}

		n := transfer.Notification{ID: id(), RecipientID: id(), InstitutionID: ins[0].ID, Type: "alert.matched", Title: "t",
			Body: "b\nline", Data: map[string]any{"listing_id": "x", "score": 71.5}, Key: "alert:a:b", ReadAt: ptr(at(5)),
			MailedAt: ptr(at(6)), CreatedAt: at(4)}
		if ok, err := s.AddNotification(ctx, n); err != nil || !ok {
			t.Fatal(ok, err)
		}
		got, err := s.NotificationByID(ctx, n.ID)
		if err != nil || !reflect.DeepEqual(got, n) {
			t.Fatalf("notification:\n got %+v %v\nwant %+v", got, err, n)
		}
		again := n
		again.ID = id()
		if ok, err := s.AddNotification(ctx, again); err != nil || ok {
			t.Fatalf("a second notification with the key: %v %v", ok, err)
		}

		m := transfer.Mail{ID: id(), MessageID: "m1@techbridge", UserID: id(), To: "a@b.example", Subject: "s", Text: "t",
			HTML: "<p>h</p>", UnsubscribeURL: "https://x/u", Status: "pending", Attempts: 1, NextAttemptAt: ptr(at(7)),
			LastError: "451", CreatedAt: at(6), UpdatedAt: at(7)}
		if ok, err := s.EnqueueMail(ctx, m); err != nil || !ok {
			t.Fatal(ok, err)
		}
		dup := m
		dup.ID = id()
		if ok, err := s.EnqueueMail(ctx, dup); err != nil || ok {
			t.Fatalf("a second mail with the Message-ID: %v %v", ok, err)
		}
		claimed, err := s.ClaimMail(ctx, at(8), at(9), 5)
		if err != nil || len(claimed) != 1 || !reflect.DeepEqual(claimed[0], m) {
			t.Fatalf("claim:\n got %+v %v\nwant %+v", claimed, err, m)
		}
		if again, err := s.ClaimMail(ctx, at(8), at(9), 5); err != nil || len(again) != 0 {
			t.Fatalf("claimed twice within the lease: %v %v", again, err)
		}
	})
}

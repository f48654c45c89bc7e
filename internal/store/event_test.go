package store_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// TestEventRoundTrip writes an event, delegations, a request and a meeting
// with every field set (and optional ones empty once) and reads them back.
func TestEventRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ins := roundTripInstitutions(t, s, 2)
		now := time.Now().UTC().Truncate(time.Microsecond)
		start := time.Date(2027, 3, 10, 1, 0, 0, 0, time.UTC)
		e := transfer.Event{ID: id(), Name: "Forum on China-ASEAN Technology Transfer", Venue: "南宁国际会展中心", City: "Nanning",
			TimeZone: "Asia/Shanghai", StartsOn: "2027-03-10", EndsOn: "2027-03-11", Status: transfer.EventOpen,
			RegistrationOpens: ptr(at(10)), RegistrationCloses: ptr(at(20)),
			Sessions: []transfer.Session{{ID: id(), Title: "新能源", Sector: "new_energy", StartsAt: start, EndsAt: start.Add(3 * time.Hour),
				SlotMinutes: 20, BreakMinutes: 5, Tables: 40, Interpreters: map[string]int{"zh": 4, "vi": 2}}},
			CreatedBy: "u", Version: 2, CreatedAt: now, UpdatedAt: at(30)}
		bare := e
		bare.ID, bare.RegistrationOpens, bare.RegistrationCloses, bare.Venue, bare.City = id(), nil, nil, "", ""
		bare.Sessions = []transfer.Session{{ID: id(), Sector: "biomedicine", StartsAt: start, EndsAt: start.Add(time.Hour), SlotMinutes: 30, Tables: 1}}
		for _, ev := range []transfer.Event{e, bare} {
			if err := s.CreateEvent(ctx, ev); err != nil {
				t.Fatal(err)
			}
			got, err := s.EventByID(ctx, ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, ev) {
				t.Errorf("event:\n got %+v\nwant %+v", got, ev)
			}
		}
		e.Status, e.Version, e.Name = transfer.EventPublished, 3, "Renamed"
		if err := s.UpdateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateEvent(ctx, e); !errors.Is(err, transfer.ErrPrecondition) {
			t.Fatalf("stale update: %v", err)
		}
		if got, _ := s.LockEvent(ctx, e.ID); !reflect.DeepEqual(got, e) {
			t.Errorf("locked event %+v", got)
		}

		regs := []transfer.Registration{
			{ID: id(), EventID: e.ID, InstitutionID: ins[0].ID, Delegates: []transfer.Delegate{{Name: "李伟", Role: "CTO", Languages: []string{"zh", "en"}}},
				ListingIDs: []string{id()}, Unavailable: []time.Time{start}, MaxMeetings: 5, Status: transfer.RegistrationActive, CreatedBy: "u",
				Version: 1, CreatedAt: now, UpdatedAt: now},
			{ID: id(), EventID: e.ID, InstitutionID: ins[1].ID, Delegates: []transfer.Delegate{{Name: "Somchai", Languages: []string{"th"}}},
				Status: transfer.RegistrationWithdrawn, CreatedBy: "u", Version: 1, CreatedAt: now, UpdatedAt: now},
		}
		for _, r := range regs {
			if err := s.CreateRegistration(ctx, r); err != nil {
				t.Fatal(err)
			}
			if got, err := s.RegistrationByID(ctx, r.ID); err != nil || !reflect.DeepEqual(got, r) {
				t.Errorf("registration %v:\n got %+v\nwant %+v", err, got, r)
			}
		}
		dup := regs[0]
		dup.ID = id()
		if err := s.CreateRegistration(ctx, dup); !errors.Is(err, transfer.ErrConflict) {
			t.Errorf("second registration of an institution: %v", err)
		}

		rq := transfer.MeetingRequest{ID: id(), EventID: e.ID, FromRegistrationID: regs[0].ID, ToRegistrationID: regs[1].ID,
			OfferID: id(), DemandID: id(), Note: "about cassava", Status: transfer.RequestAccepted, ResponseNote: "yes", CreatedBy: "u",
			Version: 2, CreatedAt: now, UpdatedAt: at(5)}
		if err := s.CreateMeetingRequest(ctx, rq); err != nil {
			t.Fatal(err)
		}
		if got, err := s.MeetingRequestByID(ctx, rq.ID); err != nil || !reflect.DeepEqual(got, rq) {
			t.Errorf("request %v:\n got %+v\nwant %+v", err, got, rq)
		}

		a, b := regs[0].ID, regs[1].ID
		if a > b {
			a, b = b, a
		}
		m := transfer.Meeting{ID: id(), EventID: e.ID, SessionID: e.Sessions[0].ID, Slot: 3, StartsAt: start.Add(75 * time.Minute),
			EndsAt: start.Add(95 * time.Minute), Table: 7, ARegistrationID: a, BRegistrationID: b, AInstitutionID: ins[0].ID,
			BInstitutionID: ins[1].ID, RequestID: rq.ID, OfferID: rq.OfferID, DemandID: rq.DemandID, Kind: transfer.MeetingMutual,
			Score: 87.5, Interpreter: "zh", Pinned: true, Status: transfer.MeetingHeld, Sequence: 2, OutcomeA: "follow_up", NoteA: "a",
			OutcomeB: "agreement_expected", NoteB: "b", NoShowA: true, NoShowB: true, MatchID: id(), Version: 4, CreatedAt: now, UpdatedAt: at(7)}
		if err := s.CreateMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		if got, err := s.MeetingByID(ctx, m.ID); err != nil || !reflect.DeepEqual(got, m) {
			t.Errorf("meeting %v:\n got %+v\nwant %+v", err, got, m)
		}
		m.Status, m.Version = transfer.MeetingCancelled, 5
		if err := s.UpdateMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		if ms, err := s.Meetings(ctx, e.ID); err != nil || len(ms) != 1 || !reflect.DeepEqual(ms[0], m) {
			t.Errorf("meetings %v %+v", err, ms)
		}
	})
}

package httpapi_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

// TestScheduleSaysWhyRequestsAreLeftOut: pending and declined requests, a
// full delegation and a withdrawn one each come back with their reason; the
// mutual pair and the engine's suggestion (the fixture's demand and offer)
// are placed; a re-run keeps the agenda, start_over re-plans it.
func TestScheduleSaysWhyRequestsAreLeftOut(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		staff := api.staff.Actor()
		reg := func(langs ...string) string {
			r, err := api.svc.Register(ctx, staff, f.event.ID, transfer.Registration{InstitutionID: api.third().ID, MaxMeetings: 1,
				Delegates: []transfer.Delegate{{Name: "D", Languages: langs}}})
			if err != nil {
				t.Fatal(err)
			}
			return r.ID
		}
		ask := func(from, to string) string {
			r, err := api.svc.RequestMeeting(ctx, staff, f.event.ID, transfer.MeetingRequest{FromRegistrationID: from, ToRegistrationID: to})
			if err != nil {
				t.Fatal(err)
			}
			return r.ID
		}
		answer := func(id string, yes bool) {
			if _, err := api.svc.AnswerMeetingRequest(ctx, staff, f.event.ID, id, yes, ""); err != nil {
				t.Fatal(err)
			}
		}
		a, b, c, d, w := reg("en"), reg("en"), reg("en"), reg("en"), reg("en")
		pending := ask(a, f.own.ID)
		answer(ask(b, f.own.ID), false) // declined
		answer(ask(c, f.other.ID), true)
		answer(ask(c, f.own.ID), true) // c may meet once: one of its two accepted requests stays out
		ask(d, f.other.ID)
		ask(f.other.ID, d) // mutual, both pending
		answer(ask(w, f.own.ID), true)
		if _, err := api.svc.WithdrawRegistration(ctx, staff, f.event.ID, w); err != nil {
			t.Fatal(err)
		}
		var res struct {
			Created int
			LeftOut []struct {
				RequestIDs []string `json:"request_ids"`
				Reason     string   `json:"reason"`
			} `json:"left_out"`
		}
		api.do("staff", http.MethodPost, base+"/schedule", nil).want(200).json(&res)
		var reasons []string
		for _, l := range res.LeftOut {
			reasons = append(reasons, l.Reason)
		}
		sort.Strings(reasons)
		if got := strings.Join(reasons, " "); got != "declined max_meetings_reached not_accepted withdrawn" || res.Created != 3 {
			t.Fatalf("created %d, left out %v", res.Created, res.LeftOut)
		}
		for _, l := range res.LeftOut {
			if l.Reason == "not_accepted" && (len(l.RequestIDs) != 1 || l.RequestIDs[0] != pending) {
				t.Errorf("not_accepted names %v, want the pending request", l.RequestIDs)
			}
		}
		var list struct{ Items []meetingJSON }
		api.do("staff", http.MethodGet, base+"/meetings", nil).want(200).json(&list)
		kinds := map[string]bool{}
		for _, m := range list.Items {
			kinds[m.ARegistrationID+m.BRegistrationID] = true
		}
		// The mutual pair is placed before c's one-sided requests compete for the other delegation.
		dOther := map[bool]string{true: d + f.other.ID, false: f.other.ID + d}[d < f.other.ID]
		if !kinds[dOther] {
			t.Errorf("the mutual request was not placed: %+v", list.Items)
		}
		// Re-run: everything kept. start_over: re-placed, pinned meetings untouched.
		var again struct{ Created, Kept, Moved, Cancelled int }
		api.do("staff", http.MethodPost, base+"/schedule", nil).want(200).json(&again)
		if again.Created != 0 || again.Kept != 3 {
			t.Fatalf("re-run %+v", again)
		}
		api.do("staff", http.MethodPost, base+"/schedule", map[string]bool{"start_over": true}).want(200).json(&again)
		if again.Created+again.Kept+again.Moved != 3 || again.Cancelled != 0 {
			t.Fatalf("start over %+v", again)
		}
	})
}

// TestEventChangesKeepTheAgendaWhole: sessions cannot change under a
// meeting; cancelling the event cancels its meetings; a withdrawal frees
// the slot for another meeting.
func TestEventChangesKeepTheAgendaWhole(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		staff := api.staff.Actor()
		sess := f.event.Sessions[0].ID
		m, err := api.svc.PinMeeting(ctx, staff, f.event.ID, f.own.ID, f.other.ID, transfer.MeetingPlace{SessionID: sess,
			StartsAt: fixtureSessionStart.Add(2 * fixtureSlotStep), Table: 2})
		if err != nil {
			t.Fatal(err)
		}
		// A shorter session would lose the meeting's slot; one table fewer its table.
		for _, change := range []map[string]any{{"ends_at": fixtureSessionStart.Add(40 * time.Minute)}, {"tables": 1}} {
			s := map[string]any{"id": sess, "sector": "modern_agriculture", "starts_at": fixtureSessionStart,
				"ends_at": fixtureSessionStart.Add(150 * time.Minute), "slot_minutes": 20, "break_minutes": 5, "tables": 2}
			for k, v := range change {
				s[k] = v
			}
			api.do("staff", http.MethodPatch, base, map[string]any{"sessions": []any{s}}).want(409)
		}
		// Withdrawal frees the other delegation's time and the table for someone else.
		third := api.third()
		r3, err := api.svc.Register(ctx, staff, f.event.ID, transfer.Registration{InstitutionID: third.ID,
			Delegates: []transfer.Delegate{{Name: "D", Languages: []string{"en"}}}})
		if err != nil {
			t.Fatal(err)
		}
		place := transfer.MeetingPlace{SessionID: sess, StartsAt: m.StartsAt, Table: 2}
		if _, err := api.svc.PinMeeting(ctx, staff, f.event.ID, r3.ID, f.other.ID, place); err == nil {
			t.Fatal("the other delegation was booked twice")
		}
		if _, err := api.svc.WithdrawRegistration(ctx, staff, f.event.ID, f.own.ID); err != nil {
			t.Fatal(err)
		}
		m2, err := api.svc.PinMeeting(ctx, staff, f.event.ID, r3.ID, f.other.ID, place)
		if err != nil {
			t.Fatalf("after the withdrawal: %v", err)
		}
		// Cancelling the event cancels what is scheduled.
		api.do("staff", http.MethodPatch, base, map[string]any{"status": "cancelled"}).want(200)
		got, err := api.svc.Meeting(ctx, staff, f.event.ID, m2.ID)
		if err != nil || got.Status != transfer.MeetingCancelled {
			t.Fatalf("after cancelling the event: %+v %v", got, err)
		}
		api.do("staff", http.MethodPost, base+"/schedule", nil).want(409)
	})
}

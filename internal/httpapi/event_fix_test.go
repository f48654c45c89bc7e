package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

// scheduled runs the fixture's one accepted request through a schedule run
// and returns the meeting.
func (api *testAPI) scheduledMeeting(f eventFixture) meetingJSON {
	api.t.Helper()
	base := "/api/v1/events/" + f.event.ID
	var rq struct{ ID string }
	api.do("partner", http.MethodPost, base+"/requests", map[string]any{"to_registration_id": f.other.ID,
		"offer_id": f.offer.ID, "demand_id": f.demand.ID}).want(201).json(&rq)
	api.do("staff", http.MethodPost, base+"/requests/"+rq.ID+"/accept", nil).want(200)
	api.do("staff", http.MethodPost, base+"/schedule", nil).want(200)
	var list struct{ Items []meetingJSON }
	api.do("staff", http.MethodGet, base+"/meetings", nil).want(200).json(&list)
	if len(list.Items) != 1 {
		api.t.Fatalf("agenda %+v", list.Items)
	}
	return list.Items[0]
}

// A held meeting, or one with an outcome, stays whatever happens after:
// withdrawals, runs from scratch, lowered caps.
func TestHeldMeetingsAreNeverErased(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		m := api.scheduledMeeting(f)
		api.do("partner", http.MethodPost, base+"/meetings/"+m.ID+"/outcome", map[string]any{"outcome": "follow_up"}).want(200)

		// The cap drops below what the delegation holds (straight in the store: constraints changed).
		reg, err := api.store.RegistrationByID(ctx, f.own.ID)
		if err != nil {
			t.Fatal(err)
		}
		reg.MaxMeetings, reg.Version = 1, reg.Version+1
		third := api.third()
		r3, err := api.svc.Register(ctx, api.staff.Actor(), f.event.ID, transfer.Registration{InstitutionID: third.ID,
			Delegates: []transfer.Delegate{{Name: "D", Languages: []string{"en"}}}})
		if err != nil {
			t.Fatal(err)
		}
		// A later meeting of the partner's delegation, pinned, sorts before the held one.
		api.do("staff", http.MethodPost, base+"/meetings", map[string]any{"a_registration_id": r3.ID,
			"b_registration_id": f.own.ID, "session_id": m.SessionID, "starts_at": fixtureSessionStart.Add(4 * fixtureSlotStep),
			"table": 1}).want(201)
		if err := api.store.UpdateRegistration(ctx, reg); err != nil {
			t.Fatal(err)
		}
		api.do("staff", http.MethodPost, base+"/schedule", map[string]bool{"start_over": true}).want(200)
		api.checkMeeting(base, m, "held")

		// The other side withdraws: the held meeting stays, and a run keeps it and plans around it.
		api.do("staff", http.MethodPost, base+"/registrations/"+f.other.ID+"/withdraw", nil).want(200)
		api.checkMeeting(base, m, "held")
		api.do("staff", http.MethodPost, base+"/schedule", map[string]bool{"start_over": true}).want(200)
		api.do("staff", http.MethodPost, base+"/schedule", nil).want(200)
		api.checkMeeting(base, m, "held")
	})
}

func (api *testAPI) checkMeeting(base string, m meetingJSON, status string) {
	api.t.Helper()
	var got meetingJSON
	api.do("staff", http.MethodGet, base+"/meetings/"+m.ID, nil).want(200).json(&got)
	if got.Status != status || !got.StartsAt.Equal(m.StartsAt) || got.Table != m.Table || got.SessionID != m.SessionID {
		api.t.Fatalf("meeting %+v, was %+v", got, m)
	}
}

// A session change that takes away an interpreter seat a meeting uses is a conflict.
func TestSessionChangesKeepInterpreterSeats(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		third := api.third()
		var r3 regJSON
		api.do("staff", http.MethodPost, base+"/registrations", map[string]any{"institution_id": third.ID,
			"delegates": []map[string]any{{"name": "Aisyah", "languages": []string{"ms"}}}}).want(201).json(&r3)
		sess := f.event.Sessions[0].ID
		api.do("staff", http.MethodPost, base+"/meetings", map[string]any{"a_registration_id": r3.ID,
			"b_registration_id": f.other.ID, "session_id": sess, "starts_at": fixtureSessionStart, "table": 1}).want(201)
		s := map[string]any{"id": sess, "sector": "modern_agriculture", "starts_at": fixtureSessionStart,
			"ends_at": fixtureSessionStart.Add(150 * time.Minute), "slot_minutes": 20, "break_minutes": 5, "tables": 2}
		api.do("staff", http.MethodPatch, base, map[string]any{"sessions": []any{s}}).want(409)
		s["interpreters"] = map[string]int{"en": 1}
		api.do("staff", http.MethodPatch, base, map[string]any{"sessions": []any{s}}).want(200)
	})
}

package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
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

// A listing that turns confidential after it was brought stops standing in
// pairs: suggestions, the pair shown with a meeting, the match an outcome
// creates, and suggested meetings when staff start over.
func TestListingsTurnedConfidentialStopPairing(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		var res struct{ Created int }
		api.do("staff", http.MethodPost, base+"/schedule", nil).want(200).json(&res)
		if res.Created != 1 {
			t.Fatalf("schedule %+v", res)
		}
		var list struct {
			Items []struct {
				meetingJSON
				OfferID string `json:"offer_id"`
			}
		}
		api.do("partner", http.MethodGet, base+"/meetings", nil).want(200).json(&list)
		if len(list.Items) != 1 || list.Items[0].OfferID != f.offer.ID {
			t.Fatalf("agenda %+v", list.Items)
		}
		m := list.Items[0].meetingJSON
		api.do("staff", http.MethodPatch, "/api/v1/offers/"+f.offer.ID, map[string]any{"visibility": "confidential"}).want(200)

		var sugg struct{ Items []any }
		api.do("partner", http.MethodGet, base+"/registrations/"+f.own.ID+"/suggestions", nil).want(200).json(&sugg)
		if len(sugg.Items) != 0 {
			t.Fatalf("suggestions %+v", sugg.Items)
		}
		list.Items = nil
		api.do("partner", http.MethodGet, base+"/meetings", nil).want(200).json(&list)
		if len(list.Items) != 1 || list.Items[0].OfferID != "" {
			t.Fatalf("agenda shows the confidential offer: %+v", list.Items)
		}
		var held meetingJSON
		api.do("partner", http.MethodPost, base+"/meetings/"+m.ID+"/outcome", map[string]any{"outcome": "agreement_expected"}).want(200).json(&held)
		if held.MatchID != "" {
			t.Fatalf("a match of a confidential offer: %+v", held)
		}

		// A second suggested meeting, not held, goes when staff start over.
		third := api.third()
		offer3 := api.makeListing(transfer.KindOffer, third.ID, "public", transfer.StatusPublished)
		var r3 regJSON
		api.do("staff", http.MethodPost, base+"/registrations", map[string]any{"institution_id": third.ID,
			"delegates": []map[string]any{{"name": "Aisyah", "languages": []string{"en"}}}, "listing_ids": []string{offer3.ID}}).want(201).json(&r3)
		api.do("staff", http.MethodPost, base+"/schedule", nil).want(200).json(&res)
		if res.Created != 1 {
			t.Fatalf("second run %+v", res)
		}
		api.do("staff", http.MethodPatch, "/api/v1/offers/"+offer3.ID, map[string]any{"visibility": "confidential"}).want(200)
		var again struct{ Created, Cancelled int }
		api.do("staff", http.MethodPost, base+"/schedule", map[string]bool{"start_over": true}).want(200).json(&again)
		if again.Created != 0 || again.Cancelled != 1 {
			t.Fatalf("start over %+v", again)
		}
		api.checkMeeting(base, m, "held")
	})
}

// Event statistics follow the disclosure rule of /stats/agreements for
// analysts: confidential agreements do not count, small groups are blanked.
func TestEventStatsFollowTheDisclosureRule(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		add := func(sector string, confidential bool) {
			body := agreementBody(api.ownInst.ID, api.otherInst.ID)
			body["sector"], body["subsector"], body["event_id"], body["confidential"] = sector, nil, f.event.ID, confidential
			if sector == "modern_agriculture" {
				body["subsector"] = "agri_processing"
			} else {
				body["subsector"] = "solar_pv"
			}
			api.do("staff", http.MethodPost, "/api/v1/agreements", body).want(201)
		}
		for range 3 {
			add("modern_agriculture", false)
		}
		add("modern_agriculture", true)
		add("new_energy", false)
		type stats struct {
			AgreementsSigned           int64 `json:"agreements_signed"`
			AgreementsSignedSuppressed bool  `json:"agreements_signed_suppressed"`
			AgreementsBySector         []struct {
				Sector           string `json:"sector"`
				Signed           int64  `json:"signed"`
				SignedSuppressed bool   `json:"signed_suppressed"`
			} `json:"agreements_by_sector"`
		}
		var staff, analyst stats
		api.do("staff", http.MethodGet, base+"/stats", nil).want(200).json(&staff)
		if staff.AgreementsSigned != 5 || staff.AgreementsSignedSuppressed {
			t.Fatalf("staff %+v", staff)
		}
		api.do("analyst", http.MethodGet, base+"/stats", nil).want(200).json(&analyst)
		if len(analyst.AgreementsBySector) != 2 || analyst.AgreementsBySector[0].Signed != 3 || analyst.AgreementsBySector[0].SignedSuppressed ||
			analyst.AgreementsBySector[1].Signed != 0 || !analyst.AgreementsBySector[1].SignedSuppressed ||
			analyst.AgreementsSigned != 0 || !analyst.AgreementsSignedSuppressed {
			t.Fatalf("analyst %+v", analyst)
		}
		csv := api.do("analyst", http.MethodGet, base+"/stats?format=csv", nil).want(200).Body.String()
		if !strings.Contains(csv, "agreements_signed,new_energy,\n") || !strings.Contains(csv, "agreements_signed,modern_agriculture,3\n") {
			t.Fatalf("csv:\n%s", csv)
		}
	})
}

// Answers and outcomes sent at once without If-Match take turns: each is
// applied (200), never a 412 the client did not ask for.
func TestConcurrentAnswersAndOutcomesApply(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		m := api.scheduledMeeting(f)
		var rq struct{ ID string }
		api.do("staff", http.MethodPost, base+"/requests", map[string]any{"from_registration_id": f.other.ID,
			"to_registration_id": f.own.ID}).want(201).json(&rq)
		var wg sync.WaitGroup
		codes := make(chan string, 60)
		for i := range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				verb := "/accept"
				if i%2 == 1 {
					verb = "/decline"
				}
				r := api.do("partner", http.MethodPost, base+"/requests/"+rq.ID+verb, nil)
				if r.Code != 200 {
					codes <- fmt.Sprintf("%s %d %s", verb, r.Code, r.Body.String())
				}
			}()
		}
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				who, body := "partner", map[string]any{"outcome": "follow_up"}
				if i%2 == 1 {
					who, body = "staff", map[string]any{"outcome": "negotiating", "registration_id": f.other.ID}
				}
				r := api.do(who, http.MethodPost, base+"/meetings/"+m.ID+"/outcome", body)
				if r.Code != 200 {
					codes <- fmt.Sprintf("outcome %d %s", r.Code, r.Body.String())
				}
			}()
		}
		wg.Wait()
		close(codes)
		for c := range codes {
			t.Error(c)
		}
		var got struct {
			OutcomeA struct{ Outcome string } `json:"outcome_a"`
			OutcomeB struct{ Outcome string } `json:"outcome_b"`
		}
		api.do("staff", http.MethodGet, base+"/meetings/"+m.ID, nil).want(200).json(&got)
		if got.OutcomeA.Outcome == "" || got.OutcomeB.Outcome == "" {
			t.Fatalf("an outcome was lost: %+v", got)
		}
	})
}

// A meeting at a local time the clocks pass twice is written in UTC in the
// calendar; one at an unambiguous time keeps its local time.
func TestAgendaCalendarAcrossFallBack(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		start := time.Date(2027, 10, 31, 0, 0, 0, 0, time.UTC) // 02:00 CEST in Berlin; clocks go back at 01:00 UTC
		body := map[string]any{"name": "Berlin matchmaking", "time_zone": "Europe/Berlin", "starts_on": "2027-10-31",
			"ends_on": "2027-10-31", "status": "open", "sessions": []map[string]any{{"title": "Night", "sector": "modern_agriculture",
				"starts_at": start, "ends_at": start.Add(8 * time.Hour), "slot_minutes": 50, "break_minutes": 10, "tables": 2}}}
		var e eventJSON
		api.do("staff", http.MethodPost, "/api/v1/events", body).want(201).json(&e)
		base := "/api/v1/events/" + e.ID
		var a, b regJSON
		api.do("partner", http.MethodPost, base+"/registrations", map[string]any{
			"delegates": []map[string]any{{"name": "Li Wei", "languages": []string{"en"}}}}).want(201).json(&a)
		api.do("staff", http.MethodPost, base+"/registrations", map[string]any{"institution_id": api.otherInst.ID,
			"delegates": []map[string]any{{"name": "Somchai", "languages": []string{"en"}}}}).want(201).json(&b)
		for _, at := range []time.Time{start, start.Add(5 * time.Hour)} {
			api.do("staff", http.MethodPost, base+"/meetings", map[string]any{"a_registration_id": a.ID, "b_registration_id": b.ID,
				"session_id": e.Sessions[0].ID, "starts_at": at, "table": 1}).want(201)
			if at.Equal(start) { // one meeting per pair: cancel the first (its VEVENT stays, cancelled)
				var list struct{ Items []meetingJSON }
				api.do("staff", http.MethodGet, base+"/meetings", nil).want(200).json(&list)
				api.do("staff", http.MethodPatch, base+"/meetings/"+list.Items[0].ID, map[string]any{"status": "cancelled"}).want(200)
			}
		}
		ics := unfold(api.do("partner", http.MethodGet, base+"/registrations/"+a.ID+"/agenda?format=ics", nil).want(200).Body.String())
		for _, want := range []string{"DTSTART:20271031T000000Z\r\n", "DTEND:20271031T005000Z\r\n",
			"DTSTART;TZID=Europe/Berlin:20271031T060000\r\n", "DTEND;TZID=Europe/Berlin:20271031T065000\r\n"} {
			if !strings.Contains(ics, want) {
				t.Fatalf("no %q in\n%s", want, ics)
			}
		}
	})
}

// Control characters are refused where events, delegations and notes are written.
func TestEventTextRefusesControlCharacters(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		for _, bad := range []string{"a\u0007b", "a\u0085b", "a\u2028b", "a\nb"} {
			for _, field := range []string{"name", "venue", "city"} {
				body := eventBody()
				body[field] = bad
				api.do("staff", http.MethodPost, "/api/v1/events", body).want(422)
			}
		}
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		api.do("partner", http.MethodPatch, base+"/registrations/"+f.own.ID, map[string]any{
			"delegates": []map[string]any{{"name": "Li\u2029Wei", "languages": []string{"en"}}}}).want(422)
		api.do("partner", http.MethodPatch, base+"/registrations/"+f.own.ID, map[string]any{
			"delegates": []map[string]any{{"name": "Li Wei", "role": "CTO\u009b", "languages": []string{"en"}}}}).want(422)
		api.do("partner", http.MethodPost, base+"/requests", map[string]any{"to_registration_id": f.other.ID, "note": "hi\u001b[31m"}).want(422)
		api.do("partner", http.MethodPost, base+"/requests", map[string]any{"to_registration_id": f.other.ID, "note": "two\nlines"}).want(201)
	})
}

// A session id sent by the client keeps an existing session of the event,
// once; anything else is 422. An agreement's session belongs to its event.
func TestSessionIDsNameTheEventsSessions(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		other := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		sess := func(id string) map[string]any {
			s := map[string]any{"sector": "modern_agriculture", "starts_at": fixtureSessionStart,
				"ends_at": fixtureSessionStart.Add(150 * time.Minute), "slot_minutes": 20, "break_minutes": 5, "tables": 2}
			if id != "" {
				s["id"] = id
			}
			return s
		}
		own := f.event.Sessions[0].ID
		api.do("staff", http.MethodPatch, base, map[string]any{"sessions": []any{sess(other.event.Sessions[0].ID)}}).want(422)
		api.do("staff", http.MethodPatch, base, map[string]any{"sessions": []any{sess(own), sess(own)}}).want(422)
		api.do("staff", http.MethodPatch, base, map[string]any{"sessions": []any{sess("not-an-id")}}).want(422)
		body := eventBody()
		body["sessions"].([]map[string]any)[0]["id"] = own
		api.do("staff", http.MethodPost, "/api/v1/events", body).want(422)
		var e eventJSON
		api.do("staff", http.MethodPatch, base, map[string]any{"sessions": []any{sess(own), sess("")}}).want(200).json(&e)
		if len(e.Sessions) != 2 || e.Sessions[0].ID != own || e.Sessions[1].ID == "" || e.Sessions[1].ID == own {
			t.Fatalf("sessions %+v", e.Sessions)
		}
		g := agreementBody(api.ownInst.ID, api.otherInst.ID)
		g["event_id"], g["event_session_id"] = f.event.ID, other.event.Sessions[0].ID
		api.do("staff", http.MethodPost, "/api/v1/agreements", g).want(422)
	})
}

// A cap below the meetings a delegation has is a conflict; a meeting of a
// request declined since goes when staff start over.
func TestCapsAndDeclinesAfterScheduling(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		// The fixture's pair would also be a suggestion: make the demand
		// confidential so that only the request brings them together.
		api.do("staff", http.MethodPatch, "/api/v1/demands/"+f.demand.ID, map[string]any{"visibility": "confidential"}).want(200)
		m := api.scheduledMeeting(f)
		third := api.third()
		var r3 regJSON
		api.do("staff", http.MethodPost, base+"/registrations", map[string]any{"institution_id": third.ID,
			"delegates": []map[string]any{{"name": "Aisyah", "languages": []string{"en"}}}}).want(201).json(&r3)
		api.do("staff", http.MethodPost, base+"/meetings", map[string]any{"a_registration_id": r3.ID, "b_registration_id": f.own.ID,
			"session_id": m.SessionID, "starts_at": fixtureSessionStart.Add(3 * fixtureSlotStep), "table": 2}).want(201)
		api.do("partner", http.MethodPatch, base+"/registrations/"+f.own.ID, map[string]any{"max_meetings": 1}).want(409)
		api.do("partner", http.MethodPatch, base+"/registrations/"+f.own.ID, map[string]any{"max_meetings": 2}).want(200)

		var rqs struct{ Items []struct{ ID string } }
		api.do("staff", http.MethodGet, base+"/requests", nil).want(200).json(&rqs)
		api.do("staff", http.MethodPost, base+"/requests/"+rqs.Items[0].ID+"/decline", nil).want(200)
		var res struct{ Cancelled int }
		api.do("staff", http.MethodPost, base+"/schedule", map[string]bool{"start_over": true}).want(200).json(&res)
		api.checkMeeting(base, m, "cancelled")
		if res.Cancelled != 1 {
			t.Fatalf("start over %+v", res)
		}
	})
}

// Bad timestamps and table numbers are 422 naming the field; a weak ETag in
// If-Match never matches (412).
func TestEventInputNamesTheField(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		p := api.do("partner", http.MethodPatch, base+"/registrations/"+f.own.ID, map[string]any{"unavailable": []string{"yesterday"}}).want(422).problem()
		if !strings.Contains(mustJSON(t, p), "unavailable[0]") {
			t.Fatalf("problem %+v", p)
		}
		p = api.do("staff", http.MethodPost, base+"/meetings", map[string]any{"a_registration_id": f.own.ID, "b_registration_id": f.other.ID,
			"session_id": f.event.Sessions[0].ID, "starts_at": "10 o'clock", "table": 1}).want(422).problem()
		if !strings.Contains(mustJSON(t, p), "starts_at") {
			t.Fatalf("problem %+v", p)
		}
		for _, bad := range []string{"abc", "0", "-1"} {
			api.do("staff", http.MethodGet, base+"/meetings?table="+bad, nil).want(422)
		}
		api.do("partner", http.MethodPatch, base+"/registrations/"+f.own.ID, map[string]any{"max_meetings": 3}, "If-Match", `W/"1"`).want(412)
		api.do("partner", http.MethodPatch, base+"/registrations/"+f.own.ID, map[string]any{"max_meetings": 3}, "If-Match", `"1"`).want(200)
	})
}

// Creations send Location and ETag, as the spec says.
func TestEventCreationsSendLocation(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		third := api.third()
		r := api.do("staff", http.MethodPost, base+"/registrations", map[string]any{"institution_id": third.ID,
			"delegates": []map[string]any{{"name": "Aisyah", "languages": []string{"en"}}}}).want(201)
		var reg regJSON
		r.json(&reg)
		if r.Header().Get("Location") != base+"/registrations/"+reg.ID || r.Header().Get("ETag") != `"1"` {
			t.Fatalf("registration headers %v", r.Header())
		}
		var got regJSON
		api.do("staff", http.MethodGet, r.Header().Get("Location"), nil).want(200).json(&got)
		if got.ID != reg.ID {
			t.Fatalf("the Location of a registration reads %+v", got)
		}
		// Under another event's path the registration is missing.
		elsewhere := api.newEvent()
		api.do("staff", http.MethodGet, "/api/v1/events/"+elsewhere.event.ID+"/registrations/"+reg.ID, nil).want(404)
		r = api.do("partner", http.MethodPost, base+"/requests", map[string]any{"to_registration_id": f.other.ID}).want(201)
		var rq struct{ ID string }
		r.json(&rq)
		if r.Header().Get("Location") != base+"/requests/"+rq.ID || r.Header().Get("ETag") != `"1"` {
			t.Fatalf("request headers %v", r.Header())
		}
		var gotRq struct{ ID string }
		api.do("partner", http.MethodGet, r.Header().Get("Location"), nil).want(200).json(&gotRq)
		if gotRq.ID != rq.ID {
			t.Fatalf("the Location of a request reads %+v", gotRq)
		}
		api.do("staff", http.MethodGet, "/api/v1/events/"+elsewhere.event.ID+"/requests/"+rq.ID, nil).want(404)
		r = api.do("staff", http.MethodPost, base+"/meetings", map[string]any{"a_registration_id": reg.ID, "b_registration_id": f.own.ID,
			"session_id": f.event.Sessions[0].ID, "starts_at": fixtureSessionStart, "table": 1}).want(201)
		var m meetingJSON
		r.json(&m)
		if r.Header().Get("Location") != base+"/meetings/"+m.ID || r.Header().Get("ETag") != `"1"` {
			t.Fatalf("meeting headers %v", r.Header())
		}
		api.do("staff", http.MethodGet, r.Header().Get("Location"), nil).want(200)
	})
}

// Changes to an event and a registration sent at once without If-Match
// apply in turn, never a 412 the client did not ask for.
func TestConcurrentChangesWithoutIfMatchApply(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		var wg sync.WaitGroup
		errs := make(chan string, 40)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var r response
				if i%2 == 0 {
					r = api.do("staff", http.MethodPatch, base, map[string]any{"venue": fmt.Sprintf("Hall %d", i)})
				} else {
					r = api.do("partner", http.MethodPatch, base+"/registrations/"+f.own.ID, map[string]any{"max_meetings": i + 1})
				}
				if r.Code != 200 {
					errs <- fmt.Sprintf("%d %s", r.Code, r.Body.String())
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
		var e eventJSON
		api.do("staff", http.MethodGet, base, nil).want(200).json(&e)
		if e.Version != 11 {
			t.Fatalf("event at version %d, want 11", e.Version)
		}
	})
}

package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/transfer"
)

// The contract test reads agendas in iCalendar as text.
func init() { openapi3filter.RegisterBodyDecoder("text/calendar", openapi3filter.PlainBodyDecoder) }

// The fixture event: one open event in Asia/Shanghai with one modern
// agriculture session (the fixture listings' sector) of six 20-minute slots
// with 5-minute breaks at two tables.
var (
	fixtureSessionStart = time.Date(2027, 3, 10, 1, 0, 0, 0, time.UTC) // 09:00 in Nanning
	fixtureSlotStep     = 25 * time.Minute
)

func eventBody() map[string]any {
	return map[string]any{"name": "China-ASEAN Technology Transfer Matchmaking", "venue": "Nanning International Convention Center",
		"city": "Nanning", "time_zone": "Asia/Shanghai", "starts_on": "2027-03-10", "ends_on": "2027-03-11", "status": "open",
		"sessions": []map[string]any{{"title": "Agriculture", "sector": "modern_agriculture",
			"starts_at": fixtureSessionStart.Format(time.RFC3339), "ends_at": fixtureSessionStart.Add(150 * time.Minute).Format(time.RFC3339),
			"slot_minutes": 20, "break_minutes": 5, "tables": 2, "interpreters": map[string]int{"en": 1}}}}
}

type eventJSON struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Version  int    `json:"version"`
	Sessions []struct {
		ID    string `json:"id"`
		Slots []struct {
			StartsAt time.Time `json:"starts_at"`
		} `json:"slots"`
	} `json:"sessions"`
}

type regJSON struct {
	ID         string   `json:"id"`
	ListingIDs []string `json:"listing_ids"`
}

type meetingJSON struct {
	ID              string    `json:"id"`
	SessionID       string    `json:"session_id"`
	StartsAt        time.Time `json:"starts_at"`
	Table           int       `json:"table"`
	ARegistrationID string    `json:"a_registration_id"`
	BRegistrationID string    `json:"b_registration_id"`
	Sequence        int       `json:"sequence"`
	Status          string    `json:"status"`
	MatchID         string    `json:"match_id"`
	Version         int       `json:"version"`
}

// eventFixture is an open event with the partner's institution (bringing a
// demand) and the other institution (bringing an offer) registered.
type eventFixture struct {
	event           eventJSON
	own, other      regJSON
	demand, offer   transfer.Listing
	otherInstDemand transfer.Listing
}

func (api *testAPI) newEvent() eventFixture {
	api.t.Helper()
	var f eventFixture
	api.do("staff", http.MethodPost, "/api/v1/events", eventBody()).want(201).json(&f.event)
	f.demand = api.makeListing(transfer.KindDemand, api.ownInst.ID, "public", transfer.StatusPublished)
	f.offer = api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusPublished)
	api.do("partner", http.MethodPost, "/api/v1/events/"+f.event.ID+"/registrations", map[string]any{
		"delegates":   []map[string]any{{"name": "Li Wei", "role": "Technology manager", "languages": []string{"zh", "en"}}},
		"listing_ids": []string{f.demand.ID}, "max_meetings": 4}).want(201).json(&f.own)
	api.do("staff", http.MethodPost, "/api/v1/events/"+f.event.ID+"/registrations", map[string]any{
		"institution_id": api.otherInst.ID,
		"delegates":      []map[string]any{{"name": "Somchai P.", "languages": []string{"th", "en"}}},
		"listing_ids":    []string{f.offer.ID}}).want(201).json(&f.other)
	return f
}

func TestEventWalkthrough(t *testing.T) {
	eachWithWebhooks(t, func(t *testing.T, api *testAPI, _ *store.Store) {
		rcv := newReceiver(t)
		api.do("partner", http.MethodPost, "/api/v1/webhooks", map[string]any{"url": rcv.srv.URL,
			"events": []string{"meeting.scheduled", "meeting.changed", "meeting.cancelled"}}).want(201)
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID

		// The partner asks the other delegation, citing the pair; the other side (staff for it) accepts.
		var rq struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		}
		api.do("partner", http.MethodPost, base+"/requests", map[string]any{"to_registration_id": f.other.ID,
			"offer_id": f.offer.ID, "demand_id": f.demand.ID, "note": "Cassava drying"}).want(201).json(&rq)
		api.do("partner", http.MethodPost, base+"/requests", map[string]any{"to_registration_id": f.other.ID}).want(409)
		api.do("partner", http.MethodPost, base+"/requests/"+rq.ID+"/accept", nil).want(403) // the asker cannot accept
		api.do("staff", http.MethodPost, base+"/requests/"+rq.ID+"/accept", map[string]string{"note": "gladly"}).want(200).json(&rq)
		if rq.Status != "accepted" {
			t.Fatalf("request %+v", rq)
		}

		var res struct {
			Created int `json:"created"`
			Event   struct {
				Status string `json:"status"`
			} `json:"event"`
			LeftOut []struct{ Reason string } `json:"left_out"`
		}
		api.do("staff", http.MethodPost, base+"/schedule", nil).want(200).json(&res)
		if res.Created != 1 || res.Event.Status != "agenda_published" {
			t.Fatalf("schedule: %+v", res)
		}
		// Deterministic and stable: a second run keeps the meeting.
		var again struct{ Created, Kept int }
		api.do("staff", http.MethodPost, base+"/schedule", map[string]bool{"start_over": false}).want(200).json(&again)
		if again.Created != 0 || again.Kept != 1 {
			t.Fatalf("second run %+v", again)
		}

		var list struct{ Items []meetingJSON }
		api.do("partner", http.MethodGet, base+"/meetings", nil).want(200).json(&list)
		if len(list.Items) != 1 || list.Items[0].Status != "scheduled" {
			t.Fatalf("agenda %+v", list.Items)
		}
		m := list.Items[0]

		// The partner's people hear of the meeting in the app, once (the
		// second run kept it), with the event's name and the table.
		var notes notificationsJSON
		api.do("partner", http.MethodGet, "/api/v1/notifications?limit=100", nil).want(200).json(&notes)
		scheduled := 0
		for _, n := range notes.Items {
			if n.Type == "meeting.scheduled" {
				scheduled++
				if n.Data["meeting_id"] != m.ID || !strings.Contains(n.Body, "table 1") {
					t.Fatalf("meeting notification %+v", n)
				}
			}
		}
		if scheduled != 1 {
			t.Fatalf("%d meeting.scheduled notifications, want 1: %+v", scheduled, notes.Items)
		}

		// A slot newly marked unavailable that holds a meeting is refused; other changes pass.
		api.do("partner", http.MethodPatch, base+"/registrations/"+f.own.ID, map[string]any{"unavailable": []time.Time{m.StartsAt}}).want(409)
		api.do("partner", http.MethodPatch, base+"/registrations/"+f.own.ID, map[string]any{"max_meetings": 5}, "If-Match", `"1"`).want(200)

		// iCalendar: time zone, one VEVENT, stable UID, SEQUENCE, CRLF and folding.
		ics := api.do("partner", http.MethodGet, base+"/registrations/"+f.own.ID+"/agenda", nil, "Accept", "text/calendar").want(200)
		checkICS(t, ics.Body.Bytes(), m.ID, 0)
		if !strings.Contains(ics.Body.String(), "TZID=Asia/Shanghai:20270310T090000") || !strings.Contains(ics.Body.String(), "TZOFFSETTO:+0800") {
			t.Fatalf("no local time in Asia/Shanghai:\n%s", ics.Body.String())
		}
		if !strings.Contains(unfold(ics.Body.String()), "Heat-pump dryer for cassava chips") {
			t.Fatalf("the listings concerned are missing:\n%s", ics.Body.String())
		}

		// A move by hand: onto a busy table is 409 (pin another meeting there first); a free place moves it.
		third := api.third()
		var thirdReg regJSON
		api.do("staff", http.MethodPost, base+"/registrations", map[string]any{"institution_id": third.ID,
			"delegates": []map[string]any{{"name": "Aisyah", "languages": []string{"ms", "en"}}}}).want(201).json(&thirdReg)
		slot1 := fixtureSessionStart.Add(fixtureSlotStep)
		var pinned meetingJSON
		api.do("staff", http.MethodPost, base+"/meetings", map[string]any{"a_registration_id": thirdReg.ID,
			"b_registration_id": f.other.ID, "session_id": m.SessionID, "starts_at": m.StartsAt, "table": 2}).want(409) // other is busy then
		api.do("staff", http.MethodPost, base+"/meetings", map[string]any{"a_registration_id": thirdReg.ID,
			"b_registration_id": f.other.ID, "session_id": m.SessionID, "starts_at": slot1, "table": 1}).want(201).json(&pinned)
		api.do("staff", http.MethodPatch, base+"/meetings/"+m.ID, map[string]any{"session_id": m.SessionID, "starts_at": slot1,
			"table": 2}).want(409) // the other delegation meets the third then
		slot2 := fixtureSessionStart.Add(2 * fixtureSlotStep)
		api.do("staff", http.MethodPatch, base+"/meetings/"+m.ID, map[string]any{"session_id": m.SessionID, "starts_at": slot2,
			"table": 1}, "If-Match", `"99"`).want(412)
		var moved meetingJSON
		api.do("staff", http.MethodPatch, base+"/meetings/"+m.ID, map[string]any{"session_id": m.SessionID, "starts_at": slot2,
			"table": 1}).want(200).json(&moved)
		if moved.Sequence != 1 || !moved.StartsAt.Equal(slot2) {
			t.Fatalf("moved %+v", moved)
		}
		// One table's agenda for the floor staff, and the organisers' sheet: staff only.
		var table struct{ Items []meetingJSON }
		api.do("staff", http.MethodGet, base+"/meetings?table=1", nil).want(200).json(&table)
		if len(table.Items) != 2 || table.Items[0].ID != pinned.ID || table.Items[1].ID != m.ID {
			t.Fatalf("table 1: %+v", table.Items)
		}
		api.do("partner", http.MethodGet, base+"/meetings?table=1", nil).want(403)
		sheet := api.do("staff", http.MethodGet, base+"/meetings", nil, "Accept", "text/csv").want(200)
		if lines := strings.Split(strings.TrimSpace(sheet.Body.String()), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[0], "meeting_id,session_id,starts_at") {
			t.Fatalf("sheet:\n%s", sheet.Body.String())
		}
		api.do("partner", http.MethodGet, base+"/meetings?format=csv", nil).want(403)
		api.do("staff", http.MethodGet, base+"/meetings?format=xml", nil).want(406)
		ics = api.do("partner", http.MethodGet, base+"/registrations/"+f.own.ID+"/agenda?format=ics", nil).want(200)
		checkICS(t, ics.Body.Bytes(), m.ID, 1)

		// Outcome: agreement_expected creates the match at negotiating.
		api.do("partner", http.MethodPost, base+"/meetings/"+pinned.ID+"/outcome", map[string]any{"outcome": "follow_up"}).want(404)
		var held meetingJSON
		api.do("partner", http.MethodPost, base+"/meetings/"+m.ID+"/outcome", map[string]any{"outcome": "agreement_expected",
			"note": "term sheet next month"}).want(200).json(&held)
		if held.Status != "held" || held.MatchID == "" {
			t.Fatalf("outcome %+v", held)
		}
		var mt struct{ Status string }
		api.do("partner", http.MethodGet, "/api/v1/matches/"+held.MatchID, nil).want(200).json(&mt)
		if mt.Status != "negotiating" {
			t.Fatalf("match %+v", mt)
		}
		api.do("partner", http.MethodPost, base+"/meetings/"+m.ID+"/outcome", map[string]any{"no_show": true,
			"registration_id": f.other.ID}).want(403)
		api.do("staff", http.MethodPost, base+"/meetings/"+pinned.ID+"/outcome", map[string]any{"no_show": true,
			"registration_id": thirdReg.ID}).want(200)

		// The agreement names the event; the statistics count it by sector.
		body := agreementBody(api.ownInst.ID, api.otherInst.ID)
		body["status"], body["signed_on"], body["sector"], body["subsector"] = "planned", nil, "modern_agriculture", "agri_processing"
		delete(body, "signed_on")
		body["event_id"], body["event_session_id"], body["match_id"] = f.event.ID, m.SessionID, held.MatchID
		var g struct {
			EventID   string `json:"event_id"`
			EventName string `json:"event_name"`
		}
		api.do("staff", http.MethodPost, "/api/v1/agreements", body).want(201).json(&g)
		if g.EventID != f.event.ID || g.EventName == "" {
			t.Fatalf("agreement %+v", g)
		}
		var st struct {
			Registrations      int64 `json:"registrations"`
			MeetingsRequested  int64 `json:"meetings_requested"`
			MeetingsScheduled  int64 `json:"meetings_scheduled"`
			MeetingsHeld       int64 `json:"meetings_held"`
			MeetingsNoShow     int64 `json:"meetings_no_show"`
			AgreementsPlanned  int64 `json:"agreements_planned"`
			AgreementsBySector []struct {
				Sector  string
				Planned int64
			} `json:"agreements_by_sector"`
		}
		api.do("staff", http.MethodGet, base+"/stats", nil).want(200).json(&st)
		if st.Registrations != 3 || st.MeetingsRequested != 1 || st.MeetingsScheduled != 2 || st.MeetingsHeld != 1 ||
			st.MeetingsNoShow != 1 || st.AgreementsPlanned != 1 || len(st.AgreementsBySector) != 1 ||
			st.AgreementsBySector[0].Sector != "modern_agriculture" {
			t.Fatalf("stats %+v", st)
		}
		var byEvent struct {
			Rows []struct {
				Event *string `json:"event"`
				Count int64   `json:"count"`
			} `json:"rows"`
		}
		api.do("staff", http.MethodGet, "/api/v1/stats/agreements?group_by=event", nil).want(200).json(&byEvent)
		if len(byEvent.Rows) != 1 || byEvent.Rows[0].Event == nil || *byEvent.Rows[0].Event != f.event.ID || byEvent.Rows[0].Count != 1 {
			t.Fatalf("agreements by event %+v", byEvent.Rows)
		}
		csv := api.do("staff", http.MethodGet, base+"/stats?format=csv", nil).want(200)
		if !strings.Contains(csv.Body.String(), "agreements_planned,modern_agriculture,1") {
			t.Fatalf("csv:\n%s", csv.Body.String())
		}

		// Withdrawal frees the slots of meetings to come and tells the sides;
		// the held meeting stays on the record.
		var later meetingJSON
		api.do("staff", http.MethodPost, base+"/meetings", map[string]any{"a_registration_id": thirdReg.ID,
			"b_registration_id": f.own.ID, "session_id": m.SessionID, "starts_at": fixtureSessionStart.Add(4 * fixtureSlotStep),
			"table": 1}).want(201).json(&later)
		api.do("partner", http.MethodPost, base+"/registrations/"+f.own.ID+"/withdraw", nil).want(200)
		api.do("staff", http.MethodGet, base+"/meetings?include_cancelled=true", nil).want(200).json(&list)
		cancelled := 0
		for _, x := range list.Items {
			if x.Status == "cancelled" {
				cancelled++
				if x.ID != later.ID {
					t.Fatalf("meeting %+v cancelled by the withdrawal", x)
				}
			}
		}
		if cancelled != 1 {
			t.Fatalf("after the withdrawal: %+v", list.Items)
		}

		api.deliverAll()
		var types []string
		for _, d := range rcv.got() {
			for _, typ := range []string{"meeting.scheduled", "meeting.changed", "meeting.cancelled"} {
				if bytes.Contains(d.body, []byte(`"`+typ+`"`)) {
					types = append(types, typ)
				}
			}
		}
		sort.Strings(types) // deliveries run in parallel: their order is not the events'
		if strings.Join(types, " ") != "meeting.cancelled meeting.changed meeting.scheduled meeting.scheduled" {
			t.Fatalf("webhooks to the partner: %v", types)
		}
	})
}

// unfold undoes RFC 5545 line folding.
func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

func checkICS(t *testing.T, b []byte, meetingID string, sequence int) {
	t.Helper()
	s := string(b)
	for _, line := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Fatalf("line longer than 75 octets: %q", line)
		}
	}
	if strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") {
		t.Fatal("a bare LF in the calendar")
	}
	u := unfold(s)
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\n", "UID:" + meetingID + "@techbridge\r\n",
		fmt.Sprintf("SEQUENCE:%d\r\n", sequence), "LOCATION:Table ", "END:VCALENDAR\r\n"} {
		if !strings.Contains(u, want) {
			t.Fatalf("calendar lacks %q:\n%s", want, s)
		}
	}
	if n := strings.Count(u, "BEGIN:VEVENT"); n != 1 {
		t.Fatalf("%d VEVENTs, want 1", n)
	}
}

func TestEventInputIsChecked(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		bad := []func(b map[string]any){
			func(b map[string]any) { b["time_zone"] = "Mars/Olympus" },
			func(b map[string]any) { b["time_zone"] = "../../etc/passwd" },
			func(b map[string]any) { b["name"] = "bad\u0000name" },
			func(b map[string]any) { b["ends_on"] = "2027-03-01" },
			func(b map[string]any) { b["starts_on"] = "99999-01-01" },
			func(b map[string]any) {
				b["sessions"].([]map[string]any)[0]["slot_minutes"] = 1_000_000_000_000
			},
			func(b map[string]any) { b["sessions"].([]map[string]any)[0]["tables"] = 0 },
			func(b map[string]any) { b["sessions"].([]map[string]any)[0]["starts_at"] = "2031-01-01T00:00:00Z" },
			func(b map[string]any) {
				b["sessions"].([]map[string]any)[0]["interpreters"] = map[string]int{"xx-bogus": 1}
			},
		}
		for i, mut := range bad {
			b := eventBody()
			mut(b)
			if r := api.do("staff", http.MethodPost, "/api/v1/events", b); r.Code != 422 {
				t.Errorf("case %d: status %d, want 422; %s", i, r.Code, r.Body.String())
			}
		}
		// Invalid UTF-8 in a body string.
		raw := strings.Replace(mustJSON(t, eventBody()), "Nanning\"", "Nan\xffning\"", 1)
		if r := api.do("staff", http.MethodPost, "/api/v1/events", raw); r.Code != 422 {
			t.Errorf("invalid UTF-8: %d", r.Code)
		}
		api.do("staff", http.MethodGet, "/api/v1/events?cursor=forged", nil).want(400)

		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		// Listings brought must be the institution's own and published.
		draft := api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusPending)
		third := api.third()
		r := api.do("staff", http.MethodPost, base+"/registrations", map[string]any{"institution_id": third.ID,
			"delegates": []map[string]any{{"name": "X", "languages": []string{"en"}}}, "listing_ids": []string{draft.ID, f.offer.ID},
			"unavailable": []string{"2027-03-10T01:10:00Z"}}).want(422)
		if got := strings.Join(r.problem().fields(), " "); got != "unavailable[0] listing_ids[0] listing_ids[1]" && got != "unavailable[0]" {
			t.Errorf("fields %q", got)
		}
		// Two delegations without a shared language meet only with an interpreter seat of theirs.
		var viReg, thReg regJSON
		api.do("staff", http.MethodPost, base+"/registrations", map[string]any{"institution_id": third.ID,
			"delegates": []map[string]any{{"name": "An", "languages": []string{"vi"}}}}).want(201).json(&viReg)
		api.do("staff", http.MethodPost, base+"/registrations", map[string]any{"institution_id": api.third().ID,
			"delegates": []map[string]any{{"name": "Som", "languages": []string{"th"}}}}).want(201).json(&thReg)
		pin := map[string]any{"a_registration_id": viReg.ID, "b_registration_id": thReg.ID, "session_id": f.event.Sessions[0].ID,
			"starts_at": fixtureSessionStart, "table": 1}
		if r := api.do("staff", http.MethodPost, base+"/meetings", pin).want(409); !strings.Contains(r.Body.String(), "interpreter") {
			t.Errorf("no interpreter: %s", r.Body.String())
		}
		var enReg regJSON
		api.do("staff", http.MethodPost, base+"/registrations", map[string]any{"institution_id": api.third().ID,
			"delegates": []map[string]any{{"name": "Sam", "languages": []string{"en"}}}}).want(201).json(&enReg)
		var withInterpreter struct{ Interpreter string }
		pin["b_registration_id"] = enReg.ID
		api.do("staff", http.MethodPost, base+"/meetings", pin).want(201).json(&withInterpreter)
		if withInterpreter.Interpreter != "en" {
			t.Errorf("interpreter %q, want the session's en seat", withInterpreter.Interpreter)
		}
		// The one en seat is taken in that slot now.
		pin["a_registration_id"], pin["b_registration_id"], pin["table"] = thReg.ID, f.own.ID, 2
		api.do("staff", http.MethodPost, base+"/meetings", pin).want(409)

		// A second registration of one institution is a conflict.
		api.do("partner", http.MethodPost, base+"/registrations", map[string]any{
			"delegates": []map[string]any{{"name": "Li Wei", "languages": []string{"zh"}}}}).want(409)
		// Status moves: open → draft is refused.
		api.do("staff", http.MethodPatch, base, map[string]any{"status": "draft"}).want(409)
		// Outside the registration window partners cannot register; staff still can.
		closed := eventBody()
		closed["registration_opens_at"], closed["registration_closes_at"] = "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"
		var ev eventJSON
		api.do("staff", http.MethodPost, "/api/v1/events", closed).want(201).json(&ev)
		reg := map[string]any{"delegates": []map[string]any{{"name": "Li Wei", "languages": []string{"zh"}}}}
		if r := api.do("partner", http.MethodPost, "/api/v1/events/"+ev.ID+"/registrations", reg).want(409); !strings.Contains(r.Body.String(), "registration closed") {
			t.Errorf("closed window: %s", r.Body.String())
		}
		reg["institution_id"] = api.ownInst.ID
		api.do("staff", http.MethodPost, "/api/v1/events/"+ev.ID+"/registrations", reg).want(201)
		// A draft event is hidden from partners.
		draftBody := eventBody()
		draftBody["status"] = "draft"
		api.do("staff", http.MethodPost, "/api/v1/events", draftBody).want(201).json(&ev)
		api.do("partner", http.MethodGet, "/api/v1/events/"+ev.ID, nil).want(404)
		api.do("partner", http.MethodPost, "/api/v1/events/"+ev.ID+"/registrations", reg).want(404)
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func isConflict(err error) bool { return errors.Is(err, transfer.ErrConflict) }

// TestScheduleNeverDoubleBooks runs 50 accepts and schedule runs at once:
// no delegation and no table is ever booked twice in a slot.
func TestScheduleNeverDoubleBooks(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		staff := api.staff.Actor()
		// 51 more delegations, each asking the first other one... and each other in a ring.
		var regs []transfer.Registration
		for i := 0; i < 51; i++ {
			in, err := api.svc.CreateInstitution(ctx, staff, transfer.Institution{Name: fmt.Sprintf("Institute %d", i), Country: "VN", Type: "enterprise"})
			if err != nil {
				t.Fatal(err)
			}
			r, err := api.svc.Register(ctx, staff, f.event.ID, transfer.Registration{InstitutionID: in.ID,
				Delegates: []transfer.Delegate{{Name: "D", Languages: []string{"vi", "en"}}}})
			if err != nil {
				t.Fatal(err)
			}
			regs = append(regs, r)
		}
		var reqs []transfer.MeetingRequest
		for i := 0; i < 50; i++ {
			to := f.other.ID
			if i%2 == 1 {
				to = regs[(i+1)%len(regs)].ID
			}
			rq, err := api.svc.RequestMeeting(ctx, staff, f.event.ID, transfer.MeetingRequest{FromRegistrationID: regs[i].ID, ToRegistrationID: to})
			if err != nil {
				t.Fatal(err)
			}
			reqs = append(reqs, rq)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 60)
		for _, rq := range reqs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := api.svc.AnswerMeetingRequest(ctx, staff, f.event.ID, rq.ID, true, ""); err != nil {
					errs <- err
				}
			}()
		}
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := api.svc.Schedule(ctx, staff, f.event.ID, transfer.ScheduleOptions{StartOver: i == 2}); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent write: %v", err)
		}
		api.do("staff", http.MethodPost, base+"/schedule", nil).want(200)
		var list struct{ Items []meetingJSON }
		api.do("staff", http.MethodGet, base+"/meetings", nil).want(200).json(&list)
		if len(list.Items) < 10 {
			t.Fatalf("only %d meetings placed", len(list.Items))
		}
		seen := map[string]string{}
		for _, m := range list.Items {
			for _, who := range []string{m.ARegistrationID, m.BRegistrationID, fmt.Sprintf("table %d", m.Table)} {
				k := m.StartsAt.Format(time.RFC3339) + " " + who
				if prev, ok := seen[k]; ok {
					t.Fatalf("%s double-booked: meetings %s and %s", k, prev, m.ID)
				}
				seen[k] = m.ID
			}
		}
	})
}

// TestBookingKeysRefuseDoubleBooking holds the database's own guard: a
// meeting written straight to the store onto a booked delegation or table
// is refused, whatever the domain checked.
func TestBookingKeysRefuseDoubleBooking(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		staff := api.staff.Actor()
		third := api.third()
		r3, err := api.svc.Register(ctx, staff, f.event.ID, transfer.Registration{InstitutionID: third.ID,
			Delegates: []transfer.Delegate{{Name: "D", Languages: []string{"en"}}}})
		if err != nil {
			t.Fatal(err)
		}
		sess := f.event.Sessions[0]
		m, err := api.svc.PinMeeting(ctx, staff, f.event.ID, f.own.ID, f.other.ID, transfer.MeetingPlace{SessionID: sess.ID,
			StartsAt: fixtureSessionStart, Table: 1})
		if err != nil {
			t.Fatal(err)
		}
		mk := func(a, b string, table int) transfer.Meeting {
			if a > b {
				a, b = b, a
			}
			now := time.Now()
			return transfer.Meeting{ID: uuid.NewString(), EventID: f.event.ID, SessionID: sess.ID, Slot: 0, StartsAt: m.StartsAt, EndsAt: m.EndsAt,
				Table: table, ARegistrationID: a, BRegistrationID: b, AInstitutionID: "x", BInstitutionID: "y", Kind: "manual",
				Status: transfer.MeetingScheduled, Version: 1, CreatedAt: now, UpdatedAt: now}
		}
		// The third delegation at the same table: the table is booked.
		create := func(m transfer.Meeting) error {
			return api.store.Tx(ctx, func(st transfer.Store) error { return st.CreateMeeting(ctx, m) })
		}
		if err := create(mk(r3.ID, f.other.ID, 0)); err == nil || !isConflict(err) {
			t.Fatalf("same table: %v, want a conflict", err)
		}
		// The same delegation at another table: the delegation is booked.
		if err := create(mk(r3.ID, f.own.ID, 1)); err == nil || !isConflict(err) {
			t.Fatalf("same delegation: %v, want a conflict", err)
		}
	})
}

// TestSuggestionsKeepConfidentialListingsConfidential: the engine suggests
// the delegations whose listings fit; a pair with a confidential listing of
// another institution is shown to staff only.
func TestSuggestionsKeepConfidentialListingsConfidential(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		f := api.newEvent()
		base := "/api/v1/events/" + f.event.ID
		third := api.third()
		secret := api.makeListing(transfer.KindOffer, third.ID, "confidential", transfer.StatusPublished)
		api.do("staff", http.MethodPost, base+"/registrations", map[string]any{"institution_id": third.ID,
			"delegates": []map[string]any{{"name": "Aisyah", "languages": []string{"ms"}}}, "listing_ids": []string{secret.ID}}).want(201)
		var got struct {
			Items []struct {
				InstitutionID string  `json:"institution_id"`
				OfferID       string  `json:"offer_id"`
				Score         float64 `json:"score"`
			}
		}
		api.do("partner", http.MethodGet, base+"/registrations/"+f.own.ID+"/suggestions", nil).want(200).json(&got)
		if len(got.Items) != 1 || got.Items[0].OfferID != f.offer.ID || got.Items[0].Score < transfer.SuggestionMinScore {
			t.Fatalf("partner's suggestions %+v", got.Items)
		}
		// A confidential listing stands in no pair, for staff either: the other side would see it.
		api.do("staff", http.MethodGet, base+"/registrations/"+f.own.ID+"/suggestions", nil).want(200).json(&got)
		if len(got.Items) != 1 {
			t.Fatalf("staff's suggestions %+v", got.Items)
		}
		// The partner's view of the delegations hides the confidential listing too.
		var regs struct {
			Items []regJSON `json:"items"`
		}
		api.do("partner", http.MethodGet, base+"/registrations", nil).want(200).json(&regs)
		for _, r := range regs.Items {
			for _, id := range r.ListingIDs {
				if id == secret.ID {
					t.Fatal("a confidential listing shown to another partner")
				}
			}
		}
		// The schedule places the one shared pair only.
		var res struct{ Created int }
		api.do("staff", http.MethodPost, base+"/schedule", nil).want(200).json(&res)
		if res.Created != 1 {
			t.Fatalf("schedule placed %d suggested meetings, want 1", res.Created)
		}
	})
}

package httpapi_test

import (
	"time"

	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Event routes in the access table. Relations of an event: "open" (past
// draft, so everyone signed in sees it), "draft" (staff only) and
// "missing". Relations of a delegation, request or meeting: "own" (the
// partner's institution takes part), "other" (two other institutions),
// "missing".
func init() {
	evRels := []string{"open", "draft", "missing"}
	objRels := []string{"own", "other", "missing"}
	onEvent := func(suffix string, body func(f accessEvent) any) func(*testAPI, string) request {
		return func(api *testAPI, rel string) request {
			f := api.accessEvent(rel)
			var b any
			if body != nil {
				b = body(f)
			}
			return request{path: "/api/v1/events/" + f.id + suffix, body: b}
		}
	}
	seeAll := map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 404 404",
		"analyst": "200 404 404", "client": "200 404 404"}
	people := map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 404 404",
		"analyst": "403 404 404", "client": "200 404 404"}
	staffOnly := func(ok string) map[string]string {
		return map[string]string{"anon": "401 401 401", "admin": ok, "staff": ok, "partner": "403 404 404",
			"analyst": "403 404 404", "client": "403 404 404"}
	}

	accessTable["POST /api/v1/events"] = accessRule{rels: []string{"-"}, req: func(*testAPI, string) request {
		return request{path: "/api/v1/events", body: eventBody()}
	}, want: map[string]string{"anon": "401", "admin": "201", "staff": "201", "partner": "403", "analyst": "403", "client": "403"}}
	accessTable["GET /api/v1/events"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/events"), want: map[string]string{
		"anon": "401", "admin": "200", "staff": "200", "partner": "200", "analyst": "200", "client": "200"}}
	accessTable["GET /api/v1/events/:id"] = accessRule{rels: evRels, req: onEvent("", nil), want: seeAll}
	accessTable["PATCH /api/v1/events/:id"] = accessRule{rels: evRels,
		req: onEvent("", func(accessEvent) any { return map[string]string{"venue": "Hall B"} }), want: staffOnly("200 200 404")}
	accessTable["POST /api/v1/events/:id/registrations"] = accessRule{rels: []string{"open", "other", "draft", "missing"},
		req: func(api *testAPI, rel string) request {
			inst := api.ownInst.ID
			if rel == "other" {
				inst, rel = api.third().ID, "open"
			}
			f := api.accessEventBare(rel)
			return request{path: "/api/v1/events/" + f.id + "/registrations", body: map[string]any{"institution_id": inst,
				"delegates": []map[string]any{{"name": "Li Wei", "languages": []string{"zh", "en"}}}}}
		},
		want: map[string]string{"anon": "401 401 401 401", "admin": "201 201 201 404", "staff": "201 201 201 404",
			"partner": "201 422 404 404", "analyst": "403 403 404 404", "client": "201 422 404 404"}}
	accessTable["GET /api/v1/events/:id/registrations"] = accessRule{rels: evRels, req: onEvent("/registrations", nil), want: people}
	accessTable["GET /api/v1/events/:id/requests"] = accessRule{rels: evRels, req: onEvent("/requests", nil), want: people}
	accessTable["GET /api/v1/events/:id/meetings"] = accessRule{rels: evRels, req: onEvent("/meetings", nil), want: people}
	accessTable["GET /api/v1/events/:id/stats"] = accessRule{rels: evRels, req: onEvent("/stats", nil), want: map[string]string{
		"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "403 404 404", "analyst": "200 404 404",
		"client": "403 404 404"}}
	accessTable["POST /api/v1/events/:id/schedule"] = accessRule{rels: evRels, req: onEvent("/schedule", nil),
		want: staffOnly("200 409 404")} // a draft is not scheduled
	accessTable["POST /api/v1/events/:id/meetings"] = accessRule{rels: evRels, req: onEvent("/meetings", func(f accessEvent) any {
		return map[string]any{"a_registration_id": f.own, "b_registration_id": f.other, "session_id": f.session,
			"starts_at": fixtureSessionStart.Add(fixtureSlotStep), "table": 2}
	}), want: staffOnly("201 409 404")}

	// Objects of an open event.
	onObject := func(path func(f accessEvent, rel string) string, body func(f accessEvent, rel string) any) func(*testAPI, string) request {
		return func(api *testAPI, rel string) request {
			f := api.accessEvent("open")
			var b any
			if body != nil {
				b = body(f, rel)
			}
			return request{path: "/api/v1/events/" + f.id + path(f, rel), body: b}
		}
	}
	pick := func(f accessEvent, rel string, own, other string) string {
		return map[string]string{"own": own, "other": other, "missing": uuid.NewString()}[rel]
	}
	accessTable["POST /api/v1/events/:id/registrations/:registration_id/withdraw"] = accessRule{rels: objRels,
		req: onObject(func(f accessEvent, rel string) string {
			return "/registrations/" + pick(f, rel, f.own, f.other) + "/withdraw"
		}, nil),
		want: map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 403 404",
			"analyst": "403 403 404", "client": "200 403 404"}}
	accessTable["PATCH /api/v1/events/:id/registrations/:registration_id"] = accessRule{rels: objRels,
		req: onObject(func(f accessEvent, rel string) string { return "/registrations/" + pick(f, rel, f.own, f.other) },
			func(accessEvent, string) any { return map[string]int{"max_meetings": 6} }),
		want: map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 403 404",
			"analyst": "403 403 404", "client": "200 403 404"}}
	accessTable["GET /api/v1/events/:id/registrations/:registration_id/agenda"] = accessRule{rels: objRels,
		req: onObject(func(f accessEvent, rel string) string {
			return "/registrations/" + pick(f, rel, f.own, f.other) + "/agenda"
		}, nil),
		want: map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 404 404",
			"analyst": "403 403 403", "client": "200 404 404"}}
	accessTable["GET /api/v1/events/:id/registrations/:registration_id/suggestions"] = accessRule{rels: objRels,
		req: onObject(func(f accessEvent, rel string) string {
			return "/registrations/" + pick(f, rel, f.own, f.other) + "/suggestions"
		}, nil),
		want: map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 404 404",
			"analyst": "403 403 403", "client": "200 404 404"}}
	accessTable["GET /api/v1/events/:id/registrations/:registration_id"] = accessRule{rels: objRels,
		req: onObject(func(f accessEvent, rel string) string { return "/registrations/" + pick(f, rel, f.own, f.other) }, nil),
		want: map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 200 404",
			"analyst": "403 403 403", "client": "200 200 404"}}
	accessTable["GET /api/v1/events/:id/requests/:request_id"] = accessRule{rels: objRels,
		req: onObject(func(f accessEvent, rel string) string {
			return "/requests/" + pick(f, rel, f.requestToOwn, f.requestOther)
		}, nil),
		want: map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 404 404",
			"analyst": "403 403 403", "client": "200 404 404"}}
	accessTable["POST /api/v1/events/:id/requests"] = accessRule{rels: objRels,
		req: onObject(func(accessEvent, string) string { return "/requests" }, func(f accessEvent, rel string) any {
			from, to := f.own, f.other
			switch rel {
			case "other":
				from, to = f.third, f.other
			case "missing":
				to = uuid.NewString()
			}
			return map[string]string{"from_registration_id": from, "to_registration_id": to}
		}),
		want: map[string]string{"anon": "401 401 401", "admin": "201 201 422", "staff": "201 201 422", "partner": "201 422 422",
			"analyst": "403 403 403", "client": "201 422 422"}}
	for _, answer := range []string{"accept", "decline"} {
		accessTable["POST /api/v1/events/:id/requests/:request_id/"+answer] = accessRule{rels: objRels,
			req: onObject(func(f accessEvent, rel string) string {
				return "/requests/" + pick(f, rel, f.requestToOwn, f.requestOther) + "/" + answer
			}, nil),
			want: map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 404 404",
				"analyst": "403 403 403", "client": "200 404 404"}}
	}
	accessTable["GET /api/v1/events/:id/meetings/:meeting_id"] = accessRule{rels: objRels,
		req: onObject(func(f accessEvent, rel string) string {
			return "/meetings/" + pick(f, rel, f.meetingOwn, f.meetingOther)
		}, nil),
		want: map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 404 404",
			"analyst": "404 404 404", "client": "200 404 404"}}
	accessTable["PATCH /api/v1/events/:id/meetings/:meeting_id"] = accessRule{rels: objRels,
		req: onObject(func(f accessEvent, rel string) string {
			return "/meetings/" + pick(f, rel, f.meetingOwn, f.meetingOther)
		},
			func(accessEvent, string) any { return map[string]bool{"pinned": false} }),
		want: map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "403 403 403",
			"analyst": "403 403 403", "client": "403 403 403"}}
	accessTable["POST /api/v1/events/:id/meetings/:meeting_id/outcome"] = accessRule{rels: objRels,
		req: onObject(func(f accessEvent, rel string) string {
			return "/meetings/" + pick(f, rel, f.meetingOwn, f.meetingOther) + "/outcome"
		}, func(f accessEvent, rel string) any {
			side := f.own
			if rel == "other" {
				side = f.other
			}
			return map[string]string{"outcome": "follow_up", "registration_id": side}
		}),
		want: map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 404 404",
			"analyst": "403 403 403", "client": "200 404 404"}}
}

// accessEvent is a fresh event with three delegations (the partner's, the
// other institution's and a third's), a request to the partner's and one
// between the two others, and a meeting of each pair.
type accessEvent struct {
	id, session                string
	own, other, third          string
	requestToOwn, requestOther string
	meetingOwn, meetingOther   string
}

// accessEventBare is a fresh event in the relation, with no delegations.
func (api *testAPI) accessEventBare(rel string) accessEvent {
	api.t.Helper()
	if rel == "missing" {
		return accessEvent{id: uuid.NewString()}
	}
	b := eventBody()
	e := transfer.Event{Name: b["name"].(string), TimeZone: "Asia/Shanghai", StartsOn: "2027-03-10", EndsOn: "2027-03-11",
		Status: transfer.EventOpen, Sessions: []transfer.Session{{Sector: "modern_agriculture", StartsAt: fixtureSessionStart,
			EndsAt: fixtureSessionStart.Add(150 * time.Minute), SlotMinutes: 20, BreakMinutes: 5, Tables: 2}}}
	if rel == "draft" {
		e.Status = transfer.EventDraft
	}
	e, err := api.svc.CreateEvent(ctx, api.staff.Actor(), e)
	if err != nil {
		api.t.Fatal(err)
	}
	return accessEvent{id: e.ID, session: e.Sessions[0].ID}
}

func (api *testAPI) accessEvent(rel string) accessEvent {
	api.t.Helper()
	f := api.accessEventBare(rel)
	if rel == "missing" {
		return f
	}
	staff := api.staff.Actor()
	reg := func(inst string) string {
		r, err := api.svc.Register(ctx, staff, f.id, transfer.Registration{InstitutionID: inst,
			Delegates: []transfer.Delegate{{Name: "Delegate", Languages: []string{"en"}}}})
		if err != nil {
			api.t.Fatal(err)
		}
		return r.ID
	}
	f.own, f.other, f.third = reg(api.ownInst.ID), reg(api.otherInst.ID), reg(api.third().ID)
	if rel != "open" {
		return f
	}
	ask := func(from, to string) string {
		r, err := api.svc.RequestMeeting(ctx, staff, f.id, transfer.MeetingRequest{FromRegistrationID: from, ToRegistrationID: to})
		if err != nil {
			api.t.Fatal(err)
		}
		return r.ID
	}
	f.requestToOwn, f.requestOther = ask(f.other, f.own), ask(f.other, f.third)
	pin := func(a, b string, table int) string {
		m, err := api.svc.PinMeeting(ctx, staff, f.id, a, b, transfer.MeetingPlace{SessionID: f.session, StartsAt: fixtureSessionStart, Table: table})
		if err != nil {
			api.t.Fatal(err)
		}
		return m.ID
	}
	f.meetingOwn = pin(f.own, f.third, 1)
	f.meetingOther = pin(f.other, api.extraReg(f.id), 2)
	return f
}

// extraReg registers one more institution.
func (api *testAPI) extraReg(eventID string) string {
	api.t.Helper()
	r, err := api.svc.Register(ctx, api.staff.Actor(), eventID, transfer.Registration{InstitutionID: api.third().ID,
		Delegates: []transfer.Delegate{{Name: "Delegate", Languages: []string{"en"}}}})
	if err != nil {
		api.t.Fatal(err)
	}
	return r.ID
}

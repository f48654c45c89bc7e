package httpapi_test

import (
	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Saved searches, notifications and e-mail settings in the access table.
// Relations: "own" (a search the partner saved, a notification to the
// partner), "other" (another institution's client's search, a notification
// to someone else), "missing".
func init() {
	rels := []string{"own", "other", "missing"}
	signedIn := func(ok string) map[string]string {
		return map[string]string{"anon": "401", "admin": ok, "staff": ok, "partner": ok, "analyst": ok, "client": ok}
	}
	onSearch := func(body any) func(*testAPI, string) request {
		return func(api *testAPI, rel string) request {
			return request{path: "/api/v1/saved-searches/" + api.savedSearchFor(rel), body: body}
		}
	}
	// Staff see and change all; the partner its own; its institution's
	// client sees the partner's search but may not change it.
	bySearch := func(ok string, clientOwn string) map[string]string {
		return map[string]string{"anon": "401 401 401", "admin": ok + " " + ok + " 404", "staff": ok + " " + ok + " 404",
			"partner": ok + " 404 404", "analyst": "404 404 404", "client": clientOwn + " 404 404"}
	}
	accessTable["POST /api/v1/saved-searches"] = accessRule{rels: []string{"-"}, want: signedIn("201"),
		req: func(api *testAPI, _ string) request {
			return request{path: "/api/v1/saved-searches", body: map[string]any{"name": "Solar", "type": "search", "kind": "offer", "q": "solar"}}
		}}
	accessTable["GET /api/v1/saved-searches"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/saved-searches"), want: signedIn("200")}
	accessTable["GET /api/v1/saved-searches/:id"] = accessRule{rels: rels, req: onSearch(nil), want: bySearch("200", "200")}
	accessTable["PATCH /api/v1/saved-searches/:id"] = accessRule{rels: rels, req: onSearch(map[string]any{"name": "Renamed"}),
		want: bySearch("200", "403")}
	accessTable["DELETE /api/v1/saved-searches/:id"] = accessRule{rels: rels, req: onSearch(nil), want: bySearch("204", "403")}

	accessTable["GET /api/v1/notifications"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/notifications"), want: signedIn("200")}
	accessTable["GET /api/v1/notifications/unread-count"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/notifications/unread-count"),
		want: signedIn("200")}
	accessTable["POST /api/v1/notifications/read-all"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/notifications/read-all"),
		want: signedIn("200")}
	// A notification is its recipient's alone: staff do not read others'.
	accessTable["POST /api/v1/notifications/:id/read"] = accessRule{rels: rels,
		req: func(api *testAPI, rel string) request {
			return request{path: "/api/v1/notifications/" + api.notificationFor(rel) + "/read"}
		}, want: map[string]string{"anon": "401 401 401", "admin": "404 404 404", "staff": "404 404 404",
			"partner": "200 404 404", "analyst": "404 404 404", "client": "404 404 404"}}

	people := map[string]string{"anon": "401", "admin": "200", "staff": "200", "partner": "200", "analyst": "200", "client": "403"}
	accessTable["GET /api/v1/me/notification-settings"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/me/notification-settings"),
		want: people}
	accessTable["PATCH /api/v1/me/notification-settings"] = accessRule{rels: []string{"-"}, want: people,
		req: func(*testAPI, string) request {
			return request{path: "/api/v1/me/notification-settings", body: map[string]any{"email_mode": "instant"}}
		}}
	// One-click unsubscribe needs no login: the signed token is the authority.
	accessTable["POST /api/v1/unsubscribe"] = public(204, func(api *testAPI, _ string) request {
		return request{path: "/api/v1/unsubscribe?token=" + api.svc.UnsubscribeToken(api.partner.ID)}
	})
	accessTable["GET /api/v1/unsubscribe"] = public(200, func(api *testAPI, _ string) request {
		return request{path: "/api/v1/unsubscribe?token=" + api.svc.UnsubscribeToken(api.partner.ID)}
	})
	accessTable["GET /api/v1/mail/deliveries"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/mail/deliveries"),
		want: map[string]string{"anon": "401", "admin": "200", "staff": "200", "partner": "403", "analyst": "403", "client": "403"}}
}

// savedSearchFor saves a fresh search in the relation to the partner.
func (api *testAPI) savedSearchFor(rel string) string {
	api.t.Helper()
	owner := api.partner.Actor()
	switch rel {
	case "missing":
		return uuid.NewString()
	case "other":
		owner = api.otherClient.Actor()
	}
	ss, err := api.svc.CreateSavedSearch(ctx, owner, transfer.SavedSearchInput{Name: "Cassava", Type: "search",
		Kind: transfer.KindOffer, Q: "cassava"})
	if err != nil {
		api.t.Fatal(err)
	}
	return ss.ID
}

// notificationFor raises a notification to the partner ("own") or to the
// other institution's machine client ("other") and returns its id.
func (api *testAPI) notificationFor(rel string) string {
	api.t.Helper()
	if rel == "missing" {
		return uuid.NewString()
	}
	to := api.partner.ID
	if rel == "other" {
		to = api.otherClient.ID
	}
	if err := api.svc.Notify(ctx, transfer.NotifyInput{RecipientID: to, Type: "test", Title: "hello"}); err != nil {
		api.t.Fatal(err)
	}
	p, err := api.svc.Notifications(ctx, transfer.Actor{ID: to, Kind: transfer.ActorUser, Role: transfer.RoleAnalyst},
		transfer.NotificationFilter{}, transfer.PageRequest{Limit: 1})
	if err != nil || len(p.Items) == 0 {
		api.t.Fatalf("notification for %s: %v", rel, err)
	}
	return p.Items[0].ID
}

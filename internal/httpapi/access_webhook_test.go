package httpapi_test

import (
	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Webhook routes in the access table. Relations: "own" (an endpoint of the
// partner's institution), "other" (another institution's), "missing".
func init() {
	rels := []string{"own", "other", "missing"}
	staffOwnOnly := func(ok string) map[string]string {
		return map[string]string{"anon": "401 401 401", "admin": ok + " " + ok + " 404", "staff": ok + " " + ok + " 404",
			"partner": ok + " 404 404", "analyst": "404 404 404", "client": ok + " 404 404"}
	}
	onEndpoint := func(suffix string, body any) func(*testAPI, string) request {
		return func(api *testAPI, rel string) request {
			return request{path: "/api/v1/webhooks/" + api.endpointFor(rel) + suffix, body: body}
		}
	}
	accessTable["POST /api/v1/webhooks"] = accessRule{rels: []string{"-"}, want: map[string]string{
		"anon": "401", "admin": "201", "staff": "201", "partner": "201", "analyst": "403", "client": "201"},
		req: func(api *testAPI, _ string) request {
			return request{path: "/api/v1/webhooks", body: map[string]any{"institution_id": api.ownInst.ID,
				"url": "https://receiver.example/hook", "events": []string{"listing.published"}}}
		}}
	accessTable["GET /api/v1/webhooks"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/webhooks"), want: map[string]string{
		"anon": "401", "admin": "200", "staff": "200", "partner": "200", "analyst": "403", "client": "200"}}
	accessTable["GET /api/v1/webhooks/:id"] = accessRule{rels: rels, req: onEndpoint("", nil), want: staffOwnOnly("200")}
	accessTable["PATCH /api/v1/webhooks/:id"] = accessRule{rels: rels, req: onEndpoint("", map[string]any{"paused": true}), want: staffOwnOnly("200")}
	accessTable["DELETE /api/v1/webhooks/:id"] = accessRule{rels: rels, req: onEndpoint("", nil), want: staffOwnOnly("204")}
	accessTable["POST /api/v1/webhooks/:id/rotate-secret"] = accessRule{rels: rels, req: onEndpoint("/rotate-secret", nil), want: staffOwnOnly("200")}
	accessTable["POST /api/v1/webhooks/:id/test"] = accessRule{rels: rels, req: onEndpoint("/test", nil), want: staffOwnOnly("202")}
	accessTable["GET /api/v1/webhooks/:id/deliveries"] = accessRule{rels: rels, req: onEndpoint("/deliveries", nil), want: staffOwnOnly("200")}
	accessTable["POST /api/v1/webhooks/:id/deliveries/:delivery_id/redeliver"] = accessRule{rels: rels,
		req: func(api *testAPI, rel string) request {
			id := api.endpointFor(rel)
			delivery := uuid.NewString()
			if rel != "missing" {
				d, err := api.svc.TestEndpoint(ctx, api.staff.Actor(), id)
				if err != nil {
					api.t.Fatal(err)
				}
				delivery = d.ID
			}
			return request{path: "/api/v1/webhooks/" + id + "/deliveries/" + delivery + "/redeliver"}
		}, want: staffOwnOnly("202")}
}

// endpointFor registers a fresh endpoint in the relation to the partner.
func (api *testAPI) endpointFor(rel string) string {
	api.t.Helper()
	if rel == "missing" {
		return uuid.NewString()
	}
	inst := api.ownInst.ID
	if rel == "other" {
		inst = api.otherInst.ID
	}
	e, err := api.svc.CreateEndpoint(ctx, api.staff.Actor(), transfer.Endpoint{InstitutionID: inst,
		URL: "https://receiver.example/hook", Events: []string{"listing.published"}})
	if err != nil {
		api.t.Fatal(err)
	}
	return e.ID
}

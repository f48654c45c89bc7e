package httpapi_test

import (
	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Matching routes in the access table. For suggestions the relation is the
// asking listing's (as for listings). For match records: "own" is a match the
// partner's institution is a party to, "other" one between two other
// institutions, "confidential" a pair whose offer is another institution's
// confidential listing, "missing" an id that does not exist.
func init() {
	for _, kind := range []transfer.Kind{transfer.KindOffer, transfer.KindDemand} {
		base := "/api/v1/" + string(kind) + "s"
		accessTable["GET "+base+"/:id/matches"] = accessRule{rels: []string{"own", "other", "confidential", "missing"},
			req: func(api *testAPI, rel string) request {
				return request{path: base + "/" + api.listingFor(kind, rel, transfer.StatusPublished) + "/matches"}
			},
			want: map[string]string{"anon": "401 401 401 401", "admin": "200 200 200 404", "staff": "200 200 200 404",
				"partner": "200 403 404 404", "analyst": "403 403 404 404", "client": "200 403 404 404"}}
	}
	accessTable["POST /api/v1/matches"] = accessRule{rels: []string{"own", "other", "confidential", "missing"},
		req: func(api *testAPI, rel string) request {
			var d, o string
			switch rel {
			case "own":
				d = api.makeListing(transfer.KindDemand, api.ownInst.ID, "public", transfer.StatusPublished).ID
				o = api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusPublished).ID
			case "other":
				d = api.makeListing(transfer.KindDemand, api.otherInst.ID, "public", transfer.StatusPublished).ID
				o = api.makeListing(transfer.KindOffer, api.third().ID, "public", transfer.StatusPublished).ID
			case "confidential":
				d = api.makeListing(transfer.KindDemand, api.ownInst.ID, "public", transfer.StatusPublished).ID
				o = api.makeListing(transfer.KindOffer, api.otherInst.ID, "confidential", transfer.StatusPublished).ID
			default:
				d, o = uuid.NewString(), uuid.NewString()
			}
			return request{path: "/api/v1/matches", body: map[string]string{"demand_id": d, "offer_id": o}}
		},
		want: map[string]string{"anon": "401 401 401 401", "admin": "201 201 201 422", "staff": "201 201 201 422",
			"partner": "201 403 422 422", "analyst": "403 403 403 403", "client": "201 403 422 422"}}
	accessTable["GET /api/v1/matches"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/matches"), want: map[string]string{
		"anon": "401", "admin": "200", "staff": "200", "partner": "200", "analyst": "403", "client": "200"}}
	onMatch := func(suffix string, body any) func(*testAPI, string) request {
		return func(api *testAPI, rel string) request {
			return request{path: "/api/v1/matches/" + api.matchFor(rel) + suffix, body: body}
		}
	}
	recordRels := []string{"own", "other", "missing"}
	accessTable["GET /api/v1/matches/:id"] = accessRule{rels: recordRels, req: onMatch("", nil), want: map[string]string{
		"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 404 404",
		"analyst": "403 403 403", "client": "200 404 404"}}
	accessTable["PATCH /api/v1/matches/:id"] = accessRule{rels: recordRels, req: onMatch("", map[string]string{"status": "introduced"}),
		want: map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "403 404 404",
			"analyst": "403 403 403", "client": "403 404 404"}}
	accessTable["POST /api/v1/matches/:id/interest"] = accessRule{rels: recordRels,
		req: onMatch("/interest", map[string]any{"interested": true, "side": "offer"}),
		want: map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 404 404",
			"analyst": "403 403 403", "client": "200 404 404"}}
	accessTable["GET /api/v1/matches/:id/history"] = accessRule{rels: recordRels, req: onMatch("/history", nil),
		want: map[string]string{"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 404 404",
			"analyst": "403 403 403", "client": "200 404 404"}}
}

// third is an institution neither the partner's nor the other one.
func (api *testAPI) third() transfer.Institution {
	api.t.Helper()
	in, err := api.svc.CreateInstitution(ctx, api.staff.Actor(), transfer.Institution{Name: "Universiti Teknologi", Country: "MY", Type: "university"})
	if err != nil {
		api.t.Fatal(err)
	}
	return in
}

// matchFor records a fresh match in the relation to the partner.
func (api *testAPI) matchFor(rel string) string {
	api.t.Helper()
	if rel == "missing" {
		return uuid.NewString()
	}
	demandInst, offerInst := api.ownInst.ID, api.otherInst.ID
	if rel == "other" {
		demandInst, offerInst = api.otherInst.ID, api.third().ID
	}
	d := api.makeListing(transfer.KindDemand, demandInst, "public", transfer.StatusPublished)
	o := api.makeListing(transfer.KindOffer, offerInst, "public", transfer.StatusPublished)
	m, err := api.svc.CreateMatch(ctx, api.staff.Actor(), d.ID, o.ID)
	if err != nil {
		api.t.Fatal(err)
	}
	return m.ID
}

package httpapi_test

import (
	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Agreement and statistics routes in the access table. Relations: "own" (an
// agreement the partner's institution is party to), "other" (a confirmed,
// public agreement between two other institutions), "confidential" (the same,
// confidential), "missing".
func init() {
	agreementRels := []string{"own", "other", "confidential", "missing"}
	accessTable["POST /api/v1/agreements"] = accessRule{rels: []string{"own", "other"},
		req: func(api *testAPI, rel string) request {
			a, b := api.ownInst.ID, api.otherInst.ID
			if rel == "other" {
				a, b = api.otherInst.ID, api.third().ID
			}
			return request{path: "/api/v1/agreements", body: agreementBody(a, b)}
		},
		want: map[string]string{"anon": "401 401", "admin": "201 201", "staff": "201 201", "partner": "201 422",
			"analyst": "403 403", "client": "201 422"}}
	accessTable["GET /api/v1/agreements"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/agreements"), want: map[string]string{
		"anon": "401", "admin": "200", "staff": "200", "partner": "200", "analyst": "200", "client": "200"}}
	onAgreement := func(suffix string, body any, headers ...string) func(*testAPI, string) request {
		return func(api *testAPI, rel string) request {
			return request{path: "/api/v1/agreements/" + api.agreementFor(rel) + suffix, body: body, headers: headers}
		}
	}
	accessTable["GET /api/v1/agreements/:id"] = accessRule{rels: agreementRels, req: onAgreement("", nil),
		want: map[string]string{"anon": "401 401 401 401", "admin": "200 200 200 404", "staff": "200 200 200 404",
			"partner": "200 200 404 404", "analyst": "200 200 404 404", "client": "200 200 404 404"}}
	accessTable["PATCH /api/v1/agreements/:id"] = accessRule{rels: agreementRels,
		req: onAgreement("", map[string]string{"title": "Corrected title"}, "If-Match", `"1"`),
		want: map[string]string{"anon": "401 401 401 401", "admin": "200 200 200 404", "staff": "200 200 200 404",
			"partner": "403 403 404 404", "analyst": "403 403 404 404", "client": "403 403 404 404"}}
	accessTable["GET /api/v1/agreements/:id/history"] = accessRule{rels: agreementRels, req: onAgreement("/history", nil),
		want: map[string]string{"anon": "401 401 401 401", "admin": "200 200 200 404", "staff": "200 200 200 404",
			"partner": "200 403 404 404", "analyst": "403 403 404 404", "client": "200 403 404 404"}}
	statsRule := map[string]string{"anon": "401", "admin": "200", "staff": "200", "partner": "403", "analyst": "200", "client": "403"}
	accessTable["GET /api/v1/stats/agreements"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/stats/agreements?group_by=sector"), want: statsRule}
	accessTable["GET /api/v1/stats/overview"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/stats/overview"), want: statsRule}
}

// agreementBody is a valid signed agreement between two institutions.
func agreementBody(provider, recipient string) map[string]any {
	return map[string]any{"title": "Licence of solar pump controllers", "type": "licensing", "status": "signed",
		"sector": "new_energy", "subsector": "solar_pv", "signed_on": "2026-09-18", "value_amount": 250000, "currency": "USD",
		"parties": []map[string]string{{"institution_id": provider, "role": "provider"}, {"institution_id": recipient, "role": "recipient"}}}
}

// agreementFor records a fresh confirmed agreement in the relation to the partner.
func (api *testAPI) agreementFor(rel string) string {
	api.t.Helper()
	if rel == "missing" {
		return uuid.NewString()
	}
	a, b := api.ownInst.ID, api.otherInst.ID
	if rel != "own" {
		a, b = api.otherInst.ID, api.third().ID
	}
	amount := int64(1000)
	g, err := api.svc.CreateAgreement(ctx, api.staff.Actor(), transfer.Agreement{Title: "Joint lab on cassava processing",
		Type: "joint_lab", Status: "signed", Sector: "modern_agriculture", SignedOn: "2026-05-04", ValueAmount: &amount,
		Currency: "THB", Confidential: rel == "confidential",
		Parties: []transfer.Party{{InstitutionID: a, Role: "partner"}, {InstitutionID: b, Role: "partner"}}})
	if err != nil {
		api.t.Fatal(err)
	}
	return g.ID
}

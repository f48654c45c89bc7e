package httpapi_test

import (
	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Listing routes in the access table, the same rules for offers and demands.
// Relations: "own" (a listing of the partner's institution, in the status the
// move needs), "other" (another institution's published public listing),
// "confidential" (another institution's published confidential listing),
// "missing". Each cell gets fresh listings, so no cell sees another's writes.
func init() {
	accessTable["GET /api/v1/vocabulary"] = public(200, fixed("/api/v1/vocabulary"))
	listingRels := []string{"own", "other", "confidential", "missing"}
	for _, kind := range []transfer.Kind{transfer.KindOffer, transfer.KindDemand} {
		base := "/api/v1/" + string(kind) + "s"
		onListing := func(ownStatus transfer.Status, suffix string, body any) func(*testAPI, string) request {
			return func(api *testAPI, rel string) request {
				return request{path: base + "/" + api.listingFor(kind, rel, ownStatus) + suffix, body: body}
			}
		}
		accessTable["POST "+base] = accessRule{rels: []string{"-"}, want: map[string]string{
			"anon": "401", "admin": "201", "staff": "201", "partner": "201", "analyst": "403", "client": "201"},
			req: func(api *testAPI, _ string) request {
				return request{path: base, body: listingBody(kind, api.ownInst.ID)}
			}}
		accessTable["GET "+base] = accessRule{rels: []string{"-"}, req: fixed(base), want: map[string]string{
			"anon": "401", "admin": "200", "staff": "200", "partner": "200", "analyst": "200", "client": "200"}}
		accessTable["POST "+base+"/import"] = accessRule{rels: []string{"-"}, want: map[string]string{
			"anon": "401", "admin": "200", "staff": "200", "partner": "403", "analyst": "403", "client": "403"},
			req: func(api *testAPI, _ string) request {
				return request{path: base + "/import", body: []any{listingBody(kind, api.ownInst.ID)}}
			}}
		accessTable["GET "+base+"/:id"] = accessRule{rels: listingRels, req: onListing(transfer.StatusDraft, "", nil),
			want: map[string]string{"anon": "401 401 401 401", "admin": "200 200 200 404", "staff": "200 200 200 404",
				"partner": "200 200 404 404", "analyst": "404 200 404 404", "client": "200 200 404 404"}}
		accessTable["PATCH "+base+"/:id"] = accessRule{rels: listingRels,
			req: onListing(transfer.StatusDraft, "", map[string]any{"summary": "changed"}),
			want: map[string]string{"anon": "401 401 401 401", "admin": "200 200 200 404", "staff": "200 200 200 404",
				"partner": "200 403 404 404", "analyst": "404 403 404 404", "client": "200 403 404 404"}}
		accessTable["POST "+base+"/:id/submit"] = accessRule{rels: listingRels, req: onListing(transfer.StatusDraft, "/submit", nil),
			want: map[string]string{"anon": "401 401 401 401", "admin": "200 409 409 404", "staff": "200 409 409 404",
				"partner": "200 403 404 404", "analyst": "404 403 404 404", "client": "200 403 404 404"}}
		accessTable["POST "+base+"/:id/publish"] = accessRule{rels: listingRels, req: onListing(transfer.StatusPending, "/publish", nil),
			want: map[string]string{"anon": "401 401 401 401", "admin": "200 409 409 404", "staff": "200 409 409 404",
				"partner": "403 403 404 404", "analyst": "404 403 404 404", "client": "403 403 404 404"}}
		accessTable["POST "+base+"/:id/reject"] = accessRule{rels: listingRels,
			req: onListing(transfer.StatusPending, "/reject", map[string]string{"reason": "incomplete"}),
			want: map[string]string{"anon": "401 401 401 401", "admin": "200 409 409 404", "staff": "200 409 409 404",
				"partner": "403 403 404 404", "analyst": "404 403 404 404", "client": "403 403 404 404"}}
		accessTable["POST "+base+"/:id/withdraw"] = accessRule{rels: listingRels, req: onListing(transfer.StatusPublished, "/withdraw", nil),
			want: map[string]string{"anon": "401 401 401 401", "admin": "200 200 200 404", "staff": "200 200 200 404",
				"partner": "200 403 404 404", "analyst": "403 403 404 404", "client": "200 403 404 404"}}
		accessTable["GET "+base+"/:id/history"] = accessRule{rels: listingRels, req: onListing(transfer.StatusDraft, "/history", nil),
			want: map[string]string{"anon": "401 401 401 401", "admin": "200 200 200 404", "staff": "200 200 200 404",
				"partner": "403 403 404 404", "analyst": "404 403 404 404", "client": "403 403 404 404"}}
	}
}

// listingBody is a valid create body of the kind for an institution.
func listingBody(kind transfer.Kind, institutionID string) map[string]any {
	b := map[string]any{"institution_id": institutionID, "title": "Solar water pumps for smallholder irrigation",
		"summary": "Off-grid pumping with brushless DC motors", "language": "en", "sector": "new_energy",
		"subsector": "solar_pv", "keywords": []string{"solar pump", "irrigation"}, "transfer_modes": []string{"licensing"}}
	if kind == transfer.KindOffer {
		b["trl"], b["ip_status"] = 7, "patent_granted"
	} else {
		b["min_trl"] = 6
	}
	return b
}

// listingFor makes a fresh listing in the relation to the partner: its own in
// ownStatus, another institution's published (public or confidential), or
// returns an id that does not exist.
func (api *testAPI) listingFor(kind transfer.Kind, rel string, ownStatus transfer.Status) string {
	api.t.Helper()
	switch rel {
	case "own":
		return api.makeListing(kind, api.ownInst.ID, "public", ownStatus).ID
	case "other":
		return api.makeListing(kind, api.otherInst.ID, "public", transfer.StatusPublished).ID
	case "confidential":
		return api.makeListing(kind, api.otherInst.ID, "confidential", transfer.StatusPublished).ID
	}
	return uuid.NewString()
}

// makeListing creates a listing through the service and moves it to status.
func (api *testAPI) makeListing(kind transfer.Kind, institutionID, visibility string, status transfer.Status) transfer.Listing {
	api.t.Helper()
	staff := api.staff.Actor()
	in := transfer.ListingInput{Listing: transfer.Listing{InstitutionID: institutionID, Title: "Heat-pump dryer for cassava chips",
		Summary: "Cuts drying energy by half", Language: "en", Sector: "modern_agriculture", Subsector: "agri_processing",
		Visibility: visibility, TransferModes: []string{"technical_service"}}}
	if kind == transfer.KindOffer {
		in.Listing.TRL, in.Listing.IPStatus = 8, "know_how"
	}
	l, err := api.svc.CreateListing(ctx, staff, kind, in)
	if err != nil {
		api.t.Fatal(err)
	}
	moves := map[transfer.Status][]transfer.Move{transfer.StatusPending: {transfer.MoveSubmit},
		transfer.StatusPublished: {transfer.MoveSubmit, transfer.MovePublish},
		transfer.StatusRejected:  {transfer.MoveSubmit, transfer.MoveReject}, transfer.StatusWithdrawn: {transfer.MoveWithdraw}}[status]
	for _, m := range moves {
		if l, err = api.svc.MoveListing(ctx, staff, kind, l.ID, m, 0, "fixture"); err != nil {
			api.t.Fatal(err)
		}
	}
	return l
}

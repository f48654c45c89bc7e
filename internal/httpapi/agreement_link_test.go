package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Issue 12, item 8: a partner's proposal accepted a confidential, draft or
// rejected listing, one of a non-party and a demand id as offer_id, and a
// missing id answered differently from a hidden one.
func TestAgreementsLinkOnlyWhatTheProposerMaySeeAndWhatFits(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		third := api.third()
		propose := func(as string, edit func(map[string]any)) response {
			body := agreementBody(api.ownInst.ID, api.otherInst.ID)
			edit(body)
			return api.do(as, http.MethodPost, "/api/v1/agreements", body)
		}
		refused := func(as, field string, id string) string {
			t.Helper()
			p := propose(as, func(b map[string]any) { b[field] = id }).want(422).problem()
			if len(p.Errors) != 1 || p.Errors[0].Field != field {
				t.Fatalf("%s=%s: errors %+v", field, id, p.Errors)
			}
			return p.Errors[0].Message
		}
		missing := refused("partner", "offer_id", uuid.NewString())
		for name, id := range map[string]string{
			"another institution's confidential offer": api.makeListing(transfer.KindOffer, api.otherInst.ID, "confidential", transfer.StatusPublished).ID,
			"another institution's draft offer":        api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusDraft).ID,
			"another institution's rejected offer":     api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusRejected).ID,
			"a demand id":                              api.makeListing(transfer.KindDemand, api.otherInst.ID, "public", transfer.StatusPublished).ID,
		} {
			if got := refused("partner", "offer_id", id); got != missing {
				t.Errorf("%s answers %q, a missing id %q: an existence oracle", name, got, missing)
			}
		}
		// Listings the caller sees but that do not fit.
		refused("partner", "offer_id", api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusDraft).ID)
		refused("staff", "offer_id", api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusRejected).ID)
		refused("partner", "offer_id", api.makeListing(transfer.KindOffer, third.ID, "public", transfer.StatusPublished).ID)
		refused("partner", "demand_id", api.makeListing(transfer.KindDemand, third.ID, "public", transfer.StatusPublished).ID)
		// What fits is accepted.
		propose("partner", func(b map[string]any) {
			b["offer_id"] = api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusPublished).ID
			b["demand_id"] = api.makeListing(transfer.KindDemand, api.ownInst.ID, "confidential", transfer.StatusPending).ID
		}).want(201)
	})
}

// One match gets one agreement: a second doubled the statistics.
func TestOneAgreementPerMatch(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		m := api.matchFor("own")
		body := agreementBody(api.ownInst.ID, api.otherInst.ID)
		body["match_id"] = m
		api.do("staff", http.MethodPost, "/api/v1/agreements", body).want(201)
		p := api.do("partner", http.MethodPost, "/api/v1/agreements", body).want(409).problem()
		if p.Detail == "" {
			t.Fatal("409 without detail")
		}
		api.do("staff", http.MethodPost, "/api/v1/agreements", body).want(409)
		var list struct {
			Total int `json:"total"`
		}
		api.do("staff", http.MethodGet, "/api/v1/agreements?match_id="+m, nil).want(200).json(&list)
		if list.Total != 1 {
			t.Fatalf("%d agreements for one match", list.Total)
		}
	})
}

// signed_on must be a plausible date, and a planned agreement is not signed.
func TestAgreementSigningDates(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		for _, c := range []struct {
			status, signedOn string
			want             int
		}{
			{"signed", "0001-01-01", 422},
			{"signed", "1949-12-31", 422},
			{"signed", "2999-01-01", 422},
			{"planned", "2026-09-18", 422},
			{"planned", "", 201},
			{"signed", "1950-01-01", 201},
		} {
			body := agreementBody(api.ownInst.ID, api.otherInst.ID)
			body["status"], body["signed_on"] = c.status, c.signedOn
			r := api.do("staff", http.MethodPost, "/api/v1/agreements", body).want(c.want)
			if c.want == 422 {
				if p := r.problem(); len(p.Errors) != 1 || p.Errors[0].Field != "signed_on" {
					t.Fatalf("%+v: errors %+v", c, p.Errors)
				}
			}
		}
		// A planned agreement cannot gain a date while it stays planned.
		body := agreementBody(api.ownInst.ID, api.otherInst.ID)
		body["status"], body["signed_on"] = "planned", ""
		var g struct {
			ID string `json:"id"`
		}
		r := api.do("staff", http.MethodPost, "/api/v1/agreements", body).want(201)
		r.json(&g)
		api.do("staff", http.MethodPatch, "/api/v1/agreements/"+g.ID, map[string]any{"signed_on": "2026-09-18"},
			"If-Match", r.Header().Get("ETag")).want(422)
	})
}

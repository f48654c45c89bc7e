package httpapi_test

import (
	"encoding/csv"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/transfer"
)

type agreementJSON struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Confirmed bool   `json:"confirmed"`
	Version   int    `json:"version"`
	Parties   []struct {
		InstitutionID string `json:"institution_id"`
		Country       string `json:"country"`
	} `json:"parties"`
}

func TestAgreementRules(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		p := api.do("staff", http.MethodPost, "/api/v1/agreements", map[string]any{"title": "", "type": "gift", "status": "signed",
			"sector": "new_energy", "value_amount": 5, "parties": []map[string]string{{"institution_id": api.ownInst.ID, "role": "provider"},
				{"institution_id": api.ownInst.ID, "role": "boss"}}}).want(422).problem()
		want := []string{"title", "type", "parties[1].institution_id", "parties[1].role", "value_amount", "signed_on"}
		if !reflect.DeepEqual(p.fields(), want) {
			t.Fatalf("fields %v, want %v", p.fields(), want)
		}
		var g agreementJSON
		r := api.do("staff", http.MethodPost, "/api/v1/agreements", agreementBody(api.ownInst.ID, api.otherInst.ID)).want(201)
		r.json(&g)
		if r.Header().Get("ETag") != `"1"` || !g.Confirmed || g.Parties[0].Country != "CN" || g.Parties[1].Country != "TH" {
			t.Fatalf("created %+v", g)
		}
		path := "/api/v1/agreements/" + g.ID
		api.do("staff", http.MethodPatch, path, map[string]string{"status": "in_execution"}).want(428).problem()
		api.do("staff", http.MethodPatch, path, map[string]string{"status": "in_execution"}, "If-Match", `"7"`).want(412)
		api.do("staff", http.MethodPatch, path, map[string]string{"status": "in_execution"}, "If-Match", `"1"`).want(200)
		p = api.do("staff", http.MethodPatch, path, map[string]string{"status": "planned"}, "If-Match", `"2"`).want(422).problem()
		if p.fields()[0] != "status" {
			t.Fatalf("backwards move %+v", p)
		}
		api.do("staff", http.MethodPatch, path, map[string]string{"status": "terminated"}, "If-Match", `"2"`).want(422)
		api.do("staff", http.MethodPatch, path, map[string]string{"status": "terminated", "termination_reason": "funding cut"}, "If-Match", `"2"`).want(200)
		api.do("staff", http.MethodDelete, path, nil).want(405).problem()
		var h struct {
			Items []struct {
				Action string `json:"action"`
			} `json:"items"`
		}
		api.do("partner", http.MethodGet, path+"/history", nil).want(200).json(&h)
		if len(h.Items) != 3 {
			t.Fatalf("history %+v", h)
		}
	})
}

func TestAgreementFromAMatchAndProposals(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		m := api.matchFor("own")
		body := agreementBody(api.otherInst.ID, api.ownInst.ID)
		body["match_id"] = m
		// A partner's proposal does not move the match yet.
		var g agreementJSON
		api.do("partner", http.MethodPost, "/api/v1/agreements", body).want(201).json(&g)
		var mm matchBody
		api.do("staff", http.MethodGet, "/api/v1/matches/"+m, nil).want(200).json(&mm)
		if g.Confirmed || mm.Status != "suggested" {
			t.Fatalf("proposal %+v moved the match to %s", g, mm.Status)
		}
		// Analysts see confirmed agreements only.
		api.do("analyst", http.MethodGet, "/api/v1/agreements/"+g.ID, nil).want(404)
		// Staff confirm it: the match agrees in the same transaction.
		api.do("staff", http.MethodPatch, "/api/v1/agreements/"+g.ID, map[string]any{"confirmed": true}, "If-Match", `"1"`).want(200)
		api.do("staff", http.MethodGet, "/api/v1/matches/"+m, nil).want(200).json(&mm)
		if mm.Status != "agreed" {
			t.Fatalf("match is %s after the agreement was confirmed", mm.Status)
		}
		api.do("analyst", http.MethodGet, "/api/v1/agreements/"+g.ID, nil).want(200)
		// The parties must be the match's institutions.
		m2 := api.matchFor("own")
		wrong := agreementBody(api.otherInst.ID, api.third().ID)
		wrong["match_id"] = m2
		p := api.do("staff", http.MethodPost, "/api/v1/agreements", wrong).want(422).problem()
		if p.fields()[0] != "parties" {
			t.Fatalf("%+v", p)
		}
	})
}

func TestStatisticsCSVIsSafe(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		bad, err := api.svc.CreateInstitution(ctx, api.staff.Actor(), transfer.Institution{Name: "x", Country: "VN", Type: "enterprise"})
		if err != nil {
			t.Fatal(err)
		}
		body := agreementBody(api.ownInst.ID, bad.ID)
		body["title"] = "=HYPERLINK(\"http://evil\")"
		api.do("staff", http.MethodPost, "/api/v1/agreements", body).want(201)
		body = agreementBody(api.ownInst.ID, api.otherInst.ID)
		delete(body, "value_amount")
		delete(body, "currency")
		api.do("staff", http.MethodPost, "/api/v1/agreements", body).want(201)
		r := api.do("staff", http.MethodGet, "/api/v1/stats/agreements?group_by=country,type&format=csv", nil).want(200)
		if !strings.HasPrefix(r.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("content type %q", r.Header().Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(r.Body.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != "country,type,currency,count,value" || len(rows) != 5 {
			t.Fatalf("csv %q", rows)
		}
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
					t.Fatalf("cell %q could run as a formula", cell)
				}
			}
		}
		var js struct {
			Rows  []map[string]any `json:"rows"`
			Total struct {
				Count int `json:"count"`
			} `json:"total"`
		}
		api.do("staff", http.MethodGet, "/api/v1/stats/agreements?group_by=corridor", nil, "Accept", "application/json").want(200).json(&js)
		if js.Total.Count != 2 || len(js.Rows) != 2 {
			t.Fatalf("corridor stats %+v", js)
		}
		p := api.do("analyst", http.MethodGet, "/api/v1/stats/agreements?group_by=planet&from=2026-13-01", nil).want(422).problem()
		if strings.Join(p.fields(), ",") != "group_by,from" {
			t.Fatalf("fields %v", p.fields())
		}
		var ov struct {
			Funnel struct {
				Agreements int `json:"agreements"`
			} `json:"funnel"`
			Institutions []map[string]any `json:"institutions"`
		}
		r = api.do("analyst", http.MethodGet, "/api/v1/stats/overview", nil).want(200)
		r.json(&ov)
		if ov.Funnel.Agreements != 2 || len(ov.Institutions) == 0 || strings.Contains(r.Body.String(), "@") {
			t.Fatalf("overview %s", r.Body.String())
		}
	})
}

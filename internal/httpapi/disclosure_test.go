package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

type statsAnswer struct {
	Rows  []map[string]any `json:"rows"`
	Total struct {
		Count           *int64           `json:"count"`
		ValueByCurrency map[string]int64 `json:"value_by_currency"`
		Suppressed      bool             `json:"suppressed"`
	} `json:"total"`
}

// recordAgreements records n confirmed agreements signed on day, between the
// partner's institution and the other one.
func (api *testAPI) recordAgreements(n int, day string, confidential bool, amount int64) {
	api.t.Helper()
	for range n {
		if _, err := api.svc.CreateAgreement(ctx, api.staff.Actor(), transfer.Agreement{Title: "Licence of a battery management system",
			Type: "licensing", Status: "signed", Sector: "new_energy", Subsector: "energy_storage", SignedOn: day,
			ValueAmount: &amount, Currency: "USD", Confidential: confidential,
			Parties: []transfer.Party{{InstitutionID: api.ownInst.ID, Role: "provider"}, {InstitutionID: api.otherInst.ID, Role: "recipient"}}}); err != nil {
			api.t.Fatal(err)
		}
	}
}

// Issue 12, item 9: a one-day range returned count 3 and USD 2,333,331,
// exactly three confidential agreements that the agreement list hid.
func TestStatisticsDoNotDiscloseConfidentialAgreements(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		api.recordAgreements(3, "2026-03-04", true, 777777)
		api.recordAgreements(4, "2026-03-05", false, 1000)
		api.recordAgreements(1, "2026-04-10", true, 5)

		var staff, analyst statsAnswer
		api.do("staff", http.MethodGet, "/api/v1/stats/agreements?from=2026-03-04&to=2026-03-04", nil).want(200).json(&staff)
		if staff.Total.Count == nil || *staff.Total.Count != 3 || staff.Total.ValueByCurrency["USD"] != 2333331 {
			t.Fatalf("staff see %+v", staff.Total)
		}
		// Every range an analyst may ask, however narrow, leaves the confidential ones out.
		for _, q := range []string{"from=2026-03-04&to=2026-03-04", "from=2026-03-01&to=2026-03-31", "", "group_by=month",
			"group_by=sector,corridor,year", "from=2026-03-04&to=2026-03-05&group_by=month", "group_by=country"} {
			body := api.do("analyst", http.MethodGet, "/api/v1/stats/agreements?"+q, nil).want(200).Body.String()
			if strings.Contains(body, "777777") || strings.Contains(body, "2333331") ||
				strings.Contains(body, `"count":7`) || strings.Contains(body, `"count":8`) || strings.Contains(body, `"count":3`) {
				t.Fatalf("%s discloses confidential agreements: %s", q, body)
			}
		}
		api.do("analyst", http.MethodGet, "/api/v1/stats/agreements?group_by=month", nil).want(200).json(&analyst)
		if len(analyst.Rows) != 1 || analyst.Rows[0]["month"] != "2026-03" || analyst.Rows[0]["count"] != float64(4) ||
			*analyst.Total.Count != 4 || analyst.Total.ValueByCurrency["USD"] != 4000 {
			t.Fatalf("analyst see %+v", analyst)
		}
		// The overview's agreements by year follows the same rule.
		body := api.do("analyst", http.MethodGet, "/api/v1/stats/overview", nil).want(200).Body.String()
		if strings.Contains(body, "777777") || strings.Contains(body, "2337336") || !strings.Contains(body, `"USD":4000`) {
			t.Fatalf("overview %s", body)
		}
	})
}

// Groups, and totals, of fewer than k agreements show neither count nor
// value to those who are not staff; k is configurable.
func TestSmallStatisticsGroupsAreSuppressed(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		api.recordAgreements(3, "2026-03-05", false, 1000)
		api.recordAgreements(1, "2026-05-05", false, 424242)
		var a statsAnswer
		api.do("analyst", http.MethodGet, "/api/v1/stats/agreements?group_by=month", nil).want(200).json(&a)
		if len(a.Rows) != 2 || a.Rows[0]["count"] != float64(3) || a.Rows[1]["suppressed"] != true ||
			a.Rows[1]["count"] != nil || a.Rows[1]["value_by_currency"] != nil || a.Rows[1]["month"] != "2026-05" {
			t.Fatalf("rows %+v", a.Rows)
		}
		if !a.Total.Suppressed { // else the total minus March gives May back
			t.Fatalf("total beside a blanked row %+v", a.Total)
		}
		api.do("analyst", http.MethodGet, "/api/v1/stats/agreements?from=2026-05-01", nil).want(200).json(&a)
		if !a.Total.Suppressed || a.Total.Count != nil {
			t.Fatalf("total of one agreement %+v", a.Total)
		}
		csv := api.do("analyst", http.MethodGet, "/api/v1/stats/agreements?group_by=month&format=csv", nil).want(200).Body.String()
		if strings.Contains(csv, "424242") || !strings.Contains(csv, "2026-05,,,") {
			t.Fatalf("csv %q", csv)
		}
		// Staff see everything.
		if body := api.do("staff", http.MethodGet, "/api/v1/stats/agreements?group_by=month", nil).want(200).Body.String(); !strings.Contains(body, "424242") {
			t.Fatalf("staff %s", body)
		}
	})
}

func TestStatisticsMinGroupIsConfigurable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		api := newTestAPIWith(t, s, emptyConfig, transfer.Config{StatsMinGroup: 1})
		api.recordAgreements(1, "2026-05-05", false, 424242)
		if body := api.do("analyst", http.MethodGet, "/api/v1/stats/agreements?group_by=month", nil).want(200).Body.String(); !strings.Contains(body, "424242") {
			t.Fatalf("with k=1 nothing is suppressed: %s", body)
		}
	})
}

// Issue 12, item 6: all ten dimensions gave 148,492 rows in 25.8 s. At most
// three now; queries run within a deadline and stop when the caller goes.
func TestStatisticsAreBounded(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		p := api.do("staff", http.MethodGet, "/api/v1/stats/agreements?group_by=sector,type,status,year", nil).want(422).problem()
		if len(p.Errors) != 1 || p.Errors[0].Field != "group_by" {
			t.Fatalf("problem %+v", p)
		}
		api.do("staff", http.MethodGet, "/api/v1/stats/agreements?group_by=sector,type,status", nil).want(200)

		gone, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := api.svc.AgreementStats(gone, api.staff.Actor(), transfer.StatsQuery{GroupBy: []string{"sector"}}); !errors.Is(err, context.Canceled) {
			t.Fatalf("statistics for a caller that left: %v", err)
		}
	})
}

func TestStatisticsStopAtTheirDeadline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		api := newTestAPIWith(t, s, emptyConfig, transfer.Config{StatsTimeout: 1})
		r := api.do("staff", http.MethodGet, "/api/v1/stats/agreements?group_by=sector", nil).want(503)
		if r.Header().Get("Retry-After") == "" {
			t.Fatal("503 without Retry-After")
		}
	})
}

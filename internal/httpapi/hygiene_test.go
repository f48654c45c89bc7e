package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/transfer"
)

func TestValidationListsEveryBadFieldByJSONName(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		p := api.do("staff", http.MethodPost, "/api/v1/institutions", map[string]any{
			"name": "", "country": "XX", "type": "bank", "sectors": []string{"new_energy", "mining", "new_energy"},
			"website": "javascript:alert(1)", "contact_email": "not-an-email", "description": strings.Repeat("x", 5001),
		}).want(422).problem()
		want := []string{"name", "description", "country", "type", "sectors[1]", "sectors[2]", "website", "contact_email"}
		if !reflect.DeepEqual(p.fields(), want) {
			t.Fatalf("fields %v, want %v", p.fields(), want)
		}
		// Unknown and read-only fields are refused, all of them at once, and nothing is created.
		p = api.do("staff", http.MethodPost, "/api/v1/institutions", map[string]any{
			"name": "X", "country": "CN", "type": "university", "id": "x", "version": 7, "created_at": "2020-01-01T00:00:00Z",
		}).want(422).problem()
		if !reflect.DeepEqual(p.fields(), []string{"created_at", "id", "version"}) {
			t.Fatalf("fields %v", p.fields())
		}
		// A wrong JSON type names its field.
		p = api.do("staff", http.MethodPost, "/api/v1/institutions", `{"name": 5, "country": "CN", "type": "university"}`).want(422).problem()
		if !reflect.DeepEqual(p.fields(), []string{"name"}) {
			t.Fatalf("type error fields %v", p.fields())
		}
		var list struct{ Total int }
		api.do("staff", http.MethodGet, "/api/v1/institutions", nil).want(200).json(&list)
		if list.Total != 2 {
			t.Fatalf("bad requests created institutions: total %d", list.Total)
		}
	})
}

func TestMalformedRequestsGetClientErrors(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		post := func(body string, headers ...string) response {
			return api.do("staff", http.MethodPost, "/api/v1/institutions", body, headers...)
		}
		post(`{"name": "x",`).want(400).problem()
		post(``).want(400).problem()
		post(`[1,2]`).want(400).problem()
		post(`{"name":"a","country":"CN","type":"university"} {"again":1}`).want(400).problem()
		post(`{"name":"a"}`, "Content-Type", "text/plain").want(415).problem()
		post(`{"name":"` + strings.Repeat("a", 2<<20) + `"}`).want(413).problem()
		api.do("staff", http.MethodGet, "/api/v1/nothing-here", nil).want(404).problem()
		r := api.do("staff", http.MethodDelete, "/api/v1/institutions", nil).want(405)
		r.problem()
		if allow := r.Header().Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
			t.Fatalf("Allow %q", allow)
		}
		api.do("staff", http.MethodGet, "/api/v1/institutions/not-a-uuid", nil).want(404).problem()
	})
}

func TestRequestIDIsEchoedAndSecurityHeadersSet(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		r := api.do("staff", http.MethodGet, "/api/v1/institutions/"+api.ownInst.ID+"x", nil, "X-Request-ID", "trace-42")
		if got := r.Header().Get("X-Request-ID"); got != "trace-42" {
			t.Fatalf("X-Request-ID %q", got)
		}
		if p := r.want(404).problem(); p.RequestID != "trace-42" {
			t.Fatalf("problem request_id %q", p.RequestID)
		}
		// A request id that could forge log lines is replaced.
		r = api.do("staff", http.MethodGet, "/healthz", nil, "X-Request-ID", "x\"\n{evil}")
		if got := r.Header().Get("X-Request-ID"); got == "" || strings.ContainsAny(got, "\"\n{") {
			t.Fatalf("unsafe request id kept: %q", got)
		}
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'", "Cache-Control": "no-store",
			"Referrer-Policy": "no-referrer"} {
			if got := r.Header().Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		if r.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Error("CORS answered without configured origins")
		}
	})
}

func TestCORSOnlyForConfiguredOrigins(t *testing.T) {
	eachWith(t, httpapi.Config{CORSOrigins: []string{"https://app.example.org"}}, func(t *testing.T, api *testAPI) {
		r := api.do("", http.MethodOptions, "/api/v1/institutions", nil, "Origin", "https://app.example.org",
			"Access-Control-Request-Method", "PATCH", "Access-Control-Request-Headers", "If-Match")
		if r.Code != 204 || r.Header().Get("Access-Control-Allow-Origin") != "https://app.example.org" {
			t.Fatalf("preflight from allowed origin: %d %v", r.Code, r.Header())
		}
		r = api.do("", http.MethodOptions, "/api/v1/institutions", nil, "Origin", "https://evil.example",
			"Access-Control-Request-Method", "GET")
		if r.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("foreign origin allowed: %v", r.Header())
		}
	})
}

func TestMetricsUseRouteTemplates(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		api.do("staff", http.MethodGet, "/api/v1/institutions/"+api.ownInst.ID, nil).want(200)
		body := api.do("", http.MethodGet, "/metrics", nil).want(200).Body.String()
		if !strings.Contains(body, `techbridge_http_requests_total{method="GET",route="/api/v1/institutions/:id",status="200"} 1`) {
			t.Fatalf("no templated route label in metrics:\n%s", body)
		}
		if strings.Contains(body, api.ownInst.ID) {
			t.Fatal("metrics carry raw ids")
		}
	})
}

func TestUnreachableDatabaseIs503WithRetryAfter(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		api.store.Close()
		for _, path := range []string{"/readyz", "/api/v1/institutions", "/api/v1/me"} {
			r := api.do("staff", http.MethodGet, path, nil).want(503)
			p := r.problem()
			if r.Header().Get("Retry-After") == "" {
				t.Errorf("%s: no Retry-After", path)
			}
			if strings.Contains(p.Detail, "sql") || strings.Contains(p.Detail, "closed") {
				t.Errorf("%s: detail leaks the cause: %q", path, p.Detail)
			}
		}
		api.do("", http.MethodGet, "/healthz", nil).want(200)
	})
}

func TestPanicsBecome500WithoutDetail(t *testing.T) {
	tokens, _ := auth.NewTokens(testSecret, time.Minute, nil)
	// A server without a service panics on the first use case.
	srv := httpapi.NewServer(nil, tokens, httpapi.Config{})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	r := response{rec, t}.want(500)
	if p := r.problem(); strings.Contains(p.Detail, "nil") || p.RequestID == "" {
		t.Fatalf("500 problem %+v", p)
	}
}

// A query string Go cannot decode is refused with the parameter named, not
// read without the pair it dropped: "q=solar%zz" must not list everything.
func TestMalformedQueryStringIsRefused(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusPublished)
		for _, q := range []string{"q=solar%zz", "q=solar%2", "sector=new_energy%zz&q=solar", "limit=1;q=solar"} {
			p := api.do("staff", http.MethodGet, "/api/v1/offers?"+q, nil).want(422).problem()
			if fs := p.fields(); len(fs) == 0 || (fs[0] != "q" && fs[0] != "sector" && fs[0] != "limit") {
				t.Fatalf("%s: %+v", q, p)
			}
		}
		api.do("staff", http.MethodGet, "/api/v1/offers?q=solar%20storage", nil).want(200)
	})
}

// A UUID in a path is the same id in upper case: a client that prints
// UUIDs upper-case (Swift) reads the same listing.
func TestUpperCaseIDsInPathsAreTheSameIDs(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		l := api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusPublished)
		var got struct {
			ID string `json:"id"`
		}
		api.do("partner", http.MethodGet, "/api/v1/offers/"+strings.ToUpper(l.ID), nil).want(200).json(&got)
		if got.ID != l.ID {
			t.Fatalf("id %q, want %q", got.ID, l.ID)
		}
		api.do("staff", http.MethodGet, "/api/v1/institutions/"+strings.ToUpper(api.ownInst.ID), nil).want(200)
		api.do("staff", http.MethodGet, "/api/v1/offers/"+strings.ToUpper(l.ID)+"X", nil).want(404)
		// An escape that needs none is the character itself (RFC 3986 6.2.2.2):
		// Echo hands such a parameter over undecoded.
		escaped := strings.ReplaceAll(strings.ToUpper(l.ID), "-", "%2D")
		got.ID = ""
		api.do("partner", http.MethodGet, "/api/v1/offers/"+escaped, nil).want(200).json(&got)
		if got.ID != l.ID {
			t.Fatalf("id %q, want %q", got.ID, l.ID)
		}
		api.do("partner", http.MethodGet, "/api/v1/offers/"+escaped+"/matches", nil).want(200)
		unknown := "01a20a9f%2D0000-7000-8000-000000000000"
		if p := api.do("staff", http.MethodGet, "/api/v1/offers/"+unknown, nil).want(404).problem(); strings.Contains(p.Detail, "%") {
			t.Errorf("the 404 names the id undecoded: %q", p.Detail)
		}
		// Decoded once, not twice: %2541 is the text %41.
		if p := api.do("staff", http.MethodGet, "/api/v1/offers/%2541", nil).want(404).problem(); !strings.Contains(p.Detail, "%41") {
			t.Errorf("%%2541 read as %q", p.Detail)
		}
		if p := api.do("staff", http.MethodGet, "/api/v1/offers/%2D%2541", nil).want(404).problem(); !strings.Contains(p.Detail, "-%41") {
			t.Errorf("%%2D%%2541 read as %q", p.Detail)
		}
		// Decoded, a parameter is checked as text like any other.
		for _, bad := range []string{"%2D%00", "%2D%FF"} {
			api.do("staff", http.MethodGet, "/api/v1/offers/"+bad, nil).want(422)
		}
	})
}

// Ids in bodies and query strings are the same ids in upper case, on both
// databases (Postgres compared them in any case and SQLite did not, so the
// same request was 201 on one and 422 on the other).
func TestUpperCaseIDsInBodiesAndQueriesAreTheSameIDs(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		d := api.makeListing(transfer.KindDemand, api.ownInst.ID, "public", transfer.StatusPublished)
		o := api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusPublished)
		var m struct {
			DemandID string `json:"demand_id"`
			OfferID  string `json:"offer_id"`
		}
		api.do("partner", http.MethodPost, "/api/v1/matches",
			map[string]string{"demand_id": strings.ToUpper(d.ID), "offer_id": strings.ToUpper(o.ID)}).want(201).json(&m)
		if m.DemandID != d.ID || m.OfferID != o.ID {
			t.Fatalf("match of %s and %s, want %s and %s", m.DemandID, m.OfferID, d.ID, o.ID)
		}
		api.do("partner", http.MethodPost, "/api/v1/matches", map[string]string{"demand_id": d.ID, "offer_id": o.ID}).want(409)
		var lower, upper struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		api.do("staff", http.MethodGet, "/api/v1/offers?institution_id="+api.otherInst.ID, nil).want(200).json(&lower)
		api.do("staff", http.MethodGet, "/api/v1/offers?institution_id="+strings.ToUpper(api.otherInst.ID), nil).want(200).json(&upper)
		if len(lower.Items) == 0 || len(upper.Items) != len(lower.Items) {
			t.Fatalf("institution_id upper-case: %d offers, lower-case: %d", len(upper.Items), len(lower.Items))
		}
		var hooks struct {
			Total int `json:"total"`
		}
		api.do("staff", http.MethodPost, "/api/v1/webhooks", map[string]any{"institution_id": api.ownInst.ID,
			"url": "https://receiver.example/hook", "events": []string{"listing.published"}}).want(201)
		api.do("staff", http.MethodGet, "/api/v1/webhooks?institution_id="+strings.ToUpper(api.ownInst.ID), nil).want(200).json(&hooks)
		if hooks.Total != 1 {
			t.Fatalf("webhooks of the upper-case institution id: %d, want 1", hooks.Total)
		}
		// An import's rows are bodies too.
		var imported struct {
			Results []struct {
				ID string `json:"id"`
			} `json:"results"`
		}
		api.do("staff", http.MethodPost, "/api/v1/offers/import",
			[]any{listingBody(transfer.KindOffer, strings.ToUpper(api.ownInst.ID))}).want(200).json(&imported)
		if len(imported.Results) != 1 || imported.Results[0].ID == "" {
			t.Fatalf("import with an upper-case institution id: %+v", imported)
		}
		var got struct {
			InstitutionID string `json:"institution_id"`
		}
		api.do("staff", http.MethodGet, "/api/v1/offers/"+imported.Results[0].ID, nil).want(200).json(&got)
		if got.InstitutionID != api.ownInst.ID {
			t.Fatalf("imported offer of %q, want %q", got.InstitutionID, api.ownInst.ID)
		}
	})
}

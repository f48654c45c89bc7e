package httpapi_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/transfer"
)

// TestStringsThatAreNotTextAreRefused: U+0000, invalid UTF-8 and lone
// surrogate escapes in any request string (JSON bodies at any depth, query
// parameters, path ids, import rows and CSV cells) answer 422 naming the
// field on both databases; nothing is stored, neither as sent nor as U+FFFD.
func TestStringsThatAreNotTextAreRefused(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		wantField := func(r response, field string) {
			t.Helper()
			p := r.want(http.StatusUnprocessableEntity).problem()
			if !slices.Contains(p.fields(), field) {
				t.Fatalf("fields %v, want %s; %s", p.fields(), field, r.Body.String())
			}
		}
		total := func(path string) int64 {
			t.Helper()
			var l struct {
				Total int64 `json:"total"`
			}
			api.do("staff", http.MethodGet, path, nil).want(200).json(&l)
			return l.Total
		}
		institutions := total("/api/v1/institutions")
		for name, body := range map[string]string{
			"escaped NUL":    `{"name":"Guangxi\u0000Labs","country":"CN","type":"university"}`,
			"invalid UTF-8":  "{\"name\":\"Guangxi \xff\xfe Labs\",\"country\":\"CN\",\"type\":\"university\"}",
			"lone surrogate": `{"name":"Guangxi \ud800 Labs","country":"CN","type":"university"}`,
			"cut surrogate":  `{"name":"Guangxi \ud83d\u0041 Labs","country":"CN","type":"university"}`,
		} {
			t.Run(name, func(t *testing.T) {
				wantField(api.do("staff", http.MethodPost, "/api/v1/institutions", body), "name")
			})
		}
		// A legitimate escaped backslash before "u0000" and a real surrogate pair are text.
		api.do("staff", http.MethodPost, "/api/v1/institutions",
			`{"name":"Lab \\u0000 \ud83d\ude00","country":"CN","type":"university"}`).want(201)
		if got := total("/api/v1/institutions"); got != institutions+1 {
			t.Fatalf("institutions %d, want %d: a refused body was stored", got, institutions+1)
		}

		// Nested: a party's role, a keyword.
		g := agreementBody(api.ownInst.ID, api.otherInst.ID)
		g["parties"] = []map[string]string{{"institution_id": api.ownInst.ID, "role": "provider"},
			{"institution_id": api.otherInst.ID, "role": "recip\x00ient"}}
		wantField(api.do("staff", http.MethodPost, "/api/v1/agreements", g), "parties[1].role")
		o := listingBody(transfer.KindOffer, api.ownInst.ID)
		o["keywords"] = []string{"solar", "pu\x00mp"}
		wantField(api.do("partner", http.MethodPost, "/api/v1/offers", o), "keywords[1]")

		// PATCH changes nothing.
		own := api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusDraft)
		wantField(api.do("partner", http.MethodPatch, "/api/v1/offers/"+own.ID, "{\"title\":\"Solar \xc3\x28 pumps\"}"), "title")
		var got struct {
			Title   string `json:"title"`
			Version int    `json:"version"`
		}
		api.do("partner", http.MethodGet, "/api/v1/offers/"+own.ID, nil).want(200).json(&got)
		if got.Title != own.Title || got.Version != own.Version {
			t.Fatalf("after a refused PATCH: %+v", got)
		}

		// Query parameters and path ids: on PostgreSQL these were 500s.
		for path, field := range map[string]string{
			"/api/v1/offers?q=solar%00pump":           "q",
			"/api/v1/offers?q=%FF%FE":                 "q",
			"/api/v1/demands?q=%00":                   "q",
			"/api/v1/institutions?q=%00":              "q",
			"/api/v1/agreements?sector=%00":           "sector",
			"/api/v1/offers?sort=%C3%28":              "sort",
			"/api/v1/offers/%00":                      "id",
			"/api/v1/offers/" + own.ID + "%00":        "id",
			"/api/v1/agreements/%FF":                  "id",
			"/api/v1/stats/agreements?group_by=%00":   "group_by",
			"/api/v1/demands/" + own.ID + "%00/match": "id",
		} {
			r := api.do("staff", http.MethodGet, path, nil)
			if path == "/api/v1/demands/"+own.ID+"%00/match" {
				r.want(http.StatusNotFound) // no such route: the router answers first
				continue
			}
			wantField(r, field)
		}

		// Imports: a JSON row or a CSV cell is refused by its field, the other rows still count.
		offers := total("/api/v1/offers")
		good := listingBody(transfer.KindOffer, api.ownInst.ID)
		bad := listingBody(transfer.KindOffer, api.ownInst.ID)
		bad["summary"] = "half\x00way"
		raw, _ := json.Marshal([]any{good, bad})
		var res struct {
			Created int `json:"created"`
			Results []struct {
				Errors []transfer.FieldError `json:"errors"`
			} `json:"results"`
		}
		api.do("staff", http.MethodPost, "/api/v1/offers/import", string(raw)).want(200).json(&res)
		if res.Created != 1 || len(res.Results) != 2 || len(res.Results[1].Errors) != 1 || res.Results[1].Errors[0].Field != "summary" {
			t.Fatalf("JSON import: %+v", res)
		}
		csvBody := "institution_id,title,summary,language,sector,subsector,trl,ip_status,transfer_modes\n" +
			api.ownInst.ID + ",Solar pumps,Off-grid \xff pumping,en,new_energy,solar_pv,7,know_how,licensing\n" +
			api.ownInst.ID + ",Solar\x00pumps,Off-grid pumping,en,new_energy,solar_pv,7,know_how,licensing\n"
		r := api.do("staff", http.MethodPost, "/api/v1/offers/import", csvBody, "Content-Type", "text/csv")
		r.want(200).json(&res)
		if res.Created != 0 || len(res.Results) != 2 || res.Results[0].Errors[0].Field != "summary" || res.Results[1].Errors[0].Field != "title" {
			t.Fatalf("CSV import: %s", r.Body.String())
		}
		wantField(api.do("staff", http.MethodPost, "/api/v1/offers/import?atomic=true", csvBody, "Content-Type", "text/csv"), "rows[1].summary")
		if got := total("/api/v1/offers"); got != offers+1 {
			t.Fatalf("offers %d, want %d", got, offers+1)
		}
	})
}

// TestForgedCursorsAre400: a cursor is opaque, but a client can forge one;
// an id that is no UUID or a value that is not text answers 400 on both
// databases (on PostgreSQL it reached the query: 22P02, a 500).
func TestForgedCursorsAre400(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		for range 2 {
			api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusDraft)
		}
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		api.do("staff", http.MethodGet, "/api/v1/offers?limit=1", nil).want(200).json(&page)
		raw, err := base64.RawURLEncoding.DecodeString(page.NextCursor)
		if err != nil {
			t.Fatal(err)
		}
		var c map[string]string
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		forge := func(change func(map[string]string)) string {
			m := map[string]string{}
			for k, v := range c {
				m[k] = v
			}
			change(m)
			b, _ := json.Marshal(m)
			return base64.RawURLEncoding.EncodeToString(b)
		}
		for name, cur := range map[string]string{
			"id not a UUID":  forge(func(m map[string]string) { m["id"] = "1 OR 1=1" }),
			"id with NUL":    forge(func(m map[string]string) { m["id"] = strings.Repeat("0", 35) + "\x00" }),
			"value with NUL": forge(func(m map[string]string) { m["v"] = "2026\x00" }),
			"not base64":     "!!!",
			"not JSON":       base64.RawURLEncoding.EncodeToString([]byte("{")),
		} {
			for _, list := range []string{"/api/v1/offers", "/api/v1/agreements", "/api/v1/users", "/api/v1/institutions"} {
				as := "staff"
				if list == "/api/v1/users" {
					as = "admin"
				}
				r := api.do(as, http.MethodGet, list+"?cursor="+cur, nil)
				if r.Code != http.StatusBadRequest {
					t.Errorf("%s, %s: %d %s", name, list, r.Code, r.Body.String())
				}
			}
		}
		api.do("staff", http.MethodGet, "/api/v1/offers?limit=1&cursor="+page.NextCursor, nil).want(200)
		// A sort by a timestamp reads the cursor's value as one.
		api.do("staff", http.MethodGet, "/api/v1/offers?limit=1&sort=updated_at", nil).want(200).json(&page)
		raw, _ = base64.RawURLEncoding.DecodeString(page.NextCursor)
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"yesterday", "2026-13-45T99:00:00Z", ""} {
			cur := forge(func(m map[string]string) { m["v"] = v })
			if r := api.do("staff", http.MethodGet, "/api/v1/offers?sort=updated_at&cursor="+cur, nil); r.Code != http.StatusBadRequest {
				t.Errorf("updated_at cursor with value %q: %d %s", v, r.Code, r.Body.String())
			}
		}
	})
}

// TestPatchThatChangesNothingKeepsTheVersion: PATCH {} (or a field set to
// the value it has) writes nothing: same version, same ETag, no audit event.
func TestPatchThatChangesNothingKeepsTheVersion(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		offer := api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusDraft)
		agreement := api.agreementFor("own")
		for _, c := range []struct {
			as, path string
			same     map[string]any
		}{
			{"partner", "/api/v1/offers/" + offer.ID, map[string]any{"title": offer.Title}},
			{"partner", "/api/v1/institutions/" + api.ownInst.ID, map[string]any{"name": api.ownInst.Name}},
			{"admin", "/api/v1/users/" + api.partner.ID, map[string]any{"disabled": false}},
			{"partner", "/api/v1/webhooks/" + api.endpointFor("own"), map[string]any{"events": []string{"listing.published"}}},
			{"staff", "/api/v1/agreements/" + agreement, map[string]any{"title": "Joint lab on cassava processing"}},
		} {
			var before struct {
				Version int `json:"version"`
			}
			r := api.do(c.as, http.MethodGet, c.path, nil).want(200)
			r.json(&before)
			tag := r.Header().Get("ETag")
			for _, body := range []any{"{}", c.same} {
				r := api.do(c.as, http.MethodPatch, c.path, body, "If-Match", tag).want(200)
				if got := r.Header().Get("ETag"); got != tag {
					t.Errorf("PATCH %s %v: ETag %s, was %s", c.path, body, got, tag)
				}
			}
			var after struct {
				Version int `json:"version"`
			}
			api.do(c.as, http.MethodGet, c.path, nil).want(200).json(&after)
			if after.Version != before.Version {
				t.Errorf("%s: version %d after PATCHes that change nothing, was %d", c.path, after.Version, before.Version)
			}
		}
		var h struct {
			Items []json.RawMessage `json:"items"`
		}
		api.do("staff", http.MethodGet, "/api/v1/offers/"+offer.ID+"/history", nil).want(200).json(&h)
		if len(h.Items) != 1 {
			t.Errorf("offer history has %d events after PATCHes that change nothing, want 1 (created)", len(h.Items))
		}
		// A real change still counts.
		api.do("partner", http.MethodPatch, "/api/v1/offers/"+offer.ID, map[string]any{"title": "Solar dryer"}).want(200)
		var o struct {
			Version int `json:"version"`
		}
		api.do("partner", http.MethodGet, "/api/v1/offers/"+offer.ID, nil).want(200).json(&o)
		if o.Version != offer.Version+1 {
			t.Errorf("a real change: version %d, want %d", o.Version, offer.Version+1)
		}
	})
}

// TestLimitOutsideOneToMaxIsRefused: limit=0 is refused like -5, naming
// limit, on lists and on match suggestions; absent or empty is the default.
func TestLimitOutsideOneToMaxIsRefused(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		d := api.makeListing(transfer.KindDemand, api.ownInst.ID, "public", transfer.StatusPublished)
		for _, base := range []string{"/api/v1/offers", "/api/v1/users", "/api/v1/demands/" + d.ID + "/matches"} {
			// A number past 64 bits is not an integer a validating client or proxy reads either.
			for _, v := range []string{"0", "-5", "7.5", "1e30", "ten", "00", "-99999999999999999999", "99999999999999999999"} {
				p := api.do("admin", http.MethodGet, base+"?limit="+v, nil).want(http.StatusUnprocessableEntity).problem()
				if !slices.Contains(p.fields(), "limit") {
					t.Errorf("%s?limit=%s: fields %v", base, v, p.fields())
				}
				for _, e := range p.Errors {
					if e.Field == "limit" && e.Message != "must be a whole number of 1 or more, within 64 bits (above 100 reads as 100)" {
						t.Errorf("%s?limit=%s: message %q", base, v, e.Message)
					}
				}
			}
			for _, q := range []string{"", "?limit=", "?limit=1", "?limit=1000", "?limit=9223372036854775807"} {
				api.do("admin", http.MethodGet, base+q, nil).want(200)
			}
		}
		// The lists whose limit is a range say so.
		for _, v := range []string{"1.5", "0", "101"} {
			p := api.do("admin", http.MethodGet, "/api/v1/notifications?limit="+v, nil).want(http.StatusUnprocessableEntity).problem()
			if len(p.Errors) != 1 || p.Errors[0].Field != "limit" || p.Errors[0].Message != "must be a whole number from 1 to 100" {
				t.Errorf("notifications?limit=%s: %+v", v, p.Errors)
			}
		}
	})
}

// TestSmallHardeningItems: format=xml, HEAD probes, message grammar and the
// messages for numbers that are not whole or too large.
func TestSmallHardeningItems(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		// A format the endpoint cannot produce is refused, not answered as JSON.
		t.Run("format", func(t *testing.T) {
			defer api.in(t)()
			for _, f := range []string{"xml", "CSV", "html"} {
				p := api.do("staff", http.MethodGet, "/api/v1/stats/agreements?format="+f, nil).want(http.StatusNotAcceptable).problem()
				if !slices.Contains(p.fields(), "format") {
					t.Errorf("format=%s: fields %v", f, p.fields())
				}
			}
			if r := api.do("staff", http.MethodGet, "/api/v1/stats/agreements?format=csv", nil).want(200); !strings.HasPrefix(r.Header().Get("Content-Type"), "text/csv") {
				t.Errorf("format=csv: %s", r.Header().Get("Content-Type"))
			}
			api.do("staff", http.MethodGet, "/api/v1/stats/agreements?format=json", nil).want(200)
		})

		// Load balancers probe with HEAD.
		t.Run("HEAD", func(t *testing.T) {
			defer api.in(t)()
			for _, path := range []string{"/healthz", "/readyz"} {
				api.do("", http.MethodHead, path, nil).want(200)
			}
		})

		// "an introduced match", not "a introduced match".
		t.Run("grammar", func(t *testing.T) {
			defer api.in(t)()
			m := api.matchFor("own")
			api.do("staff", http.MethodPatch, "/api/v1/matches/"+m, map[string]any{"status": "introduced"}).want(200)
			p := api.do("staff", http.MethodPatch, "/api/v1/matches/"+m, map[string]any{"status": "suggested"}).want(409).problem()
			if p.Detail != "an introduced match cannot become suggested" {
				t.Errorf("detail %q", p.Detail)
			}
		})

		// Numbers: the message says what is wrong with the number.
		t.Run("numbers", func(t *testing.T) {
			defer api.in(t)()
			for body, want := range map[string]transfer.FieldError{
				`"trl":7.5`:                  {Field: "trl", Message: "must be a whole number"},
				`"trl":1e30`:                 {Field: "trl", Message: "is out of range"},
				`"trl":99999999999999999999`: {Field: "trl", Message: "is out of range"},
				`"trl":"7"`:                  {Field: "trl", Message: "must be a number"},
				`"price_min":1e400`:          {Field: "price_min", Message: "is out of range"},
			} {
				r := api.do("partner", http.MethodPost, "/api/v1/offers", `{"title":"Solar pumps",`+body+`}`)
				p := r.want(http.StatusUnprocessableEntity).problem()
				if len(p.Errors) != 1 || p.Errors[0] != want {
					t.Errorf("%s: %+v, want %+v", body, p.Errors, want)
				}
			}
		})
	})
}

// TestOperationsDocNamesTheExposedHeaders: docs/operations.md lists every
// header CORS exposes, Idempotent-Replayed included (it once said the
// opposite of what the server did).
func TestOperationsDocNamesTheExposedHeaders(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(string(doc), "\n") {
		if strings.HasPrefix(l, "- exposed headers") {
			line = l
		}
	}
	eachWith(t, httpapi.Config{CORSOrigins: []string{"https://app.example.org"}}, func(t *testing.T, api *testAPI) {
		r := api.do("", http.MethodGet, "/healthz", nil, "Origin", "https://app.example.org")
		exposed := strings.Split(r.Header().Get("Access-Control-Expose-Headers"), ",")
		if !slices.Contains(exposed, "Idempotent-Replayed") {
			t.Errorf("Idempotent-Replayed is not exposed: %v", exposed)
		}
		for _, h := range exposed {
			if h = strings.TrimSpace(h); !strings.Contains(strings.ToLower(line), strings.ToLower(h)) {
				t.Errorf("docs/operations.md does not list exposed header %s: %q", h, line)
			}
		}
		if strings.Contains(line, "not `Idempotent-Replayed`") {
			t.Errorf("docs/operations.md says Idempotent-Replayed is not exposed: %q", line)
		}
	})
}

// in makes api report to t (a subtest) until the returned func restores it.
func (api *testAPI) in(t *testing.T) func() {
	parent := api.t
	api.t = t
	return func() { api.t = parent }
}

package httpapi_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

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

package httpapi_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Found by an outside review: timestamps past year 9999 in UTC could be
// stored and then broke every read (500); year 0 in updated_since was a 500
// on Postgres; corridor before country in group_by was a 500.
func TestReviewFindingsAreClientErrors(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		offer := listingBody(transfer.KindOffer, api.ownInst.ID)
		offer["expires_at"] = "9999-12-31T23:59:59-01:00" // year 10000 in UTC
		p := api.do("partner", http.MethodPost, "/api/v1/offers", offer).want(422).problem()
		if f := p.fields(); len(f) != 1 || f[0] != "expires_at" {
			t.Fatalf("fields %v", f)
		}
		var res struct{ Created, Failed int }
		api.do("staff", http.MethodPost, "/api/v1/offers/import", []any{offer}).want(200).json(&res)
		if res.Created != 0 || res.Failed != 1 {
			t.Fatalf("import stored a year-10000 expiry: %+v", res)
		}
		api.do("partner", http.MethodGet, "/api/v1/offers?limit=100", nil).want(200)
		for _, q := range []string{"0000-01-01T00:00:00Z", "0000-12-31T23:59:59Z"} {
			api.do("partner", http.MethodGet, "/api/v1/offers?updated_since="+q, nil).want(422)
		}
		for _, g := range []string{"corridor,country", "sector,corridor,country", "country,corridor"} {
			api.do("staff", http.MethodGet, "/api/v1/stats/agreements?group_by="+g, nil).want(200)
		}
	})
}

// Found by an outside review: of twenty concurrent refreshes with one
// token, one won and another detected the reuse and revoked the family, yet
// the winner's new refresh token still worked when it was issued after the
// revocation. Using a token and issuing its successor now commit together.
func TestRefreshRaceLeavesNoLiveToken(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		for round := range 5 {
			var login struct {
				RefreshToken string `json:"refresh_token"`
			}
			api.do("", http.MethodPost, "/api/v1/auth/login", map[string]string{"email": api.partner.Email,
				"password": api.password}, "X-Forwarded-For", "").want(200).json(&login)
			var mu sync.Mutex
			var issued []string
			reuse := 0
			var wg sync.WaitGroup
			for range 20 {
				wg.Go(func() {
					r := api.do("", http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": login.RefreshToken})
					mu.Lock()
					defer mu.Unlock()
					switch r.Code {
					case http.StatusOK:
						var out struct {
							RefreshToken string `json:"refresh_token"`
						}
						r.json(&out)
						issued = append(issued, out.RefreshToken)
					case http.StatusUnauthorized:
						if strings.Contains(r.Body.String(), "already used") {
							reuse++
						}
					}
				})
			}
			wg.Wait()
			if len(issued) > 1 {
				t.Fatalf("round %d: one refresh token was used %d times", round, len(issued))
			}
			if reuse == 0 || len(issued) == 0 {
				continue // no race this round: nothing to check
			}
			api.do("", http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": issued[0]}).want(401)
		}
	})
}

// If-Match compares entity tags exactly as ETag sent them: a well-formed
// tag that no version has is 412 (it cannot match), what is not an entity
// tag is 400, and so is a list (one tag is taken).
func TestIfMatchIsExact(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		path := "/api/v1/institutions/" + api.ownInst.ID
		for _, tag := range []string{`"01"`, `"+1"`, `""`, `"x"`, `"99999999999999999999"`, `W/"1"`, `"电"`} {
			api.do("staff", http.MethodPatch, path, map[string]any{"name": "Renamed"}, "If-Match", tag).want(412)
		}
		for _, tag := range []string{`" 1"`, `1`, `"1`, `"1"x`, `W/1`, `"1", "2"`, `"1",`, "\"1\x00\"", "", " "} {
			api.do("staff", http.MethodPatch, path, map[string]any{"name": "Renamed"}, "If-Match", tag).want(400)
		}
		// Two header lines are a list: the first is not taken alone.
		api.do("staff", http.MethodPatch, path, map[string]any{"name": "Renamed"}, "If-Match", `"1"`, "If-Match", `"9"`).want(400)
		if p := api.do("staff", http.MethodPatch, path, map[string]any{"name": "Renamed"}, "If-Match", `"`+strings.Repeat("7", 5000)+`"`).want(412).problem(); len(p.Detail) > 200 {
			t.Errorf("a 412 echoes a long tag whole: %d bytes", len(p.Detail))
		}
		var in struct{ Name string }
		api.do("staff", http.MethodGet, path, nil).json(&in)
		if in.Name == "Renamed" {
			t.Fatal("a refused If-Match changed the institution")
		}
		api.do("staff", http.MethodPatch, path, map[string]any{"name": "Renamed"}, "If-Match", `"1"`).want(200)
	})
}

// A long account name is cut for the throttle's key at a character
// boundary: cut inside a character it was not text, and Postgres answered 500.
func TestLongNonASCIILoginIsRefusedNotAnError(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		email := strings.Repeat("电", 200) + "@x.example"
		api.do("", http.MethodPost, "/api/v1/auth/login", map[string]string{"email": email, "password": api.password}).want(401)
	})
}

package main

import (
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/store/dbtest"
)

// TestMatchesStayFreshAcrossProcesses runs two API processes on one database:
// an offer published or withdrawn through the first must show in, or leave,
// the second's matches within 2 s.
func TestMatchesStayFreshAcrossProcesses(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			env := envFor(t, dialect)
			a := start(t, env)
			defer a.stop()
			password := waitFor(t, a.stdout, passwordRe)
			b := start(t, env)
			defer b.stop()
			_, tok := call(t, "POST", a.base+"/api/v1/auth/login", "", map[string]string{"email": "admin@localhost", "password": password})
			token := tok["access_token"].(string)
			post := func(base, path string, body any, want int) map[string]any {
				t.Helper()
				status, out := call(t, "POST", base+path, token, body)
				if status != want {
					t.Fatalf("POST %s: %d %v", path, status, out)
				}
				return out
			}
			cn := post(a.base, "/api/v1/institutions", map[string]any{"name": "Shenzhen Storage Co", "country": "CN", "type": "enterprise"}, 201)
			vn := post(a.base, "/api/v1/institutions", map[string]any{"name": "Con Dao Power", "country": "VN", "type": "enterprise"}, 201)
			d := post(a.base, "/api/v1/demands", map[string]any{"institution_id": vn["id"], "title": "Battery storage for an island micro-grid",
				"summary": "Store solar power for the night", "language": "en", "sector": "new_energy", "subsector": "energy_storage", "min_trl": 6}, 201)
			demandPath := "/api/v1/demands/" + d["id"].(string)
			post(a.base, demandPath+"/submit", nil, 200)
			post(a.base, demandPath+"/publish", nil, 200)
			o := post(a.base, "/api/v1/offers", map[string]any{"institution_id": cn["id"], "title": "Battery storage cabinets for micro-grids",
				"summary": "Containerised storage for solar micro-grids", "language": "en", "sector": "new_energy",
				"subsector": "energy_storage", "trl": 8, "ip_status": "patent_granted"}, 201)
			offerID := o["id"].(string)
			post(a.base, "/api/v1/offers/"+offerID+"/submit", nil, 200)
			post(a.base, "/api/v1/offers/"+offerID+"/publish", nil, 200)
			published := time.Now()

			suggested := func() bool {
				status, out := call(t, "GET", b.base+demandPath+"/matches", token, nil)
				if status != 200 {
					t.Fatalf("matches on the second process: %d %v", status, out)
				}
				for _, it := range out["items"].([]any) {
					if it.(map[string]any)["offer_id"] == offerID {
						return true
					}
				}
				return false
			}
			waitUntil := func(what string, since time.Time, cond func() bool) {
				t.Helper()
				for !cond() {
					if time.Since(since) > 2*time.Second {
						t.Fatalf("%s: not seen by the second process within 2 s", what)
					}
					time.Sleep(25 * time.Millisecond)
				}
				t.Logf("%s: seen by the second process after %v", what, time.Since(since).Round(time.Millisecond))
			}
			waitUntil("published offer", published, suggested)
			post(a.base, "/api/v1/offers/"+offerID+"/withdraw", nil, 200)
			withdrawn := time.Now()
			waitUntil("withdrawn offer", withdrawn, func() bool { return !suggested() })
		})
	}
}

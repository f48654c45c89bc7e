package httpapi_test

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/store/dbtest"
)

// The access table: every registered route × every caller × every relation
// of the object to the caller, with the status that must come back. The
// callers are anonymous, the four roles, and a partner's machine client.
// Relations: "own" (the partner's institution, or a client of it), "other"
// (another institution's), "missing" (an id that does not exist); "-" for
// routes that name no object. Confidential objects arrive with the listings.
//
// Each row of want lists one status per relation, in the order of rels.
// A route registered without a row here fails the test, so a new route
// cannot ship without its rules.
var callers = []string{"anon", "admin", "staff", "partner", "analyst", "client"}

type accessRule struct {
	rels []string
	want map[string]string // caller → statuses, one per relation
	req  func(api *testAPI, rel string) request
}

type request struct {
	path    string
	body    any
	form    url.Values
	headers []string
}

func public(status int, req func(api *testAPI, rel string) request) accessRule {
	s := strconv.Itoa(status)
	return accessRule{rels: []string{"-"}, req: req, want: map[string]string{
		"anon": s, "admin": s, "staff": s, "partner": s, "analyst": s, "client": s}}
}

func fixed(path string) func(*testAPI, string) request {
	return func(*testAPI, string) request { return request{path: path} }
}

// instPath names the institution of the relation.
func instPath(api *testAPI, rel, suffix string) string {
	id := map[string]string{"own": api.ownInst.ID, "other": api.otherInst.ID, "missing": uuid.NewString()}[rel]
	return "/api/v1/institutions/" + id + suffix
}

var accessTable = map[string]accessRule{
	"GET /healthz":        public(200, fixed("/healthz")),
	"GET /readyz":         public(200, fixed("/readyz")),
	"HEAD /healthz":       public(200, fixed("/healthz")),
	"HEAD /readyz":        public(200, fixed("/readyz")),
	"GET /metrics":        public(200, fixed("/metrics")),
	"GET /swagger/*":      public(200, fixed("/swagger/doc.json")),
	"GET /openapi.json":   public(200, fixed("/openapi.json")),
	"GET /problems/:type": public(200, fixed("/problems/not-found")),
	"POST /api/v1/auth/login": public(200, func(api *testAPI, _ string) request {
		return request{path: "/api/v1/auth/login", body: map[string]string{"email": api.staff.Email, "password": api.password}}
	}),
	"POST /api/v1/auth/refresh": public(200, func(api *testAPI, _ string) request {
		t, err := api.svc.Login(ctx, api.staff.Email, api.password, "")
		if err != nil {
			api.t.Fatal(err)
		}
		return request{path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": t.RefreshToken}}
	}),
	"POST /api/v1/auth/logout": public(204, func(api *testAPI, _ string) request {
		return request{path: "/api/v1/auth/logout", body: map[string]string{"refresh_token": "whatever"}}
	}),
	"POST /api/v1/oauth/token": public(200, func(api *testAPI, _ string) request {
		_, secret, err := api.svc.CreateClient(ctx, api.staff.Actor(), api.ownInst.ID, "sync")
		if err != nil {
			api.t.Fatal(err)
		}
		// The client id is read back from the secret's owner: the newest client.
		cs, _ := api.svc.Clients(ctx, api.staff.Actor(), api.ownInst.ID)
		return request{path: "/api/v1/oauth/token", form: url.Values{"grant_type": {"client_credentials"},
			"client_id": {cs[len(cs)-1].ID}, "client_secret": {secret}}}
	}),
	"GET /api/v1/me": {rels: []string{"-"}, req: fixed("/api/v1/me"), want: map[string]string{
		"anon": "401", "admin": "200", "staff": "200", "partner": "200", "analyst": "200", "client": "200"}},

	"POST /api/v1/me/password": {rels: []string{"-"}, want: map[string]string{
		"anon": "401", "admin": "204", "staff": "204", "partner": "204", "analyst": "204", "client": "403"},
		req: func(api *testAPI, _ string) request {
			return request{path: "/api/v1/me/password", body: map[string]string{"current_password": api.password, "new_password": api.password + "!"}}
		}},
	"POST /api/v1/users": {rels: []string{"-"}, want: adminOnly("201"), req: func(api *testAPI, _ string) request {
		return request{path: "/api/v1/users", body: map[string]string{"email": uniqueEmail(), "password": api.password, "role": "analyst"}}
	}},
	"GET /api/v1/users": {rels: []string{"-"}, want: adminOnly("200"), req: fixed("/api/v1/users")},
	"GET /api/v1/users/:id": {rels: []string{"other", "missing"}, want: adminOnly("200 404"), req: func(api *testAPI, rel string) request {
		return request{path: "/api/v1/users/" + map[string]string{"other": api.staff.ID, "missing": uuid.NewString()}[rel]}
	}},
	"PATCH /api/v1/users/:id": {rels: []string{"other", "missing"}, want: adminOnly("200 404"), req: func(api *testAPI, rel string) request {
		return request{path: "/api/v1/users/" + map[string]string{"other": api.analyst.ID, "missing": uuid.NewString()}[rel],
			body: map[string]any{"disabled": false}}
	}},

	"POST /api/v1/users/:id/unlock": {rels: []string{"other", "missing"}, want: adminOnly("204 404"), req: func(api *testAPI, rel string) request {
		return request{path: "/api/v1/users/" + map[string]string{"other": api.staff.ID, "missing": uuid.NewString()}[rel] + "/unlock"}
	}},

	"POST /api/v1/institutions": {rels: []string{"-"}, want: map[string]string{
		"anon": "401", "admin": "201", "staff": "201", "partner": "403", "analyst": "403", "client": "403"},
		req: func(*testAPI, string) request {
			return request{path: "/api/v1/institutions", body: map[string]any{"name": "Hanoi Tech", "country": "VN", "type": "enterprise"}}
		}},
	"GET /api/v1/institutions": {rels: []string{"-"}, req: fixed("/api/v1/institutions"), want: map[string]string{
		"anon": "401", "admin": "200", "staff": "200", "partner": "200", "analyst": "200", "client": "200"}},
	"GET /api/v1/institutions/:id": {rels: []string{"own", "other", "missing"}, want: map[string]string{
		"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 200 404",
		"analyst": "200 200 404", "client": "200 200 404"},
		req: func(api *testAPI, rel string) request { return request{path: instPath(api, rel, "")} }},
	"PATCH /api/v1/institutions/:id": {rels: []string{"own", "other", "missing"}, want: map[string]string{
		"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 403 404",
		"analyst": "403 403 404", "client": "200 403 404"},
		req: func(api *testAPI, rel string) request {
			return request{path: instPath(api, rel, ""), body: map[string]any{"description": "updated"}}
		}},
	"POST /api/v1/institutions/:id/clients": {rels: []string{"own", "other", "missing"}, want: map[string]string{
		"anon": "401 401 401", "admin": "201 201 404", "staff": "201 201 404", "partner": "403 403 403",
		"analyst": "403 403 403", "client": "403 403 403"},
		req: func(api *testAPI, rel string) request {
			return request{path: instPath(api, rel, "/clients"), body: map[string]any{"name": "etl"}}
		}},
	"GET /api/v1/institutions/:id/clients": {rels: []string{"own", "other", "missing"}, want: map[string]string{
		"anon": "401 401 401", "admin": "200 200 404", "staff": "200 200 404", "partner": "200 403 404",
		"analyst": "403 403 404", "client": "200 403 404"},
		req: func(api *testAPI, rel string) request { return request{path: instPath(api, rel, "/clients")} }},
	"DELETE /api/v1/institutions/:id/clients/:client_id": {rels: []string{"own", "other", "missing"}, want: map[string]string{
		"anon": "401 401 401", "admin": "204 204 404", "staff": "204 204 404", "partner": "204 403 404",
		"analyst": "403 403 403", "client": "204 403 404"},
		req: func(api *testAPI, rel string) request {
			// A fresh client each time: a revoked client's tokens stop
			// working, and the caller "client" must stay usable.
			if rel == "missing" {
				return request{path: instPath(api, "own", "/clients/"+uuid.NewString())}
			}
			inst := map[string]string{"own": api.ownInst.ID, "other": api.otherInst.ID}[rel]
			c, _, err := api.svc.CreateClient(ctx, api.staff.Actor(), inst, "spare")
			if err != nil {
				api.t.Fatal(err)
			}
			return request{path: instPath(api, rel, "/clients/"+c.ID)}
		}},
}

func adminOnly(statuses string) map[string]string {
	n := len(strings.Fields(statuses))
	rep := func(s string) string { return strings.TrimSpace(strings.Repeat(s+" ", n)) }
	return map[string]string{"anon": rep("401"), "admin": statuses, "staff": rep("403"), "partner": rep("403"),
		"analyst": rep("403"), "client": rep("403")}
}

func TestAccessTable(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			routes := newTestAPI(t, dbtest.New(t, dialect), emptyConfig).server.Routes()
			registered := map[string]bool{}
			for _, r := range routes {
				registered[r.Method+" "+r.Path] = true
			}
			var keys []string
			for k := range registered {
				keys = append(keys, k)
				if _, ok := accessTable[k]; !ok {
					t.Errorf("route %s has no row in the access table", k)
				}
			}
			for k := range accessTable {
				if !registered[k] {
					t.Errorf("access table row %s names no registered route", k)
				}
			}
			sort.Strings(keys)
			cells := 0
			for _, key := range keys {
				rule, ok := accessTable[key]
				if !ok {
					continue
				}
				method, _, _ := strings.Cut(key, " ")
				// One fresh database per route, so that its writes cannot
				// change what another route's cases see.
				api := newTestAPI(t, dbtest.New(t, dialect), emptyConfig)
				for _, caller := range callers {
					want := strings.Fields(rule.want[caller])
					if len(want) != len(rule.rels) {
						t.Fatalf("%s: caller %s has %d statuses for %d relations", key, caller, len(want), len(rule.rels))
					}
					for i, rel := range rule.rels {
						cells++
						r := rule.req(api, rel)
						got := api.send(caller, method, r)
						if strconv.Itoa(got.Code) != want[i] {
							t.Errorf("%s as %s on %s: status %d, want %s; body %s", key, caller, rel, got.Code, want[i], got.Body.String())
						}
					}
				}
				// Its pool goes now, not when the test ends: seventy idle
				// pools would take a shared server's connections.
				api.store.Close()
			}
			t.Logf("access table: %d routes, %d callers, %d cells", len(keys), len(callers), cells)
		})
	}
}

func (api *testAPI) send(caller, method string, r request) response {
	api.t.Helper()
	if r.form != nil {
		return api.doForm(caller, r.path, r.form)
	}
	return api.do(caller, method, r.path, r.body, r.headers...)
}

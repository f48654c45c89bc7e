package httpapi_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/transfer"
)

// TestSpecDrivenFuzzNeverAnswers5xx sends malformed requests to every
// operation the router serves, as admin, staff and partner, on every
// database of the run, and asserts that none answers 5xx. The operations
// come from Server.Routes; their query parameters and body schemas from the
// committed spec (api/swagger.json), so a new operation or field is fuzzed
// without editing this test. Each request is one valid-looking request with
// one part broken: a path id, a query value, a body field, the body as a
// whole, or a header. The seed is fixed: a failure repeats, and its
// request is printed in Go syntax.
//
//	go test ./internal/httpapi/ -run TestSpecDrivenFuzzNeverAnswers5xx -v
//
// FUZZ_CASES raises the number of requests per operation and actor (default
// 12), FUZZ_SEED changes the seed, for a longer hunt by hand.
func TestSpecDrivenFuzzNeverAnswers5xx(t *testing.T) {
	spec := loadSpec(t)
	cases, seed := 12, uint64(2026)
	if v, err := strconv.Atoi(os.Getenv("FUZZ_CASES")); err == nil && v > 0 {
		cases = v
	}
	if v, err := strconv.ParseUint(os.Getenv("FUZZ_SEED"), 10, 64); err == nil {
		seed = v
	}
	each(t, func(t *testing.T, api *testAPI) {
		f := newFuzzer(t, api, spec, seed)
		routes := api.server.Routes()
		// Deletions last, so that the fixture's endpoint and client serve
		// every other operation first.
		slices.SortFunc(routes, func(a, b httpapi.Route) int {
			if da, db := a.Method == http.MethodDelete, b.Method == http.MethodDelete; da != db {
				if da {
					return 1
				}
				return -1
			}
			return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method)
		})
		start := time.Now()
		statuses := map[int]int{}
		ops := 0
		for _, rt := range routes {
			if rt.Method == http.MethodOptions || strings.HasPrefix(rt.Path, "/swagger") && rt.Method != http.MethodGet {
				continue
			}
			ops++
			for _, as := range []string{"admin", "staff", "partner"} {
				for range cases {
					req, show := f.request(rt, as)
					rec := httptest.NewRecorder()
					api.server.ServeHTTP(rec, req)
					statuses[rec.Code]++
					if rec.Code >= 500 {
						t.Errorf("%d as %s: %s\n  %s", rec.Code, as, show, strings.TrimSpace(rec.Body.String()))
					}
				}
			}
		}
		t.Logf("%d requests over %d operations × 3 actors in %v; statuses %v",
			ops*3*cases, ops, time.Since(start).Round(time.Millisecond), statuses)
	})
}

// swagger is the part of the spec the fuzzer reads.
type swagger struct {
	Paths       map[string]map[string]struct{ Parameters []specParam } `json:"paths"`
	Definitions map[string]specSchema                                  `json:"definitions"`
}

type specParam struct {
	Name   string      `json:"name"`
	In     string      `json:"in"`
	Type   string      `json:"type"`
	Enum   []any       `json:"enum"`
	Schema *specSchema `json:"schema"`
}

type specSchema struct {
	Ref        string                `json:"$ref"`
	Type       string                `json:"type"`
	Format     string                `json:"format"`
	Enum       []any                 `json:"enum"`
	Example    any                   `json:"example"`
	Minimum    *float64              `json:"minimum"`
	Items      *specSchema           `json:"items"`
	Properties map[string]specSchema `json:"properties"`
}

func loadSpec(t *testing.T) swagger {
	t.Helper()
	raw, err := os.ReadFile("../../api/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	var s swagger
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// params returns the spec's parameters of a route ("/api/v1/offers/:id").
func (s swagger) params(method, path string) []specParam {
	p := strings.TrimPrefix(path, "/api/v1")
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			segs[i] = "{" + name + "}"
		}
	}
	return s.Paths[strings.Join(segs, "/")][strings.ToLower(method)].Parameters
}

func (s swagger) resolve(sc specSchema) specSchema {
	for sc.Ref != "" {
		sc = s.Definitions[strings.TrimPrefix(sc.Ref, "#/definitions/")]
	}
	return sc
}

type fuzzer struct {
	t    *testing.T
	api  *testAPI
	spec swagger
	rng  *rand.Rand
	ids  map[string]string // route's first segment (or param name) → a real id
}

func newFuzzer(t *testing.T, api *testAPI, spec swagger, seed uint64) *fuzzer {
	t.Helper()
	staff := api.staff.Actor()
	demand := api.makeListing(transfer.KindDemand, api.ownInst.ID, "public", transfer.StatusPublished)
	offer := api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusPublished)
	m, err := api.svc.CreateMatch(ctx, staff, demand.ID, offer.ID)
	if err != nil {
		t.Fatal(err)
	}
	// PATCH /users/{id} may disable or demote its target: not one of the actors.
	spare, err := api.svc.CreateUserUnchecked(ctx, transfer.NewUser{Email: uniqueEmail(), Password: api.password,
		Role: transfer.RolePartner, InstitutionID: api.ownInst.ID})
	if err != nil {
		t.Fatal(err)
	}
	ep := api.endpointFor("own")
	var d struct {
		ID string `json:"id"`
	}
	api.do("staff", http.MethodPost, "/api/v1/webhooks/"+ep+"/test", nil).want(202).json(&d)
	ids := map[string]string{
		"offers": offer.ID, "demands": demand.ID, "matches": m.ID, "agreements": api.agreementFor("own"),
		"webhooks": ep, "users": spare.ID, "institutions": api.ownInst.ID,
		"client_id": api.client.ID, "delivery_id": d.ID,
	}
	return &fuzzer{t: t, api: api, spec: spec, rng: rand.New(rand.NewPCG(seed, 12)), ids: ids}
}

func (f *fuzzer) pick(options []string) string { return options[f.rng.IntN(len(options))] }

// Bad values, as they go on the wire.
var (
	badPathValues = []string{"%00", "%FF", "%C3%28", "not-a-uuid", "%27%20OR%201=1--", strings.Repeat("a", 3000),
		"..%2F..%2Fetc", "1e30", "-1", "00000000-0000-0000-0000-000000000000", "%ED%A0%80", "%20", "%E2%80%8B"}
	badQueryValues = []string{"%00", "x%00y", "%FF%FE", "%C3%28", "%ED%A0%80", "1e30", "1e400", "99999999999999999999",
		"-1", "-5", "0", "7.5", "NaN", "Inf", "-Inf", "true", "", "%20", strings.Repeat("z", 3000), "[]", "%7B%7D",
		",,,", "2026-13-45", "0001-01-01", "9999-12-31T23:59:59Z", "2026-02-30T25:61:00Z", "-created_at", "--",
		"%2C%00", "CN,CN,CN", "x" + strings.Repeat(",x", 200)}
	badIfMatch = []string{`"abc"`, `W/"1"`, `"99999999999999999999"`, `"-1"`, `"0"`, `*`, `"1", "2"`, "\xff",
		`"1`, `1"`, `""`, `"1e3"`, `"0x10"`}
	badContentTypes = []string{"text/plain", "application/json; charset=latin1", "text/csv", "application/x-www-form-urlencoded",
		"multipart/form-data; boundary=x", "application/xml", ""}
	// JSON values that break a field; "\xff" is raw invalid UTF-8.
	badJSONValues = []string{`"a\u0000b"`, "\"\xff\xfe\"", `"\ud800"`, `"\udc00x"`, `1e30`, `1e400`, `-1e400`, `7.5`,
		`99999999999999999999`, `-99999999999999999999`, `0`, `-1`, `true`, `null`, `{}`, `[]`, `""`, `" "`,
		`[null]`, `["\u0000"]`, `[1e400]`, `{"a":1}`, `"` + strings.Repeat("x", 20000) + `"`,
		`"2026-13-45"`, `"0001-01-01T00:00:00Z"`, `"9999-12-31"`, `"../../etc/passwd"`, `"=HYPERLINK(\"x\")"`,
		`"00000000-0000-0000-0000-000000000000"`, `"not-a-uuid"`, `"` + strings.Repeat(`\u00e9`, 3000) + `"`}
	badBodies = []string{"", "null", "[]", "{", `"x"`, "123", "\xff\xfe", `{"a":`, strings.Repeat("[", 20000),
		`{"title":"x","title":"y"}`, "\x00", `{}`, `{"unknown_field":1}`}
)

// request builds one request for rt as the actor, with one part broken,
// and a Go-syntax rendering of it for the failure message.
func (f *fuzzer) request(rt httpapi.Route, as string) (*http.Request, string) {
	params := f.spec.params(rt.Method, rt.Path)
	attack := f.pick([]string{"path", "query", "query", "body", "body", "body", "whole-body", "header"})

	// Path: real ids, unless the path is under attack.
	segs := strings.Split(rt.Path, "/")
	var pathParams []int
	for i, seg := range segs {
		name, ok := strings.CutPrefix(seg, ":")
		if !ok {
			if seg == "*" {
				segs[i] = "index.html"
				pathParams = append(pathParams, i)
			}
			continue
		}
		pathParams = append(pathParams, i)
		id := f.ids[name]
		if id == "" && i >= 1 {
			id = f.ids[segs[i-1]]
		}
		segs[i] = id
	}
	if attack == "path" && len(pathParams) > 0 {
		segs[pathParams[f.rng.IntN(len(pathParams))]] = f.pick(badPathValues)
	} else if attack == "path" {
		attack = "query"
	}
	target := strings.Join(segs, "/")

	// Query: the operation's parameters (and the list ones), some broken.
	var names []string
	for _, p := range params {
		if p.In == "query" {
			names = append(names, p.Name)
		}
	}
	if rt.Method == http.MethodGet {
		names = append(names, "limit", "cursor", "sort", "q", "format")
	}
	var query []string
	if attack == "query" && len(names) > 0 {
		for range 1 + f.rng.IntN(3) {
			name := f.pick(names)
			v := f.pick(badQueryValues)
			if name == "cursor" && f.rng.IntN(2) == 0 {
				v = f.cursor()
			}
			query = append(query, url.QueryEscape(name)+"="+v)
		}
	}
	if len(query) > 0 {
		target += "?" + strings.Join(query, "&")
	}

	// Body: a valid-looking one from the schema, one field broken.
	var body []byte
	contentType := ""
	for _, p := range params {
		switch {
		case p.In == "body" && p.Schema != nil:
			contentType = "application/json"
			body = f.body(*p.Schema, attack == "body")
		case p.In == "formData":
			contentType = "application/x-www-form-urlencoded"
			body = f.form(params, attack == "body")
		}
	}
	if body == nil && (rt.Method == http.MethodPost || rt.Method == http.MethodPatch) {
		contentType, body = "application/json", []byte("{}")
	}
	if attack == "whole-body" {
		body = []byte(f.pick(badBodies))
		if contentType == "" {
			contentType = "application/json"
		}
	}

	req := httptest.NewRequest(rt.Method, "/", bytes.NewReader(body))
	u, err := url.ParseRequestURI(target)
	if err != nil {
		f.t.Fatalf("fuzzer made an unparsable target %q: %v", target, err)
	}
	req.URL, req.RequestURI = u, target
	req.RemoteAddr = "192.0.2.10:4711"
	req.Header.Set("Authorization", f.api.bearer[as])
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if attack == "header" {
		switch f.rng.IntN(5) {
		case 0, 1:
			req.Header.Set("If-Match", f.pick(badIfMatch))
		case 2:
			req.Header.Set("Content-Type", f.pick(badContentTypes))
		case 3:
			req.Header.Set("Idempotency-Key", f.pick([]string{"\xff\xfe", strings.Repeat("k", 300), "a b", "ключ", "x"}))
		case 4:
			req.Header.Set("Authorization", f.pick([]string{"Bearer \xff", "Bearer " + strings.Repeat("a.", 2000), "Basic \xff",
				"Bearer", "bearer  x.y.z", f.api.bearer[as] + "x", "Basic " + base64.StdEncoding.EncodeToString([]byte("\x00:\x00"))}))
		}
	}
	show := fmt.Sprintf("%s %q body %q headers %q", rt.Method, target, clip(body), req.Header)
	return req, show
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// cursor forges a cursor that decodes but points nowhere sane.
func (f *fuzzer) cursor() string {
	c := map[string]string{"s": f.pick([]string{"created_at", "-created_at", "updated_at", "-updated_at", "title", "trl",
		"email", "name", "score", "signed_on", "nope"}), "id": f.pick([]string{"x", "00000000-0000-0000-0000-000000000000",
		f.ids["offers"], "1 OR 1=1", "\x00"}), "v": f.pick([]string{"", "yesterday", "2026-01-01T00:00:00Z", "1e400",
		"\x00", "\xff", "-1", "NaN", "99999999999999999999"})}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// body renders a JSON body for the schema; with broken set, one field
// (at any depth) carries a bad value.
func (f *fuzzer) body(sc specSchema, broken bool) []byte {
	sc = f.spec.resolve(sc)
	const hole = "\x01HOLE\x01"
	v := f.value(sc, 0)
	if broken {
		v = f.breakOne(v, hole)
	}
	b, err := json.Marshal(v)
	if err != nil {
		f.t.Fatal(err)
	}
	// The bad value goes in raw, invalid bytes and all.
	return bytes.Replace(b, []byte(`"\u0001HOLE\u0001"`), []byte(f.pick(badJSONValues)), 1)
}

// value makes a plausible value for a schema: examples, enums, real ids.
func (f *fuzzer) value(sc specSchema, depth int) any {
	sc = f.spec.resolve(sc)
	switch {
	case sc.Example != nil:
		return sc.Example
	case len(sc.Enum) > 0:
		return sc.Enum[f.rng.IntN(len(sc.Enum))]
	}
	switch sc.Type {
	case "object":
		obj := map[string]any{}
		for name, p := range sc.Properties {
			if depth < 4 {
				obj[name] = f.fieldValue(name, p, depth)
			}
		}
		return obj
	case "array":
		if sc.Items == nil || depth >= 4 {
			return []any{}
		}
		return []any{f.value(*sc.Items, depth+1), f.value(*sc.Items, depth+1)}
	case "integer":
		if sc.Minimum != nil {
			return int(*sc.Minimum)
		}
		return 1
	case "number":
		return 1.5
	case "boolean":
		return f.rng.IntN(2) == 0
	}
	switch sc.Format {
	case "date-time":
		return "2027-01-01T00:00:00Z"
	case "date":
		return "2026-01-01"
	}
	return "text"
}

func (f *fuzzer) fieldValue(name string, p specSchema, depth int) any {
	switch {
	case name == "institution_id":
		return f.pick([]string{f.api.ownInst.ID, f.api.otherInst.ID})
	case name == "demand_id":
		return f.ids["demands"]
	case name == "offer_id":
		return f.ids["offers"]
	case name == "match_id":
		return f.ids["matches"]
	case name == "email":
		return uniqueEmail()
	case name == "currency":
		return "USD"
	case name == "country" || strings.HasSuffix(name, "_countries"):
		if p.Type == "array" {
			return []string{"CN", "TH"}
		}
		return "TH"
	case name == "sector":
		return "new_energy"
	case name == "language":
		return "en"
	}
	return f.value(p, depth+1)
}

// breakOne replaces one value, at any depth, with the hole.
func (f *fuzzer) breakOne(v any, hole string) any {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 || f.rng.IntN(6) == 0 {
			x[f.pick([]string{"unknown", "id", "version"})] = hole
			return x
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		k := f.pick(keys)
		if f.rng.IntN(3) == 0 {
			x[k] = hole
		} else {
			x[k] = f.breakOne(x[k], hole)
		}
		return x
	case []any:
		if len(x) == 0 {
			return []any{hole}
		}
		i := f.rng.IntN(len(x))
		x[i] = f.breakOne(x[i], hole)
		return x
	}
	return hole
}

// form renders a form body (the OAuth token endpoint), maybe broken.
func (f *fuzzer) form(params []specParam, broken bool) []byte {
	var parts []string
	for _, p := range params {
		if p.In != "formData" {
			continue
		}
		v := "x"
		switch p.Name {
		case "grant_type":
			v = "client_credentials"
		case "client_id":
			v = f.api.client.ID
		}
		if broken && f.rng.IntN(2) == 0 {
			v = f.pick(badQueryValues)
		}
		parts = append(parts, p.Name+"="+v)
	}
	return []byte(strings.Join(parts, "&"))
}

package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/google/uuid"

	"github.com/techbridge/techbridge/api"
	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
)

// The contract test: every request the suite sends through api.do and
// api.doForm, and every response the real router gives to it, is checked
// against the published OpenAPI 3.1 document (api/openapi.json), so the
// document cannot drift from what the server does:
//
//   - a response must match its operation: a declared status and content
//     type, a body valid against the schema, valid and declared headers;
//   - a request the document rejects must be refused with a 4xx (so a field
//     marked required that the server does not require, or an enum narrower
//     than the server's, fails the test that sends it);
//   - a request to a path the document does not describe must get a 404 or
//     405 problem, unless it is one of the few meta routes.

var contract struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

func loadContract() (*openapi3.T, routers.Router, error) {
	contract.once.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(api.OpenAPI)
		if err != nil {
			contract.err = fmt.Errorf("load api/openapi.json: %w", err)
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			contract.err = fmt.Errorf("api/openapi.json is not valid: %w", err)
			return
		}
		contract.doc = doc
		contract.router, contract.err = gorillamux.NewRouter(doc)
	})
	return contract.doc, contract.router, contract.err
}

// undocumented are served but deliberately not operations of the contract:
// the document itself, its UI, metrics and the problem type pages.
var undocumented = []string{"/openapi.json", "/swagger/", "/metrics", "/problems/"}

// headersToDeclare are the response headers a client acts on; when the
// server sends one, the operation's response must declare it.
var headersToDeclare = []string{"ETag", "Location", "Link", "Retry-After", "Idempotent-Replayed", "WWW-Authenticate"}

// checkContract validates one exchange; body is the request body sent.
func checkContract(t *testing.T, req *http.Request, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	if err := contractViolation(req, body, rec); err != nil {
		t.Errorf("contract: %s %s -> %d: %v\nresponse: %.600s", req.Method, req.URL.RequestURI(), rec.Code, err, rec.Body.String())
	}
}

func contractViolation(req *http.Request, body []byte, rec *httptest.ResponseRecorder) error {
	_, router, err := loadContract()
	if err != nil {
		return err
	}
	if rec.Code == 499 || req.Method == http.MethodOptions { // the client went away; CORS preflight
		return nil
	}
	// A copy of the request as it was sent, with its body.
	r := req.Clone(context.Background())
	r.Body = http.NoBody
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	route, pathParams, err := router.FindRoute(r)
	if err != nil {
		for _, p := range undocumented {
			if strings.HasPrefix(req.URL.Path, p) {
				return nil
			}
		}
		if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
			return fmt.Errorf("no operation in the document for this request (%v), yet the server answered %d", err, rec.Code)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
			return fmt.Errorf("unrouted request answered with %q, not a problem", ct)
		}
		return nil
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		MultiError:         true,
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: pathParams, Route: route, Options: opts}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	// Imports take bad rows on purpose: each row is checked on its own and the
	// 200 answer reports the ones that failed.
	rowByRow := strings.HasPrefix(route.Operation.OperationID, "import")
	if reqErr != nil && (rec.Code < 400 || rec.Code >= 500) && !lenient(reqErr) && !rowByRow {
		return fmt.Errorf("the document rejects this request, yet the server answered %d: %v", rec.Code, reqErr)
	}
	respOpts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code,
		Header: rec.Header(), Options: respOpts}
	out.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("response does not match the document: %v", err)
	}
	resp := route.Operation.Responses.Status(rec.Code)
	for _, h := range headersToDeclare {
		if rec.Header().Get(h) != "" && resp.Value.Headers[h] == nil {
			return fmt.Errorf("the server sent %s, which the document does not declare for %d", h, rec.Code)
		}
	}
	return nil
}

// lenient reports whether every complaint about a request is one the server
// is deliberately lenient about: a value outside an enumeration (the
// document lists canonical codes, CN, USD, en; the server also takes them in
// another case and normalises them) or an empty value (limit=, "signed_on":
// "") that the server takes as absent. Responses carry the canonical values,
// and those are checked against the same schemas.
func lenient(err error) bool {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		for _, e := range me {
			if !lenient(e) {
				return false
			}
		}
		return len(me) > 0
	}
	if errors.Is(err, openapi3filter.ErrInvalidEmptyValue) {
		return true
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Err != nil && re.Err != err {
		return lenient(re.Err)
	}
	var se *openapi3.SchemaError
	return errors.As(err, &se) && (se.SchemaField == "enum" || se.Value == "")
}

// TestDocumentDescribesEveryRoute: the document and the router list the same
// operations, each with a problem type for every error status it declares.
func TestDocumentDescribesEveryRoute(t *testing.T) {
	doc, _, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		prefix := strings.TrimSuffix(doc.Servers[0].URL, "/")
		if len(item.Servers) > 0 {
			prefix = strings.TrimSuffix(item.Servers[0].URL, "/")
		}
		for method, op := range item.Operations() {
			documented[method+" "+prefix+path] = true
			for code, r := range op.Responses.Map() {
				if code[0] != '4' && code[0] != '5' {
					continue
				}
				oauth := r.Value.Content.Get("application/json") != nil &&
					r.Value.Content.Get("application/json").Schema.Ref == "#/components/schemas/OauthError" // RFC 6749 section 5.2
				if r.Value.Content.Get("application/problem+json") == nil && !oauth {
					t.Errorf("%s %s: %s is not a problem document", method, path, code)
				}
			}
		}
	}
	api := newTestAPI(t, dbtest.New(t, store.SQLite), emptyConfig)
	served := map[string]bool{}
	for _, r := range api.server.Routes() {
		path := regexp.MustCompile(`:([a-z_]+)`).ReplaceAllString(r.Path, "{$1}")
		key := r.Method + " " + path
		served[key] = true
		if !documented[key] && !slices.ContainsFunc(undocumented, func(p string) bool { return strings.HasPrefix(path, p) }) {
			t.Errorf("%s is served but not in api/openapi.json", key)
		}
	}
	for key := range documented {
		if !served[key] {
			t.Errorf("%s is in api/openapi.json but not served", key)
		}
	}
}

// TestProblemTypes: each kind of error comes with its own documented type,
// which resolves to a description; docs/problems.md lists every one.
func TestProblemTypes(t *testing.T) {
	docs, err := os.ReadFile("../../docs/problems.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, pt := range httpapi.ProblemTypes {
		if seen[pt.URI] || !strings.HasPrefix(pt.URI, "/problems/") {
			t.Errorf("problem type %q repeated or outside /problems/", pt.URI)
		}
		seen[pt.URI] = true
		if !strings.Contains(string(docs), "`"+pt.URI+"`") {
			t.Errorf("docs/problems.md does not list %s", pt.URI)
		}
	}
	api := newTestAPI(t, dbtest.New(t, store.SQLite), emptyConfig)
	for _, c := range []struct {
		as, method, path, body string
		headers                []string
		status                 int
		typ                    string
	}{
		{"", "GET", "/api/v1/me", "", nil, 401, "/problems/unauthenticated"},
		{"analyst", "POST", "/api/v1/institutions", `{"name":"x","country":"CN","type":"university"}`, nil, 403, "/problems/forbidden"},
		{"staff", "GET", "/api/v1/offers/" + uuid.NewString(), "", nil, 404, "/problems/not-found"},
		{"staff", "DELETE", "/api/v1/institutions", "", nil, 405, "/problems/method-not-allowed"},
		{"staff", "POST", "/api/v1/institutions", `{"name":`, nil, 400, "/problems/bad-request"},
		{"staff", "POST", "/api/v1/institutions", `{}`, []string{"Content-Type", "text/plain"}, 415, "/problems/unsupported-media-type"},
		{"staff", "POST", "/api/v1/institutions", `{"name":""}`, nil, 422, "/problems/validation"},
	} {
		p := api.do(c.as, c.method, c.path, c.body, c.headers...).want(c.status).problem()
		if p.Type != c.typ {
			t.Errorf("%s %s: type %q, want %q", c.method, c.path, p.Type, c.typ)
		}
		r := api.do("", "GET", p.Type, nil).want(200)
		if !strings.Contains(r.Body.String(), p.Type) {
			t.Errorf("GET %s: %s", p.Type, r.Body.String())
		}
	}
	api.do("", "GET", "/problems/no-such-kind", nil).want(404)
}

// TestContractCatchesDrift: the check itself fails on exchanges that break
// the document, so a green suite means something.
func TestContractCatchesDrift(t *testing.T) {
	exchange := func(method, path, reqBody string, status int, header http.Header, respBody string) error {
		req := httptest.NewRequest(method, path, strings.NewReader(reqBody))
		req.Header.Set("Authorization", "Bearer x")
		if reqBody != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		for k, v := range header {
			rec.Header()[k] = v
		}
		rec.WriteHeader(status)
		rec.WriteString(respBody)
		return contractViolation(req, []byte(reqBody), rec)
	}
	json := http.Header{"Content-Type": {"application/json"}}
	problem := http.Header{"Content-Type": {"application/problem+json"}}
	for name, err := range map[string]error{
		"wrong field type": exchange("GET", "/api/v1/offers/x", "", 200, json, `{"id": 5}`),
		"undeclared status": exchange("GET", "/api/v1/offers/x", "", 418, problem,
			`{"type":"/problems/x","title":"t","status":418}`),
		"problem as JSON": exchange("GET", "/api/v1/offers/x", "", 404, json,
			`{"type":"/problems/not-found","title":"Not Found","status":404}`),
		"undeclared header": exchange("GET", "/api/v1/vocabulary", "", 200,
			http.Header{"Content-Type": {"application/json"}, "Etag": {`"1"`}}, `{}`),
		"accepted what the document refuses": exchange("POST", "/api/v1/demands", `{"title":"x"}`, 201, json, `{}`),
		"unknown route served":               exchange("GET", "/api/v1/nowhere", "", 200, json, `{}`),
	} {
		if err == nil {
			t.Errorf("%s: no violation found", name)
		}
	}
	if err := exchange("GET", "/api/v1/offers/x", "", 404, problem,
		`{"type":"/problems/not-found","title":"Not Found","status":404,"request_id":"r"}`); err != nil {
		t.Errorf("a valid exchange: %v", err)
	}
}

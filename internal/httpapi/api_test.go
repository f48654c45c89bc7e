package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

var ctx = context.Background()

// testAPI is the real router over a real, fresh database.
type testAPI struct {
	t      *testing.T
	store  *store.Store
	svc    *transfer.Service
	tokens *auth.Tokens
	server *httpapi.Server

	// fixture
	ownInst, otherInst transfer.Institution // the partner belongs to ownInst
	admin, staff       transfer.User
	partner, analyst   transfer.User
	client             transfer.Client // a machine client of ownInst
	otherClient        transfer.Client // a machine client of otherInst
	password           string
	bearer             map[string]string // actor name → Authorization header
	skew               atomic.Int64      // added to the service's clock, to travel in time
}

// advance moves the service's clock forward.
func (api *testAPI) advance(d time.Duration) { api.skew.Add(int64(d)) }

var testSecret = []byte("0123456789abcdef0123456789abcdef")

// each runs fn against a fresh API on every dialect of this run.
func each(t *testing.T, fn func(t *testing.T, api *testAPI)) { eachWith(t, httpapi.Config{}, fn) }

// eachWith is each with a server configuration.
func eachWith(t *testing.T, cfg httpapi.Config, fn func(t *testing.T, api *testAPI)) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) { fn(t, newTestAPI(t, s, cfg)) })
}

func newTestAPI(t *testing.T, s *store.Store, cfg httpapi.Config) *testAPI {
	t.Helper()
	return newTestAPIWith(t, s, cfg, transfer.Config{})
}

// newTestAPIWith takes service options (a webhook sender, say); its clock
// is always the test's.
func newTestAPIWith(t *testing.T, s *store.Store, cfg httpapi.Config, scfg transfer.Config) *testAPI {
	t.Helper()
	return newTestAPIWithHasher(t, s, cfg, scfg, auth.FastArgon2)
}

// newTestAPIWithHasher is newTestAPIWith with a password hasher of the test's.
func newTestAPIWithHasher(t *testing.T, s *store.Store, cfg httpapi.Config, scfg transfer.Config, hasher transfer.PasswordHasher) *testAPI {
	t.Helper()
	tokens, err := auth.NewTokens(testSecret, 15*time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	api := &testAPI{t: t, store: s, tokens: tokens, password: "a long enough password", bearer: map[string]string{}}
	scfg.Now = func() time.Time { return time.Now().Add(time.Duration(api.skew.Load())) }
	svc, err := transfer.NewService(s, hasher, tokens, scfg)
	if err != nil {
		t.Fatal(err)
	}
	api.svc, api.server = svc, httpapi.NewServer(svc, tokens, cfg)
	api.seed()
	return api
}

// seed makes two institutions, a user of every role and a client for each institution.
func (api *testAPI) seed() {
	t := api.t
	boot := transfer.Actor{ID: "boot", Kind: transfer.ActorUser, Role: transfer.RoleAdmin}
	var err error
	if api.ownInst, err = api.svc.CreateInstitution(ctx, boot, transfer.Institution{Name: "Guangxi University",
		Country: "CN", Type: "university", Sectors: []string{"new_energy"}, ContactEmail: "tto@gxu.example"}); err != nil {
		t.Fatal(err)
	}
	if api.otherInst, err = api.svc.CreateInstitution(ctx, boot, transfer.Institution{Name: "Chulalongkorn Innovation",
		Country: "TH", Type: "tech_transfer_agency", ContactEmail: "hello@cu.example"}); err != nil {
		t.Fatal(err)
	}
	mk := func(email string, role transfer.Role, inst string) transfer.User {
		u, err := api.svc.CreateUserUnchecked(ctx, transfer.NewUser{Email: email, Password: api.password, Role: role, InstitutionID: inst})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	api.admin = mk("admin@test.example", transfer.RoleAdmin, "")
	api.staff = mk("staff@test.example", transfer.RoleStaff, "")
	api.partner = mk("partner@test.example", transfer.RolePartner, api.ownInst.ID)
	api.analyst = mk("analyst@test.example", transfer.RoleAnalyst, "")
	staff := api.staff.Actor()
	if api.client, _, err = api.svc.CreateClient(ctx, staff, api.ownInst.ID, "erp"); err != nil {
		t.Fatal(err)
	}
	if api.otherClient, _, err = api.svc.CreateClient(ctx, staff, api.otherInst.ID, "crm"); err != nil {
		t.Fatal(err)
	}
	for name, a := range map[string]transfer.Actor{"admin": api.admin.Actor(), "staff": staff,
		"partner": api.partner.Actor(), "analyst": api.analyst.Actor(), "client": api.client.Actor()} {
		tok, _, err := api.tokens.IssueAccessToken(a)
		if err != nil {
			t.Fatal(err)
		}
		api.bearer[name] = "Bearer " + tok
	}
}

// response is a recorded response with helpers.
type response struct {
	*httptest.ResponseRecorder
	t *testing.T
}

func (r response) json(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body.Bytes(), v); err != nil {
		r.t.Fatalf("decode %s: %v", r.Body.String(), err)
	}
}

func (r response) want(status int) response {
	r.t.Helper()
	if r.Code != status {
		r.t.Fatalf("status %d, want %d; body %s", r.Code, status, r.Body.String())
	}
	return r
}

// problem decodes a problem response.
func (r response) problem() problemBody {
	r.t.Helper()
	if ct := r.Header().Get("Content-Type"); ct != "application/problem+json" {
		r.t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.Body.String())
	}
	var p problemBody
	r.json(&p)
	if p.Status != r.Code || p.Title == "" || p.Type == "" {
		r.t.Fatalf("incomplete problem %+v for status %d", p, r.Code)
	}
	return p
}

type problemBody struct {
	Type      string                `json:"type"`
	Title     string                `json:"title"`
	Status    int                   `json:"status"`
	Detail    string                `json:"detail"`
	Errors    []transfer.FieldError `json:"errors"`
	RequestID string                `json:"request_id"`
}

func (p problemBody) fields() []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// do sends a request as the named actor ("" for anonymous). body may be a
// string (sent as is) or a value (sent as JSON).
func (api *testAPI) do(as, method, path string, body any, headers ...string) response {
	api.t.Helper()
	var r io.Reader
	var sent []byte
	switch b := body.(type) {
	case nil:
	case string:
		r, sent = strings.NewReader(b), []byte(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			api.t.Fatal(err)
		}
		r, sent = bytes.NewReader(raw), raw
	}
	req := httptest.NewRequest(method, path, r)
	req.RemoteAddr = "192.0.2.10:4711"
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if as != "" {
		req.Header.Set("Authorization", api.bearer[as])
	}
	// A header named once replaces what is set above; named again, it is
	// another line of it.
	named := map[string]bool{}
	for i := 0; i+1 < len(headers); i += 2 {
		if named[headers[i]] {
			req.Header.Add(headers[i], headers[i+1])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
		named[headers[i]] = true
	}
	rec := httptest.NewRecorder()
	api.server.ServeHTTP(rec, req)
	checkContract(api.t, req, sent, rec)
	return response{rec, api.t}
}

// doForm posts a form, as OAuth clients do.
func (api *testAPI) doForm(as, path string, form url.Values, headers ...string) response {
	api.t.Helper()
	sent := []byte(form.Encode())
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(sent))
	req.RemoteAddr = "192.0.2.10:4711"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if as != "" {
		req.Header.Set("Authorization", api.bearer[as])
	}
	// A header named once replaces what is set above; named again, it is
	// another line of it.
	named := map[string]bool{}
	for i := 0; i+1 < len(headers); i += 2 {
		if named[headers[i]] {
			req.Header.Add(headers[i], headers[i+1])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
		named[headers[i]] = true
	}
	rec := httptest.NewRecorder()
	api.server.ServeHTTP(rec, req)
	checkContract(api.t, req, sent, rec)
	return response{rec, api.t}
}

var emptyConfig = httpapi.Config{}

var seq atomic.Int64

func uniqueEmail() string { return fmt.Sprintf("u%d@test.example", seq.Add(1)) }

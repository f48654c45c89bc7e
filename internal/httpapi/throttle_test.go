package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// countingHasher is the real argon2id hasher with a count of the checks
// running and run, to see from outside what the throttle and the gate let
// through.
type countingHasher struct {
	transfer.PasswordHasher
	verified, running, peak atomic.Int64
	hold                    chan struct{} // when set, each check waits for it
}

func (h *countingHasher) Verify(encoded, password string) (bool, error) {
	n := h.running.Add(1)
	defer h.running.Add(-1)
	for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
	}
	h.verified.Add(1)
	if h.hold != nil {
		<-h.hold
	}
	return h.PasswordHasher.Verify(encoded, password)
}

var trustedProxy = func() httpapi.Config {
	_, proxies, _ := net.ParseCIDR("192.0.2.0/24")
	return httpapi.Config{TrustedProxies: []*net.IPNet{proxies}}
}()

// Issue 12, item 5: 60 simultaneous wrong passwords for one account (limit
// 5) were all checked. Attempts are counted before the hash now.
func TestSimultaneousGuessesAreCountedBeforeTheHash(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		h := &countingHasher{PasswordHasher: auth.FastArgon2}
		api := newTestAPIWithHasher(t, s, emptyConfig, transfer.Config{}, h)
		h.verified.Store(0)
		var wg sync.WaitGroup
		var limited, refused atomic.Int64
		for i := range 60 {
			wg.Go(func() {
				r := api.login(api.staff.Email, "wrong password "+strconv.Itoa(i))
				switch r.Code {
				case http.StatusTooManyRequests:
					limited.Add(1)
				case http.StatusUnauthorized:
					refused.Add(1)
				default:
					t.Errorf("status %d: %s", r.Code, r.Body.String())
				}
			})
		}
		wg.Wait()
		t.Logf("60 simultaneous guesses: %d checked, %d refused with 401, %d with 429", h.verified.Load(), refused.Load(), limited.Load())
		if h.verified.Load() > 5 || refused.Load() > 5 || limited.Load() < 55 {
			t.Fatalf("%d passwords checked, %d 401, %d 429; want at most 5 checked", h.verified.Load(), refused.Load(), limited.Load())
		}
	})
}

// Password checks run a few at a time; beyond that callers wait a moment
// and then get 503 with Retry-After, so a flood of logins cannot take the
// memory argon2id needs 100 times over.
func TestPasswordHashesAreBounded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		h := &countingHasher{PasswordHasher: auth.FastArgon2}
		api := newTestAPIWithHasher(t, s, trustedProxy, transfer.Config{HashConcurrency: 2}, h)
		h.hold = make(chan struct{})
		var wg sync.WaitGroup
		codes := make(chan response, 12)
		for i := range 12 { // distinct accounts and addresses: no throttle applies
			wg.Go(func() {
				codes <- api.login(uniqueEmail(), "wrong password", "X-Forwarded-For", "203.0.113."+strconv.Itoa(i))
			})
		}
		// Two checks hold their slots until ten answers are in (or 10 s pass,
		// which only happens when nothing bounds the checks).
		var answers []response
		timeout := time.After(10 * time.Second)
	collect:
		for len(answers) < 10 {
			select {
			case r := <-codes:
				answers = append(answers, r)
			case <-timeout:
				break collect
			}
		}
		close(h.hold)
		wg.Wait()
		close(codes)
		for r := range codes {
			answers = append(answers, r)
		}
		unavailable := 0
		for _, r := range answers {
			switch r.Code {
			case http.StatusServiceUnavailable:
				unavailable++
				if r.Header().Get("Retry-After") == "" {
					t.Error("503 without Retry-After")
				}
			case http.StatusUnauthorized:
			default:
				t.Errorf("status %d: %s", r.Code, r.Body.String())
			}
		}
		t.Logf("12 logins, 2 hash slots: peak %d checks at once, %d answered 503", h.peak.Load(), unavailable)
		if h.peak.Load() > 2 || unavailable != 10 {
			t.Fatalf("peak %d checks at once, %d answered 503; want at most 2 and 10", h.peak.Load(), unavailable)
		}
	})
}

// The count is in the database: two API processes share it.
func TestLoginThrottleIsSharedByReplicas(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			cfg := dbtest.Config(t, dialect)
			st := dbtest.Open(t, cfg)
			api := newTestAPI(t, st, emptyConfig)
			b, _ := replica(t, cfg, api.tokens)
			for i := range 6 {
				server := http.Handler(api.server)
				if i%2 == 1 {
					server = b
				}
				r := postJSON(t, server, "/api/v1/auth/login", map[string]string{"email": api.staff.Email, "password": "wrong password"})
				if want := map[bool]int{true: 401, false: 429}[i < 5]; r.Code != want {
					t.Fatalf("attempt %d on replica %d: status %d, want %d", i+1, i%2, r.Code, want)
				}
			}
		})
	}
}

// An attacker elsewhere cannot lock the owner out; an admin can unlock the
// owner's own address; the token endpoint is throttled too.
func TestThrottleIsPerAccountAndAddress(t *testing.T) {
	eachWith(t, trustedProxy, func(t *testing.T, api *testAPI) {
		attacker, owner := "X-Forwarded-For", "198.51.100.20"
		for range 5 {
			api.login(api.staff.Email, "wrong password", attacker, "203.0.113.66").want(401)
		}
		api.login(api.staff.Email, api.password, attacker, "203.0.113.66").want(429)
		api.login(api.staff.Email, api.password, "X-Forwarded-For", owner).want(200)

		// The owner mistypes five times: locked out from its address until an admin unlocks.
		for range 5 {
			api.login(api.analyst.Email, "wrong password", "X-Forwarded-For", owner).want(401)
		}
		api.login(api.analyst.Email, api.password, "X-Forwarded-For", owner).want(429)
		api.do("staff", http.MethodPost, "/api/v1/users/"+api.analyst.ID+"/unlock", nil).want(403)
		api.do("admin", http.MethodPost, "/api/v1/users/"+api.analyst.ID+"/unlock", nil).want(204)
		api.login(api.analyst.Email, api.password, "X-Forwarded-For", owner).want(200)

		// /oauth/token: five wrong secrets for one client from one address, then 429.
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {api.client.ID}, "client_secret": {"tbs_wrong"}}
		for range 5 {
			api.doForm("", "/api/v1/oauth/token", form, attacker, "203.0.113.67").want(401)
		}
		r := api.doForm("", "/api/v1/oauth/token", form, attacker, "203.0.113.67").want(429)
		if r.Header().Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	})
}

// postJSON sends a JSON body to a handler from the test's usual address.
func postJSON(t *testing.T, h http.Handler, path string, body any) *httptest.ResponseRecorder {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(raw))
	req.RemoteAddr = "192.0.2.10:4711"
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// An address over its limit adds no rows: spraying random emails cannot
// grow the attempts table past the limit per address and window. The purge
// counts the rows once the window has passed.
func TestThrottledAddressAddsNoRows(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		for range 40 {
			api.login(uniqueEmail(), "wrong password")
		}
		api.advance(16 * time.Minute)
		n, err := api.svc.PurgeAttempts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 21 { // the address's row and the 20 pairs it was allowed
			t.Fatalf("40 attempts from one address left %d rows, want 21", n)
		}
	})
}

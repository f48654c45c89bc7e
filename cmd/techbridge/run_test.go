package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/match"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
)

// syncBuffer is written by run's goroutines and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// waitFor polls the buffer until re matches, and returns the first group.
func waitFor(t *testing.T, buf *syncBuffer, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(buf.String()); m != nil {
			return m[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("never saw %s in:\n%s", re, buf.String())
	return ""
}

var (
	listeningRe = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)
	passwordRe  = regexp.MustCompile(`Generated password \(shown once, change it\): (\S+)`)
)

type server struct {
	base   string
	stdout *syncBuffer
	stderr *syncBuffer
	stop   func() error
}

func start(t *testing.T, env map[string]string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, s.stdout, s.stderr)
	}()
	s.stop = func() error {
		cancel()
		select {
		case err := <-errc:
			return err
		case <-time.After(30 * time.Second):
			return fmt.Errorf("run did not return after cancel")
		}
	}
	s.base = "http://" + waitFor(t, s.stderr, listeningRe)
	return s
}

func call(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func envFor(t *testing.T, dialect string) map[string]string {
	env := map[string]string{"TECHBRIDGE_ADDR": "127.0.0.1:0", "TECHBRIDGE_SHUTDOWN_DELAY": "300ms"}
	if dialect == store.SQLite {
		// A data directory that does not exist yet, as on a bare machine.
		env["TECHBRIDGE_DATA_DIR"] = filepath.Join(t.TempDir(), "fresh", "data")
	} else {
		env["DATABASE_URL"] = dbtest.Config(t, dialect).DatabaseURL
		env["TECHBRIDGE_JWT_SECRET"] = "an end-to-end secret of at least 32 bytes"
		// Also with Postgres the data directory keeps the matching
		// engine's analyses: not in the source tree.
		env["TECHBRIDGE_DATA_DIR"] = filepath.Join(t.TempDir(), "data")
	}
	return env
}

// TestEndToEnd drives the real program: start, bootstrap, log in, work,
// shut down with a request in flight, start again on the same data.
func TestEndToEnd(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			env := envFor(t, dialect)
			srv := start(t, env)
			password := waitFor(t, srv.stdout, passwordRe)
			if strings.Contains(srv.stderr.String(), password) {
				t.Fatal("the generated password reached the log")
			}
			status, tok := call(t, "POST", srv.base+"/api/v1/auth/login", "", map[string]string{"email": "admin@localhost", "password": password})
			if status != 200 {
				t.Fatalf("login: %d %v", status, tok)
			}
			access := tok["access_token"].(string)
			// The staff console is served by the same process.
			if res, err := http.Get(srv.base + "/console/"); err != nil || res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("console: %v %v", res, err)
			} else {
				res.Body.Close()
			}
			if !strings.Contains(srv.stderr.String(), "e-mail off: set TECHBRIDGE_SMTP_URL") {
				t.Error("the start log does not say that e-mail is off")
			}
			status, inst := call(t, "POST", srv.base+"/api/v1/institutions", access, map[string]any{"name": "Mahidol University", "country": "TH", "type": "university"})
			if status != 201 {
				t.Fatalf("create institution: %d %v", status, inst)
			}

			// A request whose body is still arriving when the stop signal comes
			// must still be answered: shutdown waits for in-flight requests.
			pr, pw := io.Pipe()
			req, _ := http.NewRequest("POST", srv.base+"/api/v1/auth/login", pr)
			req.Header.Set("Content-Type", "application/json")
			respc := make(chan *http.Response, 1)
			go func() {
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
				}
				respc <- resp
			}()
			fmt.Fprintf(pw, `{"email":"admin@localhost",`)
			time.Sleep(100 * time.Millisecond)
			stopped := make(chan error, 1)
			go func() { stopped <- srv.stop() }()
			waitFor(t, srv.stderr, regexp.MustCompile(`"msg":"(shutting down)"`))
			// While draining, readiness fails so that no new traffic is routed here.
			if status, _ := call(t, "GET", srv.base+"/readyz", "", nil); status != 503 {
				t.Fatalf("readyz while draining: %d, want 503", status)
			}
			fmt.Fprintf(pw, `"password":%q}`, password)
			pw.Close()
			resp := <-respc
			if resp == nil || resp.StatusCode != 200 {
				t.Fatalf("in-flight request was not answered: %v", resp)
			}
			resp.Body.Close()
			if err := <-stopped; err != nil {
				t.Fatalf("run returned %v", err)
			}

			// Started again: no second admin, and the signing key survived, so
			// the old access token still works.
			srv = start(t, env)
			defer srv.stop()
			if strings.Contains(srv.stdout.String(), "Generated password") {
				t.Fatal("a second bootstrap admin was created")
			}
			status, got := call(t, "GET", srv.base+"/api/v1/institutions/"+inst["id"].(string), access, nil)
			if status != 200 || got["name"] != "Mahidol University" {
				t.Fatalf("after restart: %d %v", status, got)
			}
			if err := run(context.Background(), []string{"healthcheck"}, func(k string) string {
				if k == "TECHBRIDGE_ADDR" {
					return strings.TrimPrefix(srv.base, "http://")
				}
				return ""
			}, io.Discard, io.Discard); err != nil {
				t.Fatalf("healthcheck: %v", err)
			}
		})
	}
}

func TestCommands(t *testing.T) {
	env := envFor(t, store.SQLite)
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, getenv, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "techbridge ") {
		t.Fatalf("version: %q %v", out.String(), err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate", "up"}, getenv, &out, io.Discard); err != nil || !regexp.MustCompile(`applied [1-9][0-9]* migration`).MatchString(out.String()) {
		t.Fatalf("migrate up: %q %v", out.String(), err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate", "status"}, getenv, &out, io.Discard); err != nil || !strings.Contains(out.String(), "applied 20") {
		t.Fatalf("migrate status: %q %v", out.String(), err)
	}
	out.Reset()
	err := run(context.Background(), []string{"user", "create", "--email", "ana@example.org", "--role", "analyst"}, getenv, &out, io.Discard)
	if err != nil || !regexp.MustCompile(`created analyst user ana@example.org .*\npassword \(shown once\): \S{20,}`).MatchString(out.String()) {
		t.Fatalf("user create: %q %v", out.String(), err)
	}
	err = run(context.Background(), []string{"user", "create", "--email", "p@example.org", "--role", "partner"}, getenv, &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "institution_id: is required for partners") {
		t.Fatalf("partner without institution: %v", err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, getenv, io.Discard, io.Discard); err == nil {
		t.Fatal("unknown command accepted")
	}
}

func TestConfigurationIsValidatedAndSecretsMasked(t *testing.T) {
	bad := map[string]string{
		"TECHBRIDGE_ADDR":            "8080",
		"DATABASE_URL":               "mysql://x",
		"TECHBRIDGE_JWT_SECRET":      "short",
		"TECHBRIDGE_ADMIN_EMAIL":     "root",
		"TECHBRIDGE_CORS_ORIGINS":    "https://ok.example, not an origin",
		"TECHBRIDGE_TRUSTED_PROXIES": "10.0.0.0/8,nonsense",
		"TECHBRIDGE_MATCH_WEIGHTS":   "text=0.5,colour=1",
		"TECHBRIDGE_FX_RATES":        "THB=36,XYZ=-1",
	}
	err := run(context.Background(), nil, func(k string) string { return bad[k] }, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, name := range []string{"TECHBRIDGE_ADDR", "DATABASE_URL", "TECHBRIDGE_JWT_SECRET", "TECHBRIDGE_ADMIN_EMAIL",
		"TECHBRIDGE_CORS_ORIGINS", "TECHBRIDGE_TRUSTED_PROXIES", "TECHBRIDGE_MATCH_WEIGHTS", "TECHBRIDGE_FX_RATES"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
	if err := run(context.Background(), nil, func(k string) string {
		return map[string]string{"DATABASE_URL": "postgres://db/techbridge"}[k]
	}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "TECHBRIDGE_JWT_SECRET is required") {
		t.Fatalf("postgres without a jwt secret: %v", err)
	}

	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"DATABASE_URL": "postgres://app:hunter2hunter2@db:5432/tb", "TECHBRIDGE_JWT_SECRET": "s3cret-s3cret-s3cret-s3cret-s3cret!",
			"TECHBRIDGE_ADMIN_PASSWORD": "admin-password-123"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	logger := newJSONLogger(&log)
	logger.Info("starting", "config", cfg)
	for _, secret := range []string{"hunter2hunter2", "s3cret-s3cret", "admin-password-123"} {
		if strings.Contains(log.String(), secret) {
			t.Errorf("secret %q in log line %s", secret, log.String())
		}
	}
}

func TestMatchWeightsComeFromConfiguration(t *testing.T) {
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"TECHBRIDGE_MATCH_WEIGHTS": "budget=0.5, freshness=0", "TECHBRIDGE_FX_RATES": "thb=35"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MatchWeights.Budget != 0.5 || cfg.MatchWeights.Freshness != 0 || cfg.MatchWeights.Text != match.DefaultWeights.Text {
		t.Fatalf("weights %+v", cfg.MatchWeights)
	}
	if cfg.FXRates["THB"] != 35 || cfg.FXRates["CNY"] != match.DefaultRates["CNY"] {
		t.Fatalf("rates %v", cfg.FXRates)
	}
	tuned, _ := match.New(match.Config{Weights: cfg.MatchWeights})
	plain, _ := match.New(match.Config{})
	if tuned.Version() == plain.Version() {
		t.Fatal("other weights, same algorithm version")
	}
}

func TestPublicURLIsAnOrigin(t *testing.T) {
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"TECHBRIDGE_PUBLIC_URL": "https://techbridge.example.org/console/"}[k]
	})
	if err != nil || cfg.PublicURL != "https://techbridge.example.org" {
		t.Fatalf("public URL %q, %v", cfg.PublicURL, err)
	}
	for _, bad := range []string{"techbridge.example.org", "ftp://x.example", "https://"} {
		_, err := loadConfig(func(k string) string { return map[string]string{"TECHBRIDGE_PUBLIC_URL": bad}[k] })
		if err == nil || !strings.Contains(err.Error(), "TECHBRIDGE_PUBLIC_URL") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

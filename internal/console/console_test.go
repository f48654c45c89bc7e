package console_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/console"
)

// Everything the console has is what a first load may fetch (no lazy
// chunks), so the sum of the compressed files is an upper bound of it.
func TestFirstLoadBudget(t *testing.T) {
	h, err := console.New()
	if err != nil {
		t.Fatal(err)
	}
	var raw, gz int
	for p, s := range h.Sizes() {
		raw += s[0]
		gz += s[1]
		t.Logf("%-28s %7d B  gzip %6d B", p, s[0], s[1])
	}
	t.Logf("all console files: %d B, gzip %d B", raw, gz)
	if gz > 300*1024 {
		t.Fatalf("the console is %d bytes compressed, over the 300 KB budget", gz)
	}
}

func TestServing(t *testing.T) {
	h, err := console.New()
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string, hdr ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	r := get("/console/")
	if r.Code != 200 || !strings.Contains(r.Body.String(), `<script type="module" src="js/app.js">`) {
		t.Fatalf("index: %d %s", r.Code, r.Body)
	}
	r = get("/console/js/app.js", "Accept-Encoding", "gzip, br")
	if r.Header().Get("Content-Encoding") != "gzip" || !strings.HasPrefix(r.Header().Get("Content-Type"), "text/javascript") {
		t.Fatalf("app.js headers: %v", r.Header())
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); !bytes.Contains(b, []byte("render")) {
		t.Fatal("gzip body is not app.js")
	}
	if r := get("/console/js/app.js", "If-None-Match", r.Header().Get("ETag")); r.Code != http.StatusNotModified {
		t.Fatalf("revalidation: %d", r.Code)
	}
	if r := get("/console/js/app.js", "Accept-Encoding", "gzip;q=0"); r.Header().Get("Content-Encoding") != "" {
		t.Fatal("gzip sent although refused")
	}
	if r := get("/console/../console.go"); r.Code != http.StatusNotFound {
		t.Fatalf("outside file: %d", r.Code)
	}
	req := httptest.NewRequest("POST", "/console/", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", rec.Code)
	}
}

// The console is served by the API's router with a policy that allows its
// own files only: no inline script or style, no other origin.
func TestSecurityHeaders(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect string) {
		s := startSite(t, dialect)
		res, err := http.Get(s.base + "/console/")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") {
			t.Errorf("CSP allows unsafe sources: %q", csp)
		}
		if res.Header.Get("X-Frame-Options") != "DENY" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("headers: %v", res.Header)
		}
		// / and /console lead to the console.
		cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for _, p := range []string{"/", "/console"} {
			res, err := cl.Get(s.base + p)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/console/" {
				t.Errorf("%s: %d %s", p, res.StatusCode, res.Header.Get("Location"))
			}
		}
	})
}

// Every key the code asks for is in the English catalogue, and the Chinese
// catalogue has exactly the English keys.
func TestCatalogues(t *testing.T) {
	keysOf := func(path string) map[string]bool {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, m := range regexp.MustCompile(`'([a-zA-Z_.-]+)':`).FindAllStringSubmatch(string(b), -1) {
			out[m[1]] = true
		}
		return out
	}
	en, zh := keysOf("static/i18n/en.js"), keysOf("static/i18n/zh-Hans.js")
	for k := range en {
		if !zh[k] {
			t.Errorf("zh-Hans lacks %q", k)
		}
	}
	for k := range zh {
		if !en[k] {
			t.Errorf("zh-Hans has %q, en does not", k)
		}
	}
	files, _ := filepath.Glob("static/js/*.js")
	more, _ := filepath.Glob("static/js/pages/*.js")
	used := regexp.MustCompile(`\bt\('([a-zA-Z_.-]+)'`)
	for _, f := range append(files, more...) {
		b, _ := os.ReadFile(f)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if k := m[1]; !strings.HasSuffix(k, ".") && !en[k] {
				t.Errorf("%s uses %q, which is in no catalogue", f, k)
			}
		}
	}
}

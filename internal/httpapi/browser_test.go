package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/httpapi"
)

// cookiesOf reads the Set-Cookie headers of a response by name.
func cookiesOf(r response) map[string]*http.Cookie {
	out := map[string]*http.Cookie{}
	for _, c := range (&http.Response{Header: r.Header()}).Cookies() {
		out[c.Name] = c
	}
	return out
}

// browserLogin signs the staff user in as the console does.
func browserLogin(t *testing.T, api *testAPI) (refresh, csrf *http.Cookie) {
	t.Helper()
	r := api.do("", "POST", "/api/v1/auth/login", map[string]string{"email": "staff@test.example", "password": api.password},
		"X-Token-Delivery", "cookie", "Origin", "http://example.com").want(200)
	var tok map[string]any
	r.json(&tok)
	if _, ok := tok["refresh_token"]; ok {
		t.Fatal("cookie delivery left the refresh token in the body")
	}
	if tok["access_token"] == "" {
		t.Fatal("no access token")
	}
	c := cookiesOf(r)
	refresh, csrf = c[httpapi.RefreshCookie], c[httpapi.CSRFCookie]
	if refresh == nil || csrf == nil {
		t.Fatalf("cookies: %v", r.Header().Values("Set-Cookie"))
	}
	if !refresh.HttpOnly || !refresh.Secure || refresh.SameSite != http.SameSiteStrictMode || refresh.Path != "/api/v1/auth" {
		t.Fatalf("refresh cookie attributes: %+v", refresh)
	}
	if csrf.HttpOnly || !csrf.Secure || csrf.SameSite != http.SameSiteStrictMode || csrf.Value == "" {
		t.Fatalf("csrf cookie attributes: %+v", csrf)
	}
	return refresh, csrf
}

func TestBrowserSessionCookies(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		refresh, csrf := browserLogin(t, api)
		jar := refresh.Name + "=" + refresh.Value + "; " + csrf.Name + "=" + csrf.Value

		// Refresh: without the CSRF header, with a wrong one, or from another origin: 403.
		api.do("", "POST", "/api/v1/auth/refresh", map[string]string{}, "X-Token-Delivery", "cookie", "Origin", "http://example.com", "Cookie", jar).want(403)
		api.do("", "POST", "/api/v1/auth/refresh", map[string]string{}, "X-Token-Delivery", "cookie", "Origin", "http://example.com", "Cookie", jar, "X-CSRF-Token", csrf.Value+"x").want(403)
		api.do("", "POST", "/api/v1/auth/refresh", map[string]string{}, "X-Token-Delivery", "cookie", "Origin", "https://evil.example", "Cookie", jar, "X-CSRF-Token", csrf.Value).want(403)
		api.do("", "POST", "/api/v1/auth/refresh", map[string]string{}, "X-Token-Delivery", "cookie", "Cookie", jar, "X-CSRF-Token", csrf.Value).want(403)

		r := api.do("", "POST", "/api/v1/auth/refresh", map[string]string{}, "X-Token-Delivery", "cookie", "Origin", "http://example.com", "Cookie", jar, "X-CSRF-Token", csrf.Value).want(200)
		if strings.Contains(r.Body.String(), "refresh_token") {
			t.Fatalf("refresh body carries a refresh token: %s", r.Body)
		}
		next := cookiesOf(r)
		if next[httpapi.RefreshCookie] == nil || next[httpapi.RefreshCookie].Value == refresh.Value {
			t.Fatal("refresh did not rotate the cookie")
		}
		// The spent cookie is refused (and, as a reuse, revokes the family).
		api.do("", "POST", "/api/v1/auth/refresh", map[string]string{}, "X-Token-Delivery", "cookie", "Origin", "http://example.com", "Cookie", jar, "X-CSRF-Token", csrf.Value).want(401)
	})
}

func TestBrowserLogoutClearsCookies(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		refresh, csrf := browserLogin(t, api)
		jar := refresh.Name + "=" + refresh.Value + "; " + csrf.Name + "=" + csrf.Value
		api.do("", "POST", "/api/v1/auth/logout", map[string]string{}, "X-Token-Delivery", "cookie", "Origin", "http://example.com", "Cookie", jar).want(403)
		r := api.do("", "POST", "/api/v1/auth/logout", map[string]string{}, "X-Token-Delivery", "cookie", "Origin", "http://example.com", "Cookie", jar, "X-CSRF-Token", csrf.Value).want(204)
		for _, name := range []string{httpapi.RefreshCookie, httpapi.CSRFCookie} {
			if c := cookiesOf(r)[name]; c == nil || c.MaxAge >= 0 {
				t.Fatalf("logout did not clear %s: %v", name, r.Header().Values("Set-Cookie"))
			}
		}
		// The refresh token is revoked.
		api.do("", "POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": refresh.Value}).want(401)
	})
}

func TestBrowserLoginFromAnotherOriginIsRefused(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		api.do("", "POST", "/api/v1/auth/login", map[string]string{"email": "staff@test.example", "password": api.password},
			"X-Token-Delivery", "cookie", "Origin", "https://evil.example").want(403)
	})
}

// Behind a proxy the configured public URL is the origin.
func TestBrowserLoginOriginIsThePublicURL(t *testing.T) {
	eachWith(t, httpapi.Config{PublicURL: "https://techbridge.example.org"}, func(t *testing.T, pub *testAPI) {
		pub.do("", "POST", "/api/v1/auth/login", map[string]string{"email": "staff@test.example", "password": pub.password},
			"X-Token-Delivery", "cookie", "Origin", "http://example.com").want(403)
		pub.do("", "POST", "/api/v1/auth/login", map[string]string{"email": "staff@test.example", "password": pub.password},
			"X-Token-Delivery", "cookie", "Origin", "https://techbridge.example.org").want(200)
	})
}

package httpapi_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/httpapi"
)

type tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

func (api *testAPI) login(email, password string, headers ...string) response {
	api.t.Helper()
	return api.do("", http.MethodPost, "/api/v1/auth/login", map[string]string{"email": email, "password": password}, headers...)
}

func TestLoginRefreshRotationAndReuse(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		var first tokens
		api.login("STAFF@test.example ", api.password).want(200).json(&first)
		if first.AccessToken == "" || first.RefreshToken == "" || first.TokenType != "Bearer" || first.ExpiresIn != 900 {
			t.Fatalf("login tokens %+v", first)
		}
		me := api.do("", http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+first.AccessToken).want(200)
		if !strings.Contains(me.Body.String(), `"email":"staff@test.example"`) {
			t.Fatalf("me: %s", me.Body.String())
		}
		var second tokens
		api.do("", http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": first.RefreshToken}).want(200).json(&second)
		if second.RefreshToken == first.RefreshToken || second.AccessToken == "" {
			t.Fatal("refresh did not rotate the refresh token")
		}
		// Reusing the spent token is theft or a bug: the whole family dies,
		// including the token that was legitimately rotated.
		api.do("", http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": first.RefreshToken}).want(401).problem()
		api.do("", http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": second.RefreshToken}).want(401)
		// Another login is another family and still works.
		var other tokens
		api.login("staff@test.example", api.password).want(200).json(&other)
		api.do("", http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": other.RefreshToken}).want(200)
	})
}

func TestLogoutRevokesTheFamily(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		var tk tokens
		api.login("staff@test.example", api.password).want(200).json(&tk)
		api.do("", http.MethodPost, "/api/v1/auth/logout", map[string]string{"refresh_token": tk.RefreshToken}).want(204)
		api.do("", http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": tk.RefreshToken}).want(401)
		api.do("", http.MethodPost, "/api/v1/auth/logout", map[string]string{"refresh_token": tk.RefreshToken}).want(204)
	})
}

func TestLoginFailuresAreThrottledPerAccount(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		for i := range 5 {
			p := api.login("staff@test.example", "wrong password "+strconv.Itoa(i)).want(401).problem()
			if p.Detail != "email or password is wrong" {
				t.Fatalf("detail %q", p.Detail)
			}
		}
		// Now even the right password is refused until the window passes.
		r := api.login("staff@test.example", api.password).want(429)
		r.problem()
		if s, err := strconv.Atoi(r.Header().Get("Retry-After")); err != nil || s <= 0 || s > 900 {
			t.Fatalf("Retry-After %q", r.Header().Get("Retry-After"))
		}
		// Other accounts from the same address are not locked out by it.
		api.login("admin@test.example", api.password).want(200)
		// Unknown accounts answer like wrong passwords.
		if p := api.login("nobody@test.example", api.password).want(401).problem(); p.Detail != "email or password is wrong" {
			t.Fatalf("unknown account detail %q", p.Detail)
		}
	})
}

func TestLoginFailuresAreThrottledPerIP(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		// X-Forwarded-For is not trusted by default: spoofing it changes nothing.
		for i := range 20 {
			api.login(uniqueEmail(), "wrong password", "X-Forwarded-For", "203.0.113."+strconv.Itoa(i)).want(401)
		}
		api.login("staff@test.example", api.password, "X-Forwarded-For", "198.51.100.1").want(429)
	})
}

func TestTrustedProxyForwardsClientIP(t *testing.T) {
	_, proxies, _ := net.ParseCIDR("192.0.2.0/24")
	eachWith(t, httpapi.Config{TrustedProxies: []*net.IPNet{proxies}}, func(t *testing.T, api *testAPI) {
		// Requests come from 192.0.2.10, a trusted proxy: each forwarded client
		// has its own budget, so twenty failures from twenty clients lock no one out.
		for i := range 20 {
			api.login(uniqueEmail(), "wrong password", "X-Forwarded-For", "203.0.113."+strconv.Itoa(i)).want(401)
		}
		api.login("staff@test.example", api.password, "X-Forwarded-For", "198.51.100.1").want(200)
		// The forwarded client itself is throttled.
		for range 20 {
			api.login(uniqueEmail(), "wrong password", "X-Forwarded-For", "198.51.100.7").want(401)
		}
		api.login("staff@test.example", api.password, "X-Forwarded-For", "198.51.100.7").want(429)
	})
}

func TestChangePassword(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		var tk tokens
		api.login("staff@test.example", api.password).want(200).json(&tk)
		p := api.do("staff", http.MethodPost, "/api/v1/me/password", map[string]string{"current_password": "wrong one", "new_password": "x"}).want(422).problem()
		if strings.Join(p.fields(), ",") != "current_password" {
			t.Fatalf("fields %v", p.fields())
		}
		p = api.do("staff", http.MethodPost, "/api/v1/me/password", map[string]string{"current_password": api.password, "new_password": "short"}).want(422).problem()
		if strings.Join(p.fields(), ",") != "new_password" {
			t.Fatalf("fields %v", p.fields())
		}
		api.do("staff", http.MethodPost, "/api/v1/me/password", map[string]string{"current_password": api.password, "new_password": "a brand new passphrase"}).want(204)
		api.login("staff@test.example", api.password).want(401)
		api.login("staff@test.example", "a brand new passphrase").want(200)
		// Sessions from before the change are over.
		api.do("", http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": tk.RefreshToken}).want(401)
	})
}

func TestDisabledUserIsLockedOut(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		var tk tokens
		api.login("analyst@test.example", api.password).want(200).json(&tk)
		api.do("admin", http.MethodPatch, "/api/v1/users/"+api.analyst.ID, map[string]any{"disabled": true}).want(200)
		api.login("analyst@test.example", api.password).want(401)
		api.do("", http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": tk.RefreshToken}).want(401)
		// An admin cannot lock itself out.
		p := api.do("admin", http.MethodPatch, "/api/v1/users/"+api.admin.ID, map[string]any{"disabled": true}).want(422).problem()
		if len(p.Errors) != 1 || p.Errors[0].Field != "role" {
			t.Fatalf("self-disable: %+v", p)
		}
	})
}

func TestClientCredentialsWithStandardLibrary(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		srv := httptest.NewServer(api.server)
		defer srv.Close()
		var created struct {
			ClientID      string `json:"client_id"`
			ClientSecret  string `json:"client_secret"`
			TokenEndpoint string `json:"token_endpoint"`
		}
		api.do("staff", http.MethodPost, "/api/v1/institutions/"+api.ownInst.ID+"/clients", map[string]string{"name": "sync"}).want(201).json(&created)
		if !strings.HasPrefix(created.ClientSecret, "tbs_") {
			t.Fatalf("secret %q", created.ClientSecret)
		}
		// The secret is never shown again.
		list := api.do("staff", http.MethodGet, "/api/v1/institutions/"+api.ownInst.ID+"/clients", nil).want(200)
		if strings.Contains(list.Body.String(), created.ClientSecret) || strings.Contains(list.Body.String(), "secret") {
			t.Fatalf("client list leaks secrets: %s", list.Body.String())
		}
		for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
			cfg := clientcredentials.Config{ClientID: created.ClientID, ClientSecret: created.ClientSecret,
				TokenURL: srv.URL + created.TokenEndpoint, AuthStyle: style}
			hc := cfg.Client(context.Background())
			resp, err := hc.Get(srv.URL + "/api/v1/me")
			if err != nil {
				t.Fatalf("style %v: %v", style, err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("style %v: /me answered %d", style, resp.StatusCode)
			}
		}
		bad := clientcredentials.Config{ClientID: created.ClientID, ClientSecret: created.ClientSecret + "x", TokenURL: srv.URL + created.TokenEndpoint}
		if _, err := bad.Token(context.Background()); err == nil || !strings.Contains(err.Error(), "invalid_client") {
			t.Fatalf("wrong secret: %v", err)
		}
		api.do("staff", http.MethodDelete, "/api/v1/institutions/"+api.ownInst.ID+"/clients/"+created.ClientID, nil).want(204)
		revoked := clientcredentials.Config{ClientID: created.ClientID, ClientSecret: created.ClientSecret, TokenURL: srv.URL + created.TokenEndpoint}
		if _, err := revoked.Token(context.Background()); err == nil {
			t.Fatal("revoked client still gets tokens")
		}
		r := api.doForm("", "/api/v1/oauth/token", map[string][]string{"grant_type": {"password"}})
		if r.Code != 400 || !strings.Contains(r.Body.String(), "unsupported_grant_type") {
			t.Fatalf("password grant: %d %s", r.Code, r.Body.String())
		}
	})
}

func TestForgedTokensAreRefusedAtTheEdge(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		claims := jwt.MapClaims{"iss": auth.Issuer, "aud": []string{auth.Audience}, "sub": api.admin.ID,
			"role": "admin", "kind": "user", "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
		none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
		claims["exp"] = time.Now().Add(-time.Hour).Unix()
		expired, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(testSecret)
		for name, header := range map[string]string{
			"alg none":    "Bearer " + none,
			"expired":     "Bearer " + expired,
			"60,000 dots": "Bearer " + strings.Repeat(".", 60000),
			"not bearer":  "Basic YWRtaW46YWRtaW4=",
			"empty":       "Bearer ",
		} {
			r := api.do("", http.MethodGet, "/api/v1/users", nil, "Authorization", header)
			if r.Code != 401 || !strings.HasPrefix(r.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s: status %d, WWW-Authenticate %q", name, r.Code, r.Header().Get("WWW-Authenticate"))
			}
			r.problem()
		}
	})
}

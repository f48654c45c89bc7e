package httpapi

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Browser sessions. A browser opts in with the request header
// X-Token-Delivery: cookie on login, refresh and logout. The refresh token
// then travels only in an HttpOnly cookie scoped to the auth routes, so no
// script can read it; the access token stays in the body (the page keeps it
// in memory). Because a cookie is sent by the browser on its own, refresh and
// logout in this mode are guarded against cross-site requests twice: the
// Origin must be ours, and the X-CSRF-Token header must repeat the value of
// a second, script-readable cookie (double submit). Clients that do not opt
// in keep the plain JSON exchange and are unaffected.
const (
	headerTokenDelivery = "X-Token-Delivery"
	headerCSRFToken     = "X-CSRF-Token"
	// RefreshCookie holds the refresh token: HttpOnly, Secure, SameSite=Strict,
	// Path=/api/v1/auth. (A __Host- prefix would need Path=/.)
	RefreshCookie = "techbridge_refresh"
	// CSRFCookie holds the double-submit token the page echoes in X-CSRF-Token.
	CSRFCookie     = "techbridge_csrf"
	authCookiePath = "/api/v1/auth"
)

func wantsCookie(c echo.Context) bool {
	return strings.EqualFold(strings.TrimSpace(c.Request().Header.Get(headerTokenDelivery)), "cookie")
}

// sameOrigin tells whether the request's Origin is this service: the
// configured public URL when there is one, otherwise the Host it was sent to.
func (s *Server) sameOrigin(c echo.Context) bool {
	origin := c.Request().Header.Get(echo.HeaderOrigin)
	if origin == "" || origin == "null" {
		return false
	}
	o, err := url.Parse(origin)
	if err != nil || o.Host == "" {
		return false
	}
	if s.publicURL != nil {
		return strings.EqualFold(o.Scheme, s.publicURL.Scheme) && strings.EqualFold(o.Host, s.publicURL.Host)
	}
	return strings.EqualFold(o.Host, c.Request().Host)
}

func errCrossSite() error {
	return transfer.Errorf(transfer.ErrForbidden, "a browser session needs a same-origin request with the X-CSRF-Token header")
}

// checkBrowserRequest guards refresh and logout in cookie mode.
func (s *Server) checkBrowserRequest(c echo.Context) error {
	if !s.sameOrigin(c) {
		return errCrossSite()
	}
	ck, err := c.Cookie(CSRFCookie)
	sent := c.Request().Header.Get(headerCSRFToken)
	if err != nil || ck.Value == "" || sent == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(sent)) != 1 {
		return errCrossSite()
	}
	return nil
}

// setSessionCookies stores a new refresh token and a fresh CSRF token.
func setSessionCookies(c echo.Context, refresh string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	c.SetCookie(&http.Cookie{Name: RefreshCookie, Value: refresh, Path: authCookiePath,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	c.SetCookie(&http.Cookie{Name: CSRFCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		Secure: true, SameSite: http.SameSiteStrictMode})
}

func clearSessionCookies(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: RefreshCookie, Path: authCookiePath, MaxAge: -1,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	c.SetCookie(&http.Cookie{Name: CSRFCookie, Path: "/", MaxAge: -1, Secure: true, SameSite: http.SameSiteStrictMode})
}

// writeBrowserTokens answers a cookie-mode login or refresh: the refresh
// token goes into its cookie and is left out of the body.
func writeBrowserTokens(c echo.Context, t transfer.Tokens) error {
	setSessionCookies(c, t.RefreshToken)
	t.RefreshToken = ""
	return writeTokens(c, t)
}

// refreshFromCookie is the refresh token a cookie-mode request carries.
func refreshFromCookie(c echo.Context) string {
	ck, err := c.Cookie(RefreshCookie)
	if err != nil {
		return ""
	}
	return ck.Value
}

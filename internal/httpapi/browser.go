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

// tokenDelivery reads X-Token-Delivery: absent for the tokens in the body,
// cookie for a browser; any other value is refused (422).
func tokenDelivery(c echo.Context) (bool, error) {
	v, sent := c.Request().Header[headerTokenDelivery]
	if !sent {
		return false, nil
	}
	if len(v) == 1 && v[0] == "cookie" {
		return true, nil
	}
	return false, transfer.Problems{{Field: headerTokenDelivery, Message: `must be "cookie" (or left out for the tokens in the body)`}}.Err()
}

// origin is the scheme://host[:port] an Origin header must equal.
func (s *Server) origin(c echo.Context) string {
	if s.publicURL != nil {
		return s.publicURL.Scheme + "://" + s.publicURL.Host
	}
	scheme := "http"
	if c.IsTLS() {
		scheme = "https"
	}
	return scheme + "://" + c.Request().Host
}

// sameOrigin tells whether the request's Origin is this service: the
// configured public URL when there is one, otherwise the Host it was sent to.
// The Origin must be exactly scheme://host[:port] (RFC 6454): no trailing
// slash, no path.
func (s *Server) sameOrigin(c echo.Context) bool {
	origin := c.Request().Header.Get(echo.HeaderOrigin)
	if origin == "" || origin == "null" {
		return false
	}
	if s.publicURL == nil {
		// Without a public URL the Host decides, whichever the scheme.
		o, err := url.Parse(origin)
		return err == nil && o.Host != "" && o.Path == "" && o.RawQuery == "" && o.User == nil &&
			origin == o.Scheme+"://"+o.Host && strings.EqualFold(o.Host, c.Request().Host)
	}
	return strings.EqualFold(origin, s.origin(c))
}

func errCrossSite() error {
	return transfer.Errorf(transfer.ErrForbidden, "a browser session needs a same-origin request with the X-CSRF-Token header")
}

// errOrigin says what is wrong with the Origin of a cookie-mode request.
func (s *Server) errOrigin(c echo.Context) error {
	if c.Request().Header.Get(echo.HeaderOrigin) == "" {
		return transfer.Errorf(transfer.ErrForbidden, "a browser session needs the Origin header of this service (%s)", s.origin(c))
	}
	return transfer.Errorf(transfer.ErrForbidden, "the Origin header must be exactly %s (scheme://host[:port], no path)", s.origin(c))
}

// checkBrowserRequest guards refresh and logout in cookie mode.
func (s *Server) checkBrowserRequest(c echo.Context) error {
	if !s.sameOrigin(c) {
		return s.errOrigin(c)
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

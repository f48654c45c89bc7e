package httpapi

import (
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

type loginRequest struct {
	Email    string `json:"email" example:"staff@transfer.example"`
	Password string `json:"password" example:"correct horse battery staple"`
}

type refreshRequest struct {
	// Empty or left out with X-Token-Delivery: cookie, which reads the cookie instead.
	RefreshToken string `json:"refresh_token,omitempty" binding:"optional"`
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty" binding:"optional"` // left out with X-Token-Delivery: cookie
	TokenType    string `json:"token_type" enums:"Bearer" example:"Bearer"`
	ExpiresIn    int    `json:"expires_in" example:"900"`
}

func newTokenResponse(t transfer.Tokens) tokenResponse {
	return tokenResponse{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: "Bearer",
		ExpiresIn: int(t.ExpiresIn / time.Second)}
}

// writeTokens sends tokens, which no cache may keep (RFC 6749 §5.1).
func writeTokens(c echo.Context, t transfer.Tokens) error {
	c.Response().Header().Set("Pragma", "no-cache")
	return c.JSON(http.StatusOK, newTokenResponse(t))
}

// login godoc
//
//	@Summary		Log in
//	@Description	Exchanges email and password for a short-lived access token and a refresh token. Attempts are counted before the password is checked, per account and client IP pair (5 per 15 minutes) and per client IP (20; successes are given back), in the database so every API process shares the count: 429 with Retry-After beyond. An admin can clear an account's counts (POST /users/{id}/unlock). Password checks run a few at a time: 503 with Retry-After when the server is saturated.
//	@ID			login
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			X-Token-Delivery	header		string			false	"cookie: for browsers; the refresh token is set in an HttpOnly cookie (techbridge_refresh, Path=/api/v1/auth) instead of the body, with a script-readable CSRF cookie (techbridge_csrf) to echo in X-CSRF-Token on refresh and logout; the Origin must be this service"	Enums(cookie)
//	@Param			body				body		loginRequest	true	"credentials"
//	@Success		200		{object}	tokenResponse
//	@Header			200		{string}	Set-Cookie	"with X-Token-Delivery: cookie, techbridge_refresh (HttpOnly, Secure, SameSite=Strict, Path=/api/v1/auth) and techbridge_csrf (Secure, SameSite=Strict, Path=/)"
//	@Failure		400		{object}	problem
//	@Failure		401		{object}	problem
//	@Failure		403		{object}	problem	"cookie delivery asked without the Origin of this service (exactly scheme://host[:port])"
//	@Failure		422		{object}	problem
//	@Failure		429		{object}	problem
//	@Failure		503		{object}	problem
//	@Router			/auth/login [post]
func (s *Server) login(c echo.Context) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	browser, err := tokenDelivery(c)
	if err != nil {
		return err
	}
	if browser && !s.sameOrigin(c) { // no login CSRF: a foreign page cannot sign a browser in
		return s.errOrigin(c)
	}
	t, err := s.accounts.Login(c.Request().Context(), req.Email, req.Password, c.RealIP())
	if err != nil {
		return err
	}
	if browser {
		return writeBrowserTokens(c, t)
	}
	return writeTokens(c, t)
}

// refresh godoc
//
//	@Summary		Rotate a refresh token
//	@Description	Returns a new access token and a new refresh token; the old refresh token is spent. Presenting a spent refresh token again revokes every token of that login.
//	@ID			refreshToken
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			X-Token-Delivery	header		string			false	"cookie: read the refresh token from the techbridge_refresh cookie and set its successor there; needs X-CSRF-Token and a same-origin Origin"	Enums(cookie)
//	@Param			X-CSRF-Token		header		string			false	"with X-Token-Delivery: cookie, the value of the techbridge_csrf cookie"
//	@Param			body				body		refreshRequest	true	"the current refresh token ({} with X-Token-Delivery: cookie)"
//	@Success		200		{object}	tokenResponse
//	@Header			200		{string}	Set-Cookie	"with X-Token-Delivery: cookie, the successor refresh token in techbridge_refresh and a fresh techbridge_csrf"
//	@Failure		400		{object}	problem
//	@Failure		401		{object}	problem
//	@Failure		403		{object}	problem	"cookie mode without a matching X-CSRF-Token or from another origin"
//	@Failure		422		{object}	problem	"X-Token-Delivery other than cookie"
//	@Router			/auth/refresh [post]
func (s *Server) refresh(c echo.Context) error {
	var req refreshRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	browser, err := tokenDelivery(c)
	if err != nil {
		return err
	}
	if browser {
		if err := s.checkBrowserRequest(c); err != nil {
			return err
		}
		req.RefreshToken = refreshFromCookie(c)
		if req.RefreshToken == "" {
			return transfer.Errorf(transfer.ErrUnauthenticated, "no browser session: sign in again")
		}
	}
	t, err := s.accounts.Refresh(c.Request().Context(), req.RefreshToken)
	if err != nil {
		return err
	}
	if browser {
		return writeBrowserTokens(c, t)
	}
	return writeTokens(c, t)
}

// logout godoc
//
//	@Summary		Log out
//	@Description	Revokes the refresh token and every token rotated from the same login. Access tokens lapse with their short lifetime.
//	@ID			logout
//	@Tags			auth
//	@Accept			json
//	@Param			X-Token-Delivery	header	string			false	"cookie: revoke the refresh token of the techbridge_refresh cookie and clear both session cookies; needs X-CSRF-Token and a same-origin Origin"	Enums(cookie)
//	@Param			X-CSRF-Token		header	string			false	"with X-Token-Delivery: cookie, the value of the techbridge_csrf cookie"
//	@Param			body				body	refreshRequest	true	"the refresh token to revoke ({} with X-Token-Delivery: cookie)"
//	@Success		204
//	@Header			204	{string}	Set-Cookie	"with X-Token-Delivery: cookie, both session cookies cleared (Max-Age=0)"
//	@Failure		400	{object}	problem
//	@Failure		401	{object}	problem	"no refresh token: none in the body, no cookie"
//	@Failure		403	{object}	problem	"cookie mode without a matching X-CSRF-Token or from another origin"
//	@Failure		422	{object}	problem	"X-Token-Delivery other than cookie"
//	@Router			/auth/logout [post]
func (s *Server) logout(c echo.Context) error {
	var req refreshRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	browser, err := tokenDelivery(c)
	if err != nil {
		return err
	}
	if browser {
		if err := s.checkBrowserRequest(c); err != nil {
			return err
		}
		req.RefreshToken = refreshFromCookie(c)
		clearSessionCookies(c)
	}
	if req.RefreshToken == "" {
		return transfer.Errorf(transfer.ErrUnauthenticated, "no session to log out of: send the refresh token (or its cookie with X-Token-Delivery: cookie)")
	}
	if err := s.accounts.Logout(c.Request().Context(), req.RefreshToken); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type meResponse struct {
	Kind          string `json:"kind" enums:"user,client"`
	ID            string `json:"id"`
	Role          string `json:"role" enums:"admin,staff,partner,analyst"`
	InstitutionID string `json:"institution_id,omitempty"`
	Email         string `json:"email,omitempty"`
	Name          string `json:"name,omitempty"`
}

// me godoc
//
//	@Summary		Who am I
//	@Description	The calling user or machine client.
//	@ID			getMe
//	@Tags			auth
//	@Produce		json
//	@Success		200	{object}	meResponse
//	@Failure		401	{object}	problem
//	@Security		BearerAuth
//	@Router			/me [get]
func (s *Server) me(c echo.Context) error {
	p, err := s.accounts.Me(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	out := meResponse{Kind: string(p.Actor.Kind), ID: p.Actor.ID, Role: string(p.Actor.Role), InstitutionID: p.Actor.InstitutionID}
	if p.User != nil {
		out.Email, out.Role, out.InstitutionID = p.User.Email, string(p.User.Role), p.User.InstitutionID
	}
	if p.Client != nil {
		out.Name = p.Client.Name
	}
	return c.JSON(http.StatusOK, out)
}

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password" minLength:"12" maxLength:"128"`
}

// changePassword godoc
//
//	@Summary		Change my password
//	@Description	For people, not machine clients. Every refresh and access token of the user is revoked (access tokens within a second on every API process), so every session, this one included, must log in again.
//	@ID			changePassword
//	@Tags			auth
//	@Accept			json
//	@Param			body	body	changePasswordRequest	true	"current and new password"
//	@Success		204
//	@Failure		400	{object}	problem
//	@Failure		401	{object}	problem
//	@Failure		403	{object}	problem
//	@Failure		422	{object}	problem
//	@Failure		429	{object}	problem
//	@Security		BearerAuth
//	@Router			/me/password [post]
func (s *Server) changePassword(c echo.Context) error {
	var req changePasswordRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.accounts.ChangePassword(c.Request().Context(), actorOf(c), req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// oauthError is an RFC 6749 §5.2 error: the token endpoint speaks OAuth, not
// problem documents, so that standard client libraries understand it.
type oauthError struct {
	Status      int    `json:"-"`
	Code        string `json:"error" example:"invalid_client"`
	Description string `json:"error_description,omitempty"`
}

func (e *oauthError) Error() string { return "oauth: " + e.Code }

func (s *Server) writeOAuthError(c echo.Context, e *oauthError) {
	h := c.Response().Header()
	if e.Status == http.StatusUnauthorized {
		h.Set(echo.HeaderWWWAuthenticate, `Basic realm="techbridge"`)
	}
	h.Set("Pragma", "no-cache")
	_ = c.JSON(e.Status, e)
}

// oauthToken godoc
//
//	@Summary		OAuth 2.0 token endpoint (client credentials)
//	@Description	RFC 6749 §4.4. Authenticate the client with HTTP Basic (client_id:client_secret) or with client_id and client_secret form fields. Errors follow RFC 6749 §5.2, not RFC 9457, except 429 (attempts are counted per client and address pair and per address, shared by every API process) and 503.
//	@ID			issueClientToken
//	@Tags			auth
//	@Accept			x-www-form-urlencoded
//	@Produce		json
//	@Param			grant_type		formData	string	true	"must be client_credentials"	Enums(client_credentials)
//	@Param			client_id		formData	string	false	"client id, when not sent with Basic"
//	@Param			client_secret	formData	string	false	"client secret, when not sent with Basic"
//	@Param			scope			formData	string	false	"ignored: a client's rights follow from its institution"
//	@Success		200				{object}	tokenResponse
//	@Failure		400				{object}	oauthError
//	@Failure		401				{object}	oauthError
//	@Failure		429				{object}	problem	"too many attempts for this client from this address, or from this address; see Retry-After"
//	@Failure		503				{object}	problem
//	@Router			/oauth/token [post]
func (s *Server) oauthToken(c echo.Context) error {
	r := c.Request()
	if ct := r.Header.Get(echo.HeaderContentType); ct == "" || !hasMediaType(ct, echo.MIMEApplicationForm) {
		return &oauthError{Status: http.StatusBadRequest, Code: "invalid_request", Description: "send the request as application/x-www-form-urlencoded"}
	}
	if err := r.ParseForm(); err != nil {
		return &oauthError{Status: http.StatusBadRequest, Code: "invalid_request", Description: "the form cannot be read"}
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		return &oauthError{Status: http.StatusBadRequest, Code: "unsupported_grant_type", Description: "only client_credentials is supported"}
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		if r.PostForm.Get("client_secret") != "" {
			return &oauthError{Status: http.StatusBadRequest, Code: "invalid_request", Description: "use one client authentication method, not two"}
		}
		// RFC 6749 §2.3.1: both parts are form-encoded before Basic encoding.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	t, _, err := s.accounts.ClientCredentials(r.Context(), id, secret, c.RealIP())
	if statusOf(err) == http.StatusUnauthorized {
		return &oauthError{Status: http.StatusUnauthorized, Code: "invalid_client", Description: "client authentication failed"}
	}
	if err != nil {
		return err
	}
	return writeTokens(c, t)
}

func hasMediaType(header, want string) bool {
	mt, _, err := mime.ParseMediaType(header)
	return err == nil && mt == want
}

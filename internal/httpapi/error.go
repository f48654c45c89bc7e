package httpapi

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

// problem is an RFC 9457 problem document.
type problem struct {
	Type      string                `json:"type" format:"uri-reference" example:"/problems/validation"`
	Title     string                `json:"title" example:"Unprocessable Entity"`
	Status    int                   `json:"status" example:"422"`
	Detail    string                `json:"detail,omitempty" example:"the request has invalid fields"`
	Instance  string                `json:"instance,omitempty" example:"/api/v1/institutions"`
	Errors    []transfer.FieldError `json:"errors,omitempty"`
	RequestID string                `json:"request_id,omitempty" example:"5f2b0c7e9d1a4b3c8e6f0a1b"`
}

// ProblemType is one kind of error as clients see it: a stable type URI,
// the status it comes with and what it means.
type ProblemType struct {
	URI         string
	Status      int
	Title       string
	Description string
}

// ProblemTypes lists every problem type the API answers with, one per error
// kind. The URIs are relative references (RFC 9457 section 3.1.1): they resolve
// against the API's own origin, where GET /problems/{slug} describes them, so
// they stay true under any host name a deployment uses and never point at a
// domain the project does not own. Clients compare the type string as it is.
var ProblemTypes = []ProblemType{
	{"/problems/bad-request", http.StatusBadRequest, "Bad Request",
		"The request cannot be read: malformed JSON or CSV, a body that is not an object, an If-Match that is not one entity tag, a malformed query parameter."},
	{"/problems/unauthenticated", http.StatusUnauthorized, "Unauthorized",
		"No valid credentials: the access token is missing, malformed, expired or revoked, or the login failed. The WWW-Authenticate header names the Bearer scheme."},
	{"/problems/forbidden", http.StatusForbidden, "Forbidden",
		"The caller is known but its role or institution may not do this."},
	{"/problems/not-found", http.StatusNotFound, "Not Found",
		"No such resource, or one the caller may not see: another institution's confidential object answers exactly like a missing one."},
	{"/problems/method-not-allowed", http.StatusMethodNotAllowed, "Method Not Allowed",
		"The path exists but not with this method; the Allow header lists the methods it has."},
	{"/problems/not-acceptable", http.StatusNotAcceptable, "Not Acceptable",
		"The representation asked for (Accept, format) is not one the operation produces."},
	{"/problems/conflict", http.StatusConflict, "Conflict",
		"The resource is not in a state that allows the change (a withdrawn listing, an agreement already terminated, a duplicate), or a request with the same Idempotency-Key is still being processed (then with Retry-After)."},
	{"/problems/version-mismatch", http.StatusPreconditionFailed, "Precondition Failed",
		"If-Match names a version that is no longer current, or an entity tag no version has (a weak W/\"3\", \"03\"): read the resource again, reapply the change and send the new ETag."},
	{"/problems/payload-too-large", http.StatusRequestEntityTooLarge, "Request Entity Too Large",
		"The body is over the limit: 1 MB for most routes, 64 MB for imports."},
	{"/problems/unsupported-media-type", http.StatusUnsupportedMediaType, "Unsupported Media Type",
		"The Content-Type is not one the operation accepts (application/json; text/csv for imports)."},
	{"/problems/validation", http.StatusUnprocessableEntity, "Unprocessable Entity",
		"A well-formed request breaks a rule; errors lists every bad field by its JSON name. Also an Idempotency-Key reused with a different body, and text in the path, query or headers that is not valid UTF-8 or holds NUL."},
	{"/problems/precondition-required", http.StatusPreconditionRequired, "Precondition Required",
		"The change needs If-Match (agreements): send the ETag of the version you read."},
	{"/problems/rate-limited", http.StatusTooManyRequests, "Too Many Requests",
		"Too many attempts; wait the seconds Retry-After gives."},
	{"/problems/internal", http.StatusInternalServerError, "Internal Server Error",
		"Something failed on our side; the body says nothing of the cause. Quote request_id when reporting it."},
	{"/problems/unavailable", http.StatusServiceUnavailable, "Service Unavailable",
		"The database or another dependency is down, the process is starting (building index) or shutting down; retry after Retry-After seconds."},
}

// problemTypeOf is the type URI for a status: the error kinds map one to one
// onto statuses (statusOf), so the status names the kind.
func problemTypeOf(status int) string {
	for _, t := range ProblemTypes {
		if t.Status == status {
			return t.URI
		}
	}
	return "about:blank"
}

// errNotAcceptable is the HTTP layer's own kind: a representation the
// client asked for (format=xml) that the endpoint cannot produce.
var errNotAcceptable = errors.New("not acceptable")

// statusOf is the one map from error kinds to HTTP statuses.
func statusOf(err error) int {
	switch {
	case errors.Is(err, errNotAcceptable):
		return http.StatusNotAcceptable
	case errors.Is(err, transfer.ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, transfer.ErrBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, transfer.ErrUnauthenticated):
		return http.StatusUnauthorized
	case errors.Is(err, transfer.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, transfer.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, transfer.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, transfer.ErrPrecondition):
		return http.StatusPreconditionFailed
	case errors.Is(err, transfer.ErrPreconditionRequired):
		return http.StatusPreconditionRequired
	case errors.Is(err, transfer.ErrRateLimited):
		return http.StatusTooManyRequests
	case errors.Is(err, transfer.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// handleError renders every error as a problem document. 5xx bodies say
// nothing of the cause; the cause goes to the log with the request id.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var oerr *oauthError
	if errors.As(err, &oerr) {
		s.writeOAuthError(c, oerr)
		return
	}
	p := problem{RequestID: requestIDOf(c), Instance: c.Request().URL.Path}
	var herr *echo.HTTPError
	var derr *transfer.Error
	switch {
	case errors.As(err, &herr):
		p.Status = herr.Code
		if herr.Code < 500 {
			p.Detail = fmt.Sprint(herr.Message)
		}
	default:
		p.Status = statusOf(err)
		if errors.As(err, &derr) && p.Status < 500 {
			p.Detail, p.Errors = derr.Message, derr.Fields
		} else if p.Status < 500 {
			p.Detail = kindMessage(err)
		}
		if errors.As(err, &derr) && derr.RetryAfter > 0 {
			c.Response().Header().Set(echo.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(derr.RetryAfter.Seconds()))))
		}
	}
	if errors.Is(err, context.Canceled) {
		p.Status = 499 // the client went away; nothing is written that it could read
	}
	switch p.Status {
	case http.StatusUnauthorized:
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="techbridge"`)
	case http.StatusServiceUnavailable:
		if c.Response().Header().Get(echo.HeaderRetryAfter) == "" {
			c.Response().Header().Set(echo.HeaderRetryAfter, "5")
		}
	}
	p.Title = http.StatusText(p.Status)
	p.Type = problemTypeOf(p.Status)
	if p.Status >= 500 && p.Status != http.StatusServiceUnavailable {
		p.Detail = "an internal error occurred; quote the request id when reporting it"
	} else if p.Status == http.StatusServiceUnavailable {
		p.Detail = "the service is temporarily unavailable; retry later"
		if errors.As(err, &derr) && derr.Message != "" { // our own words ("building index"), never a driver's
			p.Detail = derr.Message
		}
	}
	if p.Title == "" {
		p.Title = "Client Closed Request"
	}
	writeProblem(c, p)
}

func writeProblem(c echo.Context, p problem) {
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	if c.Request().Method != http.MethodHead {
		_ = jsonEncode(c.Response(), p)
	}
}

// kindMessage is the client-safe sentence for a bare kind.
func kindMessage(err error) string {
	for _, k := range []error{transfer.ErrInvalid, transfer.ErrBadRequest, transfer.ErrUnauthenticated,
		transfer.ErrForbidden, transfer.ErrNotFound, transfer.ErrConflict, transfer.ErrPrecondition,
		transfer.ErrPreconditionRequired, transfer.ErrRateLimited} {
		if errors.Is(err, k) {
			return k.Error()
		}
	}
	return ""
}

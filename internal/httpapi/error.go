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
	Type      string                `json:"type" example:"about:blank"`
	Title     string                `json:"title" example:"Unprocessable Entity"`
	Status    int                   `json:"status" example:"422"`
	Detail    string                `json:"detail,omitempty" example:"the request has invalid fields"`
	Instance  string                `json:"instance,omitempty" example:"/api/v1/institutions"`
	Errors    []transfer.FieldError `json:"errors,omitempty"`
	RequestID string                `json:"request_id,omitempty" example:"5f2b0c7e9d1a4b3c8e6f0a1b"`
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
	p := problem{Type: "about:blank", RequestID: requestIDOf(c), Instance: c.Request().URL.Path}
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
	if p.Status >= 500 && p.Status != http.StatusServiceUnavailable {
		p.Detail = "an internal error occurred; quote the request id when reporting it"
	} else if p.Status == http.StatusServiceUnavailable {
		p.Detail = "the service is temporarily unavailable; retry later"
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

package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

const (
	ctxActor     = "actor"
	ctxRequestID = "request_id"
)

// recoverPanics turns a panic into a 500 problem and logs the stack once.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.log.Error("panic", "request_id", requestIDOf(c), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return next(c)
	}
}

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// requestID keeps a caller's X-Request-ID when it is sane, otherwise makes
// one, and echoes it in the response so that a report can be matched to logs.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !validRequestID.MatchString(id) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(ctxRequestID, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

func requestIDOf(c echo.Context) string {
	id, _ := c.Get(ctxRequestID).(string)
	return id
}

// observe renders a handler's error, then writes one JSON log line and the
// metrics for the request, so that both carry the final status.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		a := actorOf(c)
		level := slog.LevelInfo
		if c.Response().Status >= 500 && !errors.Is(err, transfer.ErrBuildingIndex) { // a starting process, not a fault
			level = slog.LevelError
		}
		// Typed attributes: no boxing per field on the busiest line we log.
		attrs := make([]slog.Attr, 0, 12)
		attrs = append(attrs, slog.String("request_id", requestIDOf(c)),
			slog.String("method", c.Request().Method),
			slog.String("route", routeOf(c)),
			slog.String("path", c.Request().URL.Path),
			slog.Int("status", c.Response().Status),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.Int64("bytes", c.Response().Size),
			slog.String("ip", c.RealIP()))
		if a.Authenticated() {
			attrs = append(attrs, slog.String("actor", a.ID), slog.String("role", string(a.Role)))
		}
		if err != nil && c.Response().Status >= 500 {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		s.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
		s.metrics.observe(c.Request().Method, routeOf(c), c.Response().Status, time.Since(start))
		return nil
	}
}

// routeOf is the route template, never the raw path, so that labels and logs
// do not explode with ids.
func routeOf(c echo.Context) string {
	if p := c.Path(); p != "" {
		return p
	}
	return "unmatched"
}

// securityHeaders sets the headers every API response should carry. The
// Swagger UI needs its own scripts and styles; everything else loads nothing.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if strings.HasPrefix(c.Request().URL.Path, "/console/") {
			// The console loads its own scripts and styles only, never inline
			// code, and talks to this origin only.
			h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		} else if strings.HasPrefix(c.Request().URL.Path, "/swagger/") {
			h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
		} else {
			h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
			h.Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

// authenticate reads a bearer token when one is sent. A token that is sent
// but invalid is refused outright, even on public routes: a client with a
// broken token should hear about it, not be served as anonymous. Routes
// that authenticate otherwise (the OAuth token endpoint) do not use it.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		if h == "" {
			return next(c)
		}
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			return errInvalidToken
		}
		a, err := s.tokens.Parse(strings.TrimSpace(token))
		if err != nil {
			return errInvalidToken
		}
		if err := s.accounts.CheckToken(c.Request().Context(), a); err != nil {
			return err
		}
		c.Set(ctxActor, a)
		return next(c)
	}
}

var errInvalidToken = &transfer.Error{Kind: transfer.ErrUnauthenticated, Message: "the access token is invalid or expired"}

func actorOf(c echo.Context) transfer.Actor {
	a, _ := c.Get(ctxActor).(transfer.Actor)
	return a
}

// requireActor refuses anonymous callers.
func requireActor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !actorOf(c).Authenticated() {
			return transfer.Errorf(transfer.ErrUnauthenticated, "this endpoint needs an access token")
		}
		return next(c)
	}
}

// requireAdmin refuses everyone but admins (the domain checks again).
func requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !actorOf(c).IsAdmin() {
			return transfer.Errorf(transfer.ErrForbidden, "only admins may manage users")
		}
		return next(c)
	}
}

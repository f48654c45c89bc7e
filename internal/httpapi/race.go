package httpapi

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Concurrent changes of one row without If-Match: each use case reads the
// row, changes it and writes it back only if its version is still the one
// read (optimistic concurrency). The writer that loses answers
// transfer.LostRace; for a client that sent no If-Match that is not a
// failed precondition but a reason to try again, so the request runs again
// from its reads, a few times. A client that sent If-Match gets the 412 (the
// row did change after the version it named), and so does an idempotent
// request, whose first answer is the one kept.
const (
	lostRaceAttempts = 25
	lostRaceMaxBody  = 1 << 20 // bodies kept for a second run; larger ones run once
)

func retryLostRace(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		switch req.Method {
		case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		default:
			return next(c)
		}
		if req.Header.Get("If-Match") != "" || req.Header.Get("Idempotency-Key") != "" ||
			req.ContentLength < 0 || req.ContentLength > lostRaceMaxBody {
			return next(c)
		}
		var body []byte
		if req.ContentLength > 0 {
			b, err := io.ReadAll(io.LimitReader(req.Body, lostRaceMaxBody+1))
			if err != nil || len(b) > lostRaceMaxBody {
				req.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), req.Body))
				return next(c)
			}
			body = b
		}
		for attempt := 1; ; attempt++ {
			req.Body = io.NopCloser(bytes.NewReader(body))
			err := next(c)
			if err == nil || attempt == lostRaceAttempts || c.Response().Committed || !transfer.IsLostRace(err) {
				return err
			}
			// Spread the writers that lost out, so that they do not meet again.
			select {
			case <-time.After(time.Duration(rand.IntN(attempt*2+1)) * time.Millisecond):
			case <-req.Context().Done():
				return err
			}
		}
	}
}

package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

// maxReplayBody bounds what is kept for replay; the results of the largest
// import (50,000 rows) take about 5 MB.
const maxReplayBody = 32 << 20

// idempotent makes authenticated POSTs with an Idempotency-Key safe to retry
// (routes.go says which POSTs honour the key):
// the first response is stored and replayed for the same key and body, the
// same key with another body is refused (422), and a retry that arrives while
// the first is still running waits for its response (409 if it takes too long).
func (s *Server) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get("Idempotency-Key")
		a := actorOf(c)
		if key == "" || c.Request().Method != http.MethodPost || !a.Authenticated() {
			return next(c)
		}
		body, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return jsonError(err) // over the size limit
		}
		c.Request().Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.New()
		io.WriteString(sum, c.Request().Method+" "+c.Request().URL.RequestURI()+" "+c.Request().Header.Get(echo.HeaderContentType)+"\n")
		sum.Write(body)
		stored, err := s.replays.BeginIdempotent(c.Request().Context(), a, key, hex.EncodeToString(sum.Sum(nil)))
		if err != nil {
			return err
		}
		if stored != nil {
			return replay(c, stored)
		}
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		if err := next(c); err != nil {
			c.Error(err) // render now, so the stored response is the one the client saw
		}
		resp := transfer.StoredResponse{Status: c.Response().Status, Body: rec.body.Bytes(), Headers: map[string]string{}}
		if rec.overflow {
			resp.Status = http.StatusInternalServerError // too big to keep: let a retry run again
		}
		for _, h := range []string{echo.HeaderContentType, echo.HeaderLocation, "ETag"} {
			if v := c.Response().Header().Get(h); v != "" {
				resp.Headers[h] = v
			}
		}
		if err := s.replays.FinishIdempotent(c.Request().Context(), a, key, resp); err != nil {
			s.log.Error("store idempotent response", "request_id", requestIDOf(c), "error", err.Error())
		}
		return nil
	}
}

func replay(c echo.Context, r *transfer.StoredResponse) error {
	h := c.Response().Header()
	for k, v := range r.Headers {
		h.Set(k, v)
	}
	h.Set("Idempotent-Replayed", "true")
	c.Response().WriteHeader(r.Status)
	_, err := c.Response().Write(r.Body)
	return err
}

// recorder keeps a copy of what the handler writes.
type recorder struct {
	http.ResponseWriter
	body     bytes.Buffer
	overflow bool
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.body.Len()+len(b) > maxReplayBody {
		r.overflow = true
	} else {
		r.body.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

// idempotent makes authenticated POSTs with an Idempotency-Key safe to retry
// (routes.go says which POSTs honour the key): the first response is stored
// and replayed for the same key and body, the same key with another body is
// refused (422), and a retry that arrives while the first is still running
// waits for it (409 if it takes too long). The request runs in one
// transaction with its key and its stored answer (transfer.Idempotent), so
// the response is held back until that transaction has committed: a client
// never hears of a write that did not commit.
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
		res := c.Response()
		out := res.Writer
		resp, replayed, err := s.replays.Idempotent(c.Request().Context(), a, key, hex.EncodeToString(sum.Sum(nil)),
			func(ctx context.Context) transfer.StoredResponse {
				c.SetRequest(c.Request().WithContext(ctx))
				rec := &recorder{header: res.Header()}
				res.Writer = rec
				if err := next(c); err != nil {
					c.Error(err) // render now, so the stored response is the one the client will see
				}
				res.Writer = out
				stored := transfer.StoredResponse{Status: res.Status, Body: rec.body.Bytes(), Headers: map[string]string{}}
				for _, h := range []string{echo.HeaderContentType, echo.HeaderLocation, "ETag"} {
					if v := res.Header().Get(h); v != "" {
						stored.Headers[h] = v
					}
				}
				return stored
			})
		res.Writer = out
		if err != nil {
			// Nothing was sent yet and nothing committed: answer the error instead.
			for _, h := range []string{echo.HeaderContentType, echo.HeaderLocation, "ETag", "Link"} {
				res.Header().Del(h)
			}
			res.Committed, res.Status, res.Size = false, http.StatusOK, 0
			return err
		}
		if replayed {
			res.Header().Set("Idempotent-Replayed", "true")
			for k, v := range resp.Headers {
				res.Header().Set(k, v)
			}
		}
		res.Committed, res.Size = false, 0
		res.WriteHeader(resp.Status)
		_, err = res.Write(resp.Body)
		return err
	}
}

// recorder holds back what the handler writes until its transaction has
// committed. Echo's Response keeps the status and the headers.
type recorder struct {
	header http.Header
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(int)             {}
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }

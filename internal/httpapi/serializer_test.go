package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// A JSON answer goes out whole, with its length, in the bytes Echo's own
// encoder would write (HTML-escaped, one trailing newline); a large one is
// not chunked.
func TestJSONAnswersCarryTheirLength(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		api := newTestAPI(t, s, httpapi.Config{})
		l := api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusPublished)
		desc := "<b> " + strings.Repeat("solar storage & grids ", 300) // past net/http's 2 kB buffer
		api.do("staff", http.MethodPatch, "/api/v1/offers/"+l.ID, map[string]any{"description": desc}, "If-Match", fmt.Sprintf(`"%d"`, l.Version)).want(http.StatusOK)
		id := l.ID
		srv := httptest.NewServer(api.server)
		defer srv.Close()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/offers/"+id, nil)
		req.Header.Set("Authorization", api.bearer["partner"])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", res.StatusCode, body)
		}
		if len(res.TransferEncoding) != 0 || res.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Fatalf("Transfer-Encoding %v, Content-Length %q for %d bytes", res.TransferEncoding, res.Header.Get("Content-Length"), len(body))
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(body, []byte(`storage \u0026 grids`)) || !bytes.Contains(body, []byte(`\u003cb\u003e`)) || !bytes.HasSuffix(body, []byte("}\n")) {
			t.Fatalf("not the default encoding: %s", body)
		}
	})
}

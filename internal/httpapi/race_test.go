package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Concurrent changes without If-Match all apply: a writer that loses the
// race for the row's version runs again from its reads instead of answering
// a 412 the client did not ask for. With a stale If-Match it is still 412.
func TestConcurrentPatchesWithoutIfMatchAllApply(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		l := api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusDraft)
		const n = 12
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := httptest.NewRequest(http.MethodPatch, "/api/v1/offers/"+l.ID,
					strings.NewReader(fmt.Sprintf(`{"summary":"Summary written by writer %d"}`, i)))
				req.RemoteAddr = "192.0.2.10:4711"
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", api.bearer["partner"])
				rec := httptest.NewRecorder()
				api.server.ServeHTTP(rec, req)
				codes[i] = rec.Code
			}()
		}
		wg.Wait()
		for i, c := range codes {
			if c != http.StatusOK {
				t.Errorf("writer %d: %d, want 200", i, c)
			}
		}
		var got struct {
			Version int `json:"version"`
		}
		api.do("partner", http.MethodGet, "/api/v1/offers/"+l.ID, nil).want(200).json(&got)
		if got.Version != l.Version+n {
			t.Errorf("version %d after %d changes from %d", got.Version, n, l.Version)
		}
		// A stale tag still fails.
		api.do("partner", http.MethodPatch, "/api/v1/offers/"+l.ID, map[string]string{"summary": "late"},
			"If-Match", fmt.Sprintf(`"%d"`, l.Version)).want(412)
	})
}

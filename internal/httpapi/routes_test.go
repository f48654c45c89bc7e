package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/transfer"
)

// routes.go declares each route's body limit: imports take large bodies,
// every other route refuses them.
func TestBodyLimitsArePerRoute(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		row := listingBody(transfer.KindOffer, api.ownInst.ID)
		row["description"] = strings.Repeat("solar cell ", 900) // about 10 KB
		rows := make([]any, 150)                                // about 1.5 MB
		for i := range rows {
			rows[i] = row
		}
		var res struct{ Created int }
		api.do("staff", http.MethodPost, "/api/v1/offers/import", rows).want(200).json(&res)
		if res.Created != len(rows) {
			t.Fatalf("created %d of %d", res.Created, len(rows))
		}
		api.do("staff", http.MethodPost, "/api/v1/demands/import", `[`+strings.Repeat(" ", 2<<20)+`]`).want(422)
		big := `{"title":"` + strings.Repeat("a", 2<<20) + `"}`
		api.do("staff", http.MethodPost, "/api/v1/offers", big).want(413).problem()
		api.do("staff", http.MethodPatch, "/api/v1/offers/"+api.ownInst.ID, big).want(413).problem()
	})
}

// POSTs that answer with credentials never replay them, whatever key is
// sent: each call makes its own secret (a replay would have kept the first
// one in the database in clear text and shown it again).
func TestCredentialAnswersAreNotReplayed(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		path := "/api/v1/institutions/" + api.ownInst.ID + "/clients"
		var first, second struct {
			ClientSecret string `json:"client_secret"`
		}
		api.do("staff", http.MethodPost, path, map[string]any{"name": "erp"}, "Idempotency-Key", "k1").want(201).json(&first)
		r := api.do("staff", http.MethodPost, path, map[string]any{"name": "erp"}, "Idempotency-Key", "k1").want(201)
		r.json(&second)
		if first.ClientSecret == "" || first.ClientSecret == second.ClientSecret || r.Header().Get("Idempotent-Replayed") != "" {
			t.Fatalf("client secrets %q, %q: the second call was replayed", first.ClientSecret, second.ClientSecret)
		}
		// An ordinary write with the same key is replayed.
		body := listingBody(transfer.KindOffer, api.ownInst.ID)
		var a, b struct{ ID string }
		api.do("staff", http.MethodPost, "/api/v1/offers", body, "Idempotency-Key", "k1").want(201).json(&a)
		api.do("staff", http.MethodPost, "/api/v1/offers", body, "Idempotency-Key", "k1").want(201).json(&b)
		if a.ID == "" || a.ID != b.ID {
			t.Fatalf("offer ids %q, %q: the retry was not replayed", a.ID, b.ID)
		}
	})
}

package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/httpapi"

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

// Imports are read a few at a time (Config.ImportSlots): one more waits
// briefly, then gets 503 with Retry-After, and gets in once a slot is free.
func TestImportsAreAdmittedAFewAtATime(t *testing.T) {
	eachWith(t, httpapi.Config{ImportSlots: 1}, func(t *testing.T, api *testAPI) {
		body, feed := io.Pipe()
		first := make(chan int)
		go func() {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/offers/import", body)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", api.bearer["staff"])
			rec := httptest.NewRecorder()
			api.server.ServeHTTP(rec, req)
			first <- rec.Code
		}()
		row, _ := json.Marshal(listingBody(transfer.KindOffer, api.ownInst.ID))
		if _, err := feed.Write([]byte("[")); err != nil { // the first import holds its slot while its body arrives
			t.Fatal(err)
		}
		r := api.do("staff", http.MethodPost, "/api/v1/demands/import", []any{listingBody(transfer.KindDemand, api.ownInst.ID)}).want(503)
		if r.Header().Get("Retry-After") == "" {
			t.Fatal("503 without Retry-After")
		}
		feed.Write(append(row, ']'))
		feed.Close()
		if code := <-first; code != http.StatusOK {
			t.Fatalf("the first import answered %d", code)
		}
		api.do("staff", http.MethodPost, "/api/v1/demands/import", []any{listingBody(transfer.KindDemand, api.ownInst.ID)}).want(200)
	})
}

package httpapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
	"github.com/techbridge/techbridge/internal/webhook"
)

// receiver records deliveries and answers with the statuses queued in it.
type receiver struct {
	mu       sync.Mutex
	answers  []int
	received []delivered
	srv      *httptest.Server
}

type delivered struct {
	id, timestamp, signature string
	body                     []byte
}

func newReceiver(t *testing.T, answers ...int) *receiver {
	r := &receiver{answers: answers}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.received = append(r.received, delivered{req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp"),
			req.Header.Get("webhook-signature"), body})
		status := 200
		if len(r.answers) > 0 {
			status, r.answers = r.answers[0], r.answers[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, "receiver-private-body")
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) got() []delivered {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivered(nil), r.received...)
}

// verify checks a Standard Webhooks signature the way a receiver would,
// written from the specification, not with the service's code.
func verify(t *testing.T, secret string, d delivered) {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(key) < 24 {
		t.Fatalf("secret %q is not whsec_ + base64 of at least 24 bytes", secret)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(d.id + "." + d.timestamp + "." + string(d.body)))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Split(d.signature, " ") {
		if v, ok := strings.CutPrefix(sig, "v1,"); ok && hmac.Equal([]byte(v), []byte(want)) {
			return
		}
	}
	t.Fatalf("no signature in %q verifies with the secret", d.signature)
}

// loopbackSender may reach the test receivers on 127.0.0.1 only.
func loopbackSender() *webhook.Sender {
	return webhook.NewSender(webhook.Guard{Allowed: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}, 5*time.Second)
}

func eachWithWebhooks(t *testing.T, fn func(t *testing.T, api *testAPI, s *store.Store)) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		fn(t, newTestAPIWith(t, s, httpapi.Config{}, transfer.Config{Webhooks: loopbackSender()}), s)
	})
}

type endpointJSON struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

func (api *testAPI) deliverAll() int {
	api.t.Helper()
	total := 0
	for {
		n, err := api.svc.DeliverWebhooks(ctx)
		if err != nil {
			api.t.Fatal(err)
		}
		total += n
		if n == 0 {
			return total
		}
	}
}

func TestWebhookDeliveryIsSignedRetriedAndScoped(t *testing.T) {
	eachWithWebhooks(t, func(t *testing.T, api *testAPI, _ *store.Store) {
		rcv := newReceiver(t, 500, 503) // fails twice, then succeeds
		var ep endpointJSON
		api.do("partner", http.MethodPost, "/api/v1/webhooks", map[string]any{"url": rcv.srv.URL + "/events",
			"events": []string{"listing.published", "listing.status_changed"}}).want(201).json(&ep)
		if !strings.HasPrefix(ep.Secret, "whsec_") {
			t.Fatalf("secret %q", ep.Secret)
		}
		// The secret is shown once.
		if r := api.do("partner", http.MethodGet, "/api/v1/webhooks/"+ep.ID, nil).want(200); strings.Contains(r.Body.String(), ep.Secret) {
			t.Fatal("GET shows the secret")
		}
		other := newReceiver(t)
		api.do("staff", http.MethodPost, "/api/v1/webhooks", map[string]any{"institution_id": api.otherInst.ID,
			"url": other.srv.URL, "events": transfer.WebhookEvents}).want(201)

		own := api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusPending)
		api.do("staff", http.MethodPost, "/api/v1/offers/"+own.ID+"/publish", nil).want(200)
		// Three events: submitted and published (status_changed), published.
		api.deliverAll()
		if n := len(rcv.got()); n != 3 {
			t.Fatalf("first pass: %d requests, want 3", n)
		}
		api.advance(7 * time.Second) // past the first retry (5 s ± 20 %)
		api.deliverAll()
		got := rcv.got()
		if len(got) != 5 {
			t.Fatalf("after the retries: %d requests, want 5 (two failed once)", len(got))
		}
		byID := map[string][]delivered{}
		for _, d := range got {
			verify(t, ep.Secret, d)
			byID[d.id] = append(byID[d.id], d)
		}
		if len(byID) != 3 {
			t.Fatalf("%d distinct webhook-ids in %d requests", len(byID), len(got))
		}
		types := map[string]bool{}
		for id, ds := range byID {
			var body struct {
				ID, Type string
				Data     map[string]any
			}
			json.Unmarshal(ds[0].body, &body)
			types[body.Type] = true
			if body.ID != id || body.Data["listing_id"] != own.ID || body.Data["institution_id"] != api.ownInst.ID {
				t.Fatalf("event %s: %s", id, ds[0].body)
			}
			for _, d := range ds[1:] {
				if string(d.body) != string(ds[0].body) {
					t.Fatal("a retry changed the body")
				}
			}
		}
		if !types["listing.published"] || !types["listing.status_changed"] {
			t.Fatalf("types %v", types)
		}
		// The other institution heard nothing of this listing.
		if n := len(other.got()); n != 0 {
			t.Fatalf("another institution received %d events about our listing", n)
		}
		var ds struct {
			Items []struct {
				Status    string `json:"status"`
				Attempts  int    `json:"attempts"`
				LastError string `json:"last_error"`
				History   []struct {
					StatusCode int `json:"status_code"`
				} `json:"history"`
			} `json:"items"`
		}
		r := api.do("partner", http.MethodGet, "/api/v1/webhooks/"+ep.ID+"/deliveries", nil).want(200)
		r.json(&ds)
		if strings.Contains(r.Body.String(), "receiver-private-body") {
			t.Fatal("a receiver's body is echoed back")
		}
		retried := 0
		for _, d := range ds.Items {
			if d.Status != "succeeded" || d.Attempts != len(d.History) {
				t.Fatalf("delivery %+v", d)
			}
			if d.Attempts == 2 && d.History[0].StatusCode >= 500 {
				retried++
			}
		}
		if len(ds.Items) != 3 || retried != 2 {
			t.Fatalf("%d deliveries, %d retried after a 5xx", len(ds.Items), retried)
		}
	})
}

func TestWebhookRotationPingRedeliverAnd410(t *testing.T) {
	eachWithWebhooks(t, func(t *testing.T, api *testAPI, _ *store.Store) {
		rcv := newReceiver(t)
		var ep endpointJSON
		api.do("partner", http.MethodPost, "/api/v1/webhooks", map[string]any{"url": rcv.srv.URL,
			"events": []string{"match.updated"}}).want(201).json(&ep)
		var rotated endpointJSON
		api.do("partner", http.MethodPost, "/api/v1/webhooks/"+ep.ID+"/rotate-secret", nil).want(200).json(&rotated)
		if rotated.Secret == ep.Secret || rotated.Secret == "" {
			t.Fatal("rotation gave no new secret")
		}
		var d struct {
			ID string `json:"id"`
		}
		api.do("partner", http.MethodPost, "/api/v1/webhooks/"+ep.ID+"/test", nil).want(202).json(&d)
		api.deliverAll()
		got := rcv.got()
		if len(got) != 1 {
			t.Fatalf("%d pings", len(got))
		}
		// During the overlap both secrets sign.
		verify(t, ep.Secret, got[0])
		verify(t, rotated.Secret, got[0])
		api.do("partner", http.MethodPost, "/api/v1/webhooks/"+ep.ID+"/deliveries/"+d.ID+"/redeliver", nil).want(202)
		api.deliverAll()
		if got = rcv.got(); len(got) != 2 || got[0].id != got[1].id {
			t.Fatalf("redelivery: %d requests, ids %v", len(got), got)
		}
		// 410 Gone disables the endpoint.
		rcv.answers = []int{410}
		api.do("partner", http.MethodPost, "/api/v1/webhooks/"+ep.ID+"/test", nil).want(202)
		api.deliverAll()
		var e struct {
			DisabledReason string `json:"disabled_reason"`
		}
		api.do("partner", http.MethodGet, "/api/v1/webhooks/"+ep.ID, nil).want(200).json(&e)
		if e.DisabledReason == "" {
			t.Fatal("410 did not disable the endpoint")
		}
		api.do("partner", http.MethodPost, "/api/v1/webhooks/"+ep.ID+"/test", nil).want(202)
		if n := api.deliverAll(); n != 0 {
			t.Fatalf("a disabled endpoint got %d deliveries", n)
		}
		api.do("partner", http.MethodPatch, "/api/v1/webhooks/"+ep.ID, map[string]any{"paused": false}).want(200)
		if n := api.deliverAll(); n != 1 {
			t.Fatalf("re-enabled endpoint: %d deliveries", n)
		}
		p := api.do("partner", http.MethodPost, "/api/v1/webhooks", map[string]any{"url": "ftp://x", "events": []string{"nope"}}).want(422).problem()
		if strings.Join(p.fields(), ",") != "url,events[0]" {
			t.Fatalf("fields %v", p.fields())
		}
	})
}

// TestWebhooksSurviveACrash: a process commits a change and dies before
// delivering; another process, started later, delivers every event. A
// process that dies holding a lease delays, but does not lose, its delivery.
func TestWebhooksSurviveACrash(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		rcv := newReceiver(t)
		// The first process has no sender: it commits and is gone before any delivery.
		first := newTestAPIWith(t, s, httpapi.Config{}, transfer.Config{})
		var ep endpointJSON
		first.do("partner", http.MethodPost, "/api/v1/webhooks", map[string]any{"url": rcv.srv.URL,
			"events": transfer.WebhookEvents}).want(201).json(&ep)
		produced := 0
		for range 5 {
			l := first.makeListing(transfer.KindDemand, first.ownInst.ID, "public", transfer.StatusPending)
			first.do("staff", http.MethodPost, "/api/v1/demands/"+l.ID+"/publish", nil).want(200)
			produced += 3 // status_changed twice (submitted, published), published
		}
		if n, _ := first.svc.DeliverWebhooks(ctx); n != 0 || len(rcv.got()) != 0 {
			t.Fatal("the crashed process delivered")
		}
		// A second process on the same database delivers them all.
		second := newService(t, s, loopbackSender())
		for {
			n, err := second.DeliverWebhooks(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		got := rcv.got()
		ids := map[string]bool{}
		for _, d := range got {
			verify(t, ep.Secret, d)
			ids[d.id] = true
		}
		t.Logf("crash test: %d events produced, %d delivered after restart", produced, len(ids))
		if len(ids) != produced || len(got) != produced {
			t.Fatalf("%d produced, %d distinct delivered, %d requests", produced, len(ids), len(got))
		}
	})
}

func newService(t *testing.T, s *store.Store, sender transfer.WebhookSender) *transfer.Service {
	t.Helper()
	tokens, _ := auth.NewTokens(testSecret, time.Minute, nil)
	svc, err := transfer.NewService(s, auth.FastArgon2, tokens, transfer.Config{Webhooks: sender})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// TestWebhookPatchKeepsTheSigningSecrets: a PATCH changes what it names and
// nothing else; both the current secret and, after a rotation, the previous
// one still sign the next delivery, and the PATCH response shows neither.
func TestWebhookPatchKeepsTheSigningSecrets(t *testing.T) {
	eachWithWebhooks(t, func(t *testing.T, api *testAPI, _ *store.Store) {
		rcv := newReceiver(t)
		var ep endpointJSON
		api.do("partner", http.MethodPost, "/api/v1/webhooks", map[string]any{"url": rcv.srv.URL,
			"events": []string{"match.updated"}}).want(201).json(&ep)
		r := api.do("partner", http.MethodPatch, "/api/v1/webhooks/"+ep.ID, map[string]any{"description": "ERP inbox"}).want(200)
		if strings.Contains(r.Body.String(), ep.Secret) || strings.Contains(r.Body.String(), `"secret"`) {
			t.Fatalf("PATCH shows the secret: %s", r.Body.String())
		}
		api.do("partner", http.MethodPost, "/api/v1/webhooks/"+ep.ID+"/test", nil).want(202)
		api.deliverAll()
		got := rcv.got()
		if len(got) != 1 || got[0].signature == "" {
			t.Fatalf("after PATCH: %d deliveries %+v", len(got), got)
		}
		verify(t, ep.Secret, got[0])

		var rotated endpointJSON
		api.do("partner", http.MethodPost, "/api/v1/webhooks/"+ep.ID+"/rotate-secret", nil).want(200).json(&rotated)
		api.do("partner", http.MethodPatch, "/api/v1/webhooks/"+ep.ID, map[string]any{"paused": false}).want(200)
		api.do("partner", http.MethodPost, "/api/v1/webhooks/"+ep.ID+"/test", nil).want(202)
		api.deliverAll()
		if got = rcv.got(); len(got) != 2 {
			t.Fatalf("after rotation and PATCH: %d deliveries", len(got))
		}
		verify(t, rotated.Secret, got[1])
		verify(t, ep.Secret, got[1]) // still within the overlap
	})
}

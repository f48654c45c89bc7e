package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// heldStore holds the matching index's build (LiveListings) until release
// is closed, then answers fail or reads the listings.
type heldStore struct {
	*store.Store
	release chan struct{}
	fail    error
}

func (h *heldStore) LiveListings(c context.Context, now time.Time, fn func([]transfer.Listing) error) error {
	<-h.release
	if h.fail != nil {
		return h.fail
	}
	return h.Store.LiveListings(c, now, fn)
}

// While the matching index builds, /readyz answers 503 "building index"
// (logged at INFO, not as an error) and matches are refused with 503; once
// built, /readyz answers 200.
func TestReadyzWhileBuildingIndex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		held := &heldStore{Store: s, release: make(chan struct{})}
		tokens, err := auth.NewTokens(testSecret, 15*time.Minute, nil)
		if err != nil {
			t.Fatal(err)
		}
		svc, err := transfer.NewService(held, auth.FastArgon2, tokens, transfer.Config{})
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		srv := httpapi.NewServer(svc, tokens, httpapi.Config{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
		done := svc.StartMatchIndexBuild(ctx, nil)

		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "building index") ||
			rec.Header().Get("Retry-After") == "" {
			t.Fatalf("readyz while building: %d %s (Retry-After %q), want 503 building index", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
		}
		if !strings.Contains(logs.String(), `"level":"INFO"`) || strings.Contains(logs.String(), `"level":"ERROR"`) {
			t.Fatalf("the 503 while building is logged as %s, want INFO", logs.String())
		}
		staff := transfer.Actor{ID: "staff", Kind: transfer.ActorUser, Role: transfer.RoleStaff}
		if _, err := svc.SuggestMatches(ctx, staff, transfer.KindOffer, "0193a2b4-0000-7000-8000-000000000000", transfer.MatchQuery{}); !errors.Is(err, transfer.ErrBuildingIndex) {
			t.Fatalf("matches while building: %v, want building index", err)
		}
		if n, err := svc.SyncMatchIndex(ctx); n != 0 || err != nil {
			t.Fatalf("sync while building: %d, %v; want it to wait for the build", n, err)
		}

		close(held.release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		rec = httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("readyz after the build: %d %s", rec.Code, rec.Body)
		}
	})
}

// A build that fails reports its error and the process stays not ready.
func TestReadyzAfterFailedBuild(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		held := &heldStore{Store: s, release: make(chan struct{}), fail: errors.New("read failed")}
		close(held.release)
		tokens, _ := auth.NewTokens(testSecret, 15*time.Minute, nil)
		svc, err := transfer.NewService(held, auth.FastArgon2, tokens, transfer.Config{})
		if err != nil {
			t.Fatal(err)
		}
		if err := <-svc.StartMatchIndexBuild(ctx, nil); err == nil {
			t.Fatal("the build's error was not reported")
		}
		if err := svc.Ready(ctx); !errors.Is(err, transfer.ErrBuildingIndex) {
			t.Fatalf("ready after a failed build: %v", err)
		}
	})
}

// A token the parser has cached as verified is still refused once its user
// is disabled: the cache skips the signature check, never the revocation check.
func TestCachedTokenStillRevoked(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		u, err := api.svc.CreateUser(ctx, api.admin.Actor(), transfer.NewUser{Email: uniqueEmail(), Password: api.password,
			Role: transfer.RoleStaff})
		if err != nil {
			t.Fatal(err)
		}
		bearer := api.loginBearer(u.Email)
		for range 2 { // the second answer comes from the cache
			api.do("", http.MethodGet, "/api/v1/me", nil, "Authorization", bearer).want(200)
		}
		disabled := true
		if _, err := api.svc.UpdateUser(ctx, api.admin.Actor(), u.ID, 0, transfer.UserPatch{Disabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		api.do("", http.MethodGet, "/api/v1/me", nil, "Authorization", bearer).want(401)
	})
}

package httpapi_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// loginBearer logs a user in and returns its Authorization header.
func (api *testAPI) loginBearer(email string) string {
	api.t.Helper()
	var tk tokens
	api.login(email, api.password).want(200).json(&tk)
	return "Bearer " + tk.AccessToken
}

// tokenActor is what the server reads from a bearer header.
func (api *testAPI) tokenActor(bearer string) transfer.Actor {
	api.t.Helper()
	a, err := api.tokens.Parse(bearer[len("Bearer "):])
	if err != nil {
		api.t.Fatal(err)
	}
	return a
}

// Issue 12, item 2: a disabled or demoted admin kept admin rights for its
// token's life and could make them permanent. Privilege-changing calls
// re-read the actor, so the old token is refused at once, before any
// in-memory revocation table could have caught up.
func TestDisabledAdminCannotRestoreItself(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		rogue, err := api.svc.CreateUser(ctx, api.admin.Actor(), transfer.NewUser{Email: uniqueEmail(), Password: api.password, Role: transfer.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		rogueBearer := api.loginBearer(rogue.Email)
		old := api.tokenActor(rogueBearer)
		disabled := true
		if _, err := api.svc.UpdateUser(ctx, api.admin.Actor(), rogue.ID, 0, transfer.UserPatch{Disabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		enabled := false
		if _, err := api.svc.UpdateUser(ctx, old, rogue.ID, 0, transfer.UserPatch{Disabled: &enabled}); !errors.Is(err, transfer.ErrUnauthenticated) {
			t.Fatalf("disabled admin re-enabled itself: %v", err)
		}
		if _, err := api.svc.CreateUser(ctx, old, transfer.NewUser{Email: uniqueEmail(), Password: api.password, Role: transfer.RoleAdmin}); !errors.Is(err, transfer.ErrUnauthenticated) {
			t.Fatalf("disabled admin created an admin: %v", err)
		}
		if err := api.svc.UnlockUser(ctx, old, api.staff.ID); !errors.Is(err, transfer.ErrUnauthenticated) {
			t.Fatalf("disabled admin unlocked a user: %v", err)
		}
		if u, _ := api.svc.User(ctx, api.admin.Actor(), rogue.ID); !u.Disabled {
			t.Fatal("the rogue admin is enabled again")
		}
		// An actor whose id names no account at all (Postgres would refuse to compare it).
		ghost := transfer.Actor{ID: "boot", Kind: transfer.ActorUser, Role: transfer.RoleAdmin}
		if _, err := api.svc.CreateUser(ctx, ghost, transfer.NewUser{Email: uniqueEmail(), Password: api.password, Role: transfer.RoleAdmin}); !errors.Is(err, transfer.ErrUnauthenticated) {
			t.Fatalf("an actor without account created an admin: %v", err)
		}

		// Demoted, then promoted back and re-demoted: the token's role is not the database's.
		demoted, err := api.svc.CreateUser(ctx, api.admin.Actor(), transfer.NewUser{Email: uniqueEmail(), Password: api.password, Role: transfer.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		old = api.tokenActor(api.loginBearer(demoted.Email))
		staff := transfer.RoleStaff
		if _, err := api.svc.UpdateUser(ctx, api.admin.Actor(), demoted.ID, 0, transfer.UserPatch{Role: &staff}); err != nil {
			t.Fatal(err)
		}
		if _, err := api.svc.CreateUser(ctx, old, transfer.NewUser{Email: uniqueEmail(), Password: api.password, Role: transfer.RoleAdmin}); !errors.Is(err, transfer.ErrUnauthenticated) {
			t.Fatalf("demoted admin created an admin: %v", err)
		}
		// Over HTTP as well: 401, and nothing changed.
		api.do("", http.MethodPatch, "/api/v1/users/"+rogue.ID, map[string]any{"disabled": false}, "Authorization", rogueBearer).want(401)
		api.do("", http.MethodPost, "/api/v1/users", map[string]any{"email": uniqueEmail(), "password": api.password, "role": "admin"},
			"Authorization", rogueBearer).want(401)
		if u, _ := api.svc.User(ctx, api.admin.Actor(), rogue.ID); !u.Disabled {
			t.Fatal("the rogue admin is enabled again")
		}
	})
}

// A disabled partner's old token registered a webhook that kept receiving
// the institution's events.
func TestDisabledPartnerCannotRegisterWebhook(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		old := api.tokenActor(api.loginBearer(api.partner.Email))
		disabled := true
		if _, err := api.svc.UpdateUser(ctx, api.admin.Actor(), api.partner.ID, 0, transfer.UserPatch{Disabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		_, err := api.svc.CreateEndpoint(ctx, old, transfer.Endpoint{URL: "https://hooks.example/techbridge", Events: []string{"listing.published"}})
		if !errors.Is(err, transfer.ErrUnauthenticated) {
			t.Fatalf("disabled partner registered a webhook: %v", err)
		}
		if eps, _ := api.svc.Endpoints(ctx, api.staff.Actor(), api.ownInst.ID); len(eps) != 0 {
			t.Fatalf("endpoints %v", eps)
		}
		// A revoked machine client cannot either.
		c, secret, err := api.svc.CreateClient(ctx, api.staff.Actor(), api.ownInst.ID, "erp-2")
		if err != nil {
			t.Fatal(err)
		}
		tk, _, err := api.svc.ClientCredentials(ctx, c.ID, secret, "")
		if err != nil {
			t.Fatal(err)
		}
		ca := api.tokenActor("Bearer " + tk.AccessToken)
		if err := api.svc.RevokeClient(ctx, api.staff.Actor(), api.ownInst.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := api.svc.CreateEndpoint(ctx, ca, transfer.Endpoint{URL: "https://hooks.example/x", Events: []string{"listing.published"}}); !errors.Is(err, transfer.ErrUnauthenticated) {
			t.Fatalf("revoked client registered a webhook: %v", err)
		}
	})
}

// replica is a second API process: its own store connection pool, Service
// (with its own revocation table) and router, on the same database.
func replica(t *testing.T, cfg store.Config, tokens *auth.Tokens) (*httpapi.Server, *store.Store) {
	t.Helper()
	st := dbtest.Open(t, cfg)
	svc, err := transfer.NewService(st, auth.FastArgon2, tokens, transfer.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return httpapi.NewServer(svc, tokens, httpapi.Config{}), st
}

// Disabling, demoting, moving a partner, a password change and a revoked
// client stop old tokens on every replica within 2 s, on routes that do not
// read the caller from the database.
func TestRevocationReachesEveryReplica(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			cfg := dbtest.Config(t, dialect)
			st := dbtest.Open(t, cfg)
			api := newTestAPI(t, st, emptyConfig) // replica A
			b, _ := replica(t, cfg, api.tokens)   // replica B
			onB := func(bearer string) int {
				req, _ := http.NewRequest(http.MethodGet, "/api/v1/offers", nil)
				req.Header.Set("Authorization", bearer)
				rec := httptest.NewRecorder()
				b.ServeHTTP(rec, req)
				return rec.Code
			}
			// waitRefused measures how long B keeps accepting the token after the change.
			waitRefused := func(what, bearer string, change func()) {
				t.Helper()
				if code := onB(bearer); code != 200 {
					t.Fatalf("%s: before the change B answered %d", what, code)
				}
				change()
				start := time.Now()
				for onB(bearer) != 401 {
					if time.Since(start) > 2*time.Second {
						t.Fatalf("%s: replica B still accepts the old token after 2 s", what)
					}
					time.Sleep(20 * time.Millisecond)
				}
				t.Logf("%s: refused on replica B after %v", what, time.Since(start).Round(time.Millisecond))
			}
			admin := api.admin.Actor()
			mkUser := func(role transfer.Role, inst string) transfer.User {
				u, err := api.svc.CreateUser(ctx, admin, transfer.NewUser{Email: uniqueEmail(), Password: api.password, Role: role, InstitutionID: inst})
				if err != nil {
					t.Fatal(err)
				}
				return u
			}

			u := mkUser(transfer.RoleStaff, "")
			waitRefused("disable", api.loginBearer(u.Email), func() {
				yes := true
				if _, err := api.svc.UpdateUser(ctx, admin, u.ID, 0, transfer.UserPatch{Disabled: &yes}); err != nil {
					t.Fatal(err)
				}
			})
			u = mkUser(transfer.RoleStaff, "")
			waitRefused("demote", api.loginBearer(u.Email), func() {
				r := transfer.RoleAnalyst
				if _, err := api.svc.UpdateUser(ctx, admin, u.ID, 0, transfer.UserPatch{Role: &r}); err != nil {
					t.Fatal(err)
				}
			})
			u = mkUser(transfer.RolePartner, api.ownInst.ID)
			waitRefused("institution binding", api.loginBearer(u.Email), func() {
				inst := api.otherInst.ID
				if _, err := api.svc.UpdateUser(ctx, admin, u.ID, 0, transfer.UserPatch{InstitutionID: &inst}); err != nil {
					t.Fatal(err)
				}
			})
			u = mkUser(transfer.RoleAnalyst, "")
			bearer := api.loginBearer(u.Email)
			waitRefused("password change", bearer, func() {
				if err := api.svc.ChangePassword(ctx, api.tokenActor(bearer), api.password, "another long password"); err != nil {
					t.Fatal(err)
				}
			})
			c, secret, err := api.svc.CreateClient(ctx, api.staff.Actor(), api.ownInst.ID, "erp-2")
			if err != nil {
				t.Fatal(err)
			}
			tk, _, err := api.svc.ClientCredentials(ctx, c.ID, secret, "")
			if err != nil {
				t.Fatal(err)
			}
			waitRefused("client revoked", "Bearer "+tk.AccessToken, func() {
				if err := api.svc.RevokeClient(ctx, api.staff.Actor(), api.ownInst.ID, c.ID); err != nil {
					t.Fatal(err)
				}
			})
			// A new login after the change works at once, even within the same second.
			yes, no := true, false
			u = mkUser(transfer.RoleStaff, "")
			if _, err := api.svc.UpdateUser(ctx, admin, u.ID, 0, transfer.UserPatch{Disabled: &yes}); err != nil {
				t.Fatal(err)
			}
			if _, err := api.svc.UpdateUser(ctx, admin, u.ID, 0, transfer.UserPatch{Disabled: &no}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(1100 * time.Millisecond) // B reloads its table
			if code := onB(api.loginBearer(u.Email)); code != 200 {
				t.Fatalf("a token issued after the cutoff answered %d", code)
			}
			// Other users' tokens are untouched.
			if code := onB(api.bearer["staff"]); code != 200 {
				t.Fatalf("an unrelated token answered %d", code)
			}
		})
	}
}

// A process that cannot reload its revocations for 2 s refuses tokens
// with 503 rather than honour ones that may have been revoked meanwhile.
// The vocabulary needs no database, so only the revocation check can fail it.
func TestRevocationsFailClosed(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			cfg := dbtest.Config(t, dialect)
			st := dbtest.Open(t, cfg)
			api := newTestAPI(t, st, emptyConfig)
			b, bStore := replica(t, cfg, api.tokens)
			get := func() int {
				req := httptest.NewRequest(http.MethodGet, "/api/v1/vocabulary", nil)
				req.Header.Set("Authorization", api.bearer["staff"])
				rec := httptest.NewRecorder()
				b.ServeHTTP(rec, req)
				return rec.Code
			}
			if code := get(); code != 200 {
				t.Fatalf("status %d", code)
			}
			bStore.Close() // the replica loses its database
			time.Sleep(2100 * time.Millisecond)
			if code := get(); code != 503 {
				t.Fatalf("with revocations 2 s stale, status %d, want 503", code)
			}
		})
	}
}

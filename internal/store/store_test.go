package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

var ctx = context.Background()

func id() string { return uuid.Must(uuid.NewV7()).String() }

// at returns a time with a fraction, to catch lost precision or time zones.
func at(sec int) time.Time {
	return time.Date(2026, 3, 1, 8, 0, sec, 123456000, time.UTC)
}

func institution(name string) transfer.Institution {
	return transfer.Institution{ID: id(), Name: name, LocalName: "广西大学", Country: "CN", Type: "university",
		Sectors: []string{"new_energy", "biomedicine"}, Website: "https://example.edu.cn", Description: "d",
		ContactEmail: "tt@example.edu.cn", Verified: true, Version: 1, CreatedAt: at(1), UpdatedAt: at(2)}
}

func TestInstitutionRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		in := institution("Guangxi University")
		if err := s.CreateInstitution(ctx, in); err != nil {
			t.Fatal(err)
		}
		got, err := s.InstitutionByID(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, in) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, in)
		}
		in.Sectors = []string{}
		in.Version = 2
		in.UpdatedAt = at(3)
		in.Name = "GXU"
		if err := s.UpdateInstitution(ctx, in); err != nil {
			t.Fatal(err)
		}
		got, _ = s.InstitutionByID(ctx, in.ID)
		if !reflect.DeepEqual(got, in) {
			t.Fatalf("after update:\n got %+v\nwant %+v", got, in)
		}
		// The same version again is a lost race.
		if err := s.UpdateInstitution(ctx, in); !errors.Is(err, transfer.ErrPrecondition) {
			t.Fatalf("stale update: got %v, want ErrPrecondition", err)
		}
		in.ID = id()
		if err := s.UpdateInstitution(ctx, in); !errors.Is(err, transfer.ErrNotFound) {
			t.Fatalf("missing update: got %v, want ErrNotFound", err)
		}
		if _, err := s.InstitutionByID(ctx, id()); !errors.Is(err, transfer.ErrNotFound) {
			t.Fatalf("missing: got %v", err)
		}
	})
}

func TestUserRoundTripAndErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		in := institution("Lab")
		if err := s.CreateInstitution(ctx, in); err != nil {
			t.Fatal(err)
		}
		u := transfer.User{ID: id(), Email: "p@example.com", Role: transfer.RolePartner, InstitutionID: in.ID,
			PasswordHash: "h", Version: 1, CreatedAt: at(1), UpdatedAt: at(1)}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, err := s.UserByEmail(ctx, "p@example.com")
		if err != nil || !reflect.DeepEqual(got, u) {
			t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, u)
		}
		dup := u
		dup.ID = id()
		if err := s.CreateUser(ctx, dup); !errors.Is(err, transfer.ErrConflict) {
			t.Fatalf("duplicate email: got %v, want ErrConflict", err)
		}
		dangling := u
		dangling.ID, dangling.Email, dangling.InstitutionID = id(), "q@example.com", id()
		if err := s.CreateUser(ctx, dangling); !errors.Is(err, transfer.ErrInvalid) {
			t.Fatalf("dangling institution: got %v, want ErrInvalid", err)
		}
		n, err := s.CountUsers(ctx)
		if err != nil || n != 1 {
			t.Fatalf("count = %d, %v", n, err)
		}
	})
}

func TestRefreshTokenUseIsAtomic(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		u := transfer.User{ID: id(), Email: "a@example.com", Role: transfer.RoleAdmin, PasswordHash: "h",
			Version: 1, CreatedAt: at(1), UpdatedAt: at(1)}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		rt := transfer.RefreshToken{ID: id(), UserID: u.ID, FamilyID: id(), Hash: "abc", CreatedAt: at(1), ExpiresAt: at(50)}
		if err := s.CreateRefreshToken(ctx, rt); err != nil {
			t.Fatal(err)
		}
		got, err := s.RefreshTokenByHash(ctx, "abc")
		if err != nil || !reflect.DeepEqual(got, rt) {
			t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, rt)
		}
		var wins int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.UseRefreshToken(ctx, rt.ID, at(3))
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d concurrent uses won, want exactly 1", wins)
		}
		if err := s.RevokeRefreshFamily(ctx, rt.FamilyID, at(4)); err != nil {
			t.Fatal(err)
		}
		got, _ = s.RefreshTokenByHash(ctx, "abc")
		if got.RevokedAt == nil || !got.RevokedAt.Equal(at(4)) || got.UsedAt == nil || !got.UsedAt.Equal(at(3)) {
			t.Fatalf("after revoke: %+v", got)
		}
	})
}

func TestListInstitutionsPagesInKeysetOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		var want []string
		for i := range 7 {
			in := institution(fmt.Sprintf("inst %d", 6-i))
			if i%2 == 0 {
				in.Country = "TH"
			}
			if err := s.CreateInstitution(ctx, in); err != nil {
				t.Fatal(err)
			}
			want = append([]string{in.Name}, want...) // name order is the reverse of creation
		}
		sort := transfer.Sort{Key: "name"}
		var got []string
		var after *transfer.Cursor
		for {
			items, total, err := s.ListInstitutions(ctx, transfer.InstitutionFilter{}, transfer.ListQuery{Limit: 3, Sort: sort, After: after})
			if err != nil {
				t.Fatal(err)
			}
			if total != 7 {
				t.Fatalf("total = %d", total)
			}
			n := min(3, len(items))
			for _, in := range items[:n] {
				got = append(got, in.Name)
			}
			if len(items) <= 3 {
				break
			}
			last := items[2]
			after = &transfer.Cursor{Sort: "name", Value: last.Name, ID: last.ID}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("pages by name: got %v, want %v", got, want)
		}
		items, total, err := s.ListInstitutions(ctx, transfer.InstitutionFilter{Country: "TH", Sector: "biomedicine"},
			transfer.ListQuery{Limit: 10, Sort: transfer.Sort{Key: "created_at", Desc: true}})
		if err != nil || total != 4 || len(items) != 4 || items[0].Name != "inst 0" {
			t.Fatalf("filtered: total %d, %d items, %v", total, len(items), err)
		}
	})
}

func TestMigrateIsIdempotentAndReportsStatus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		n, err := s.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate ran %d, %v", n, err)
		}
		st, err := s.MigrationStatus(ctx)
		if err != nil || len(st) == 0 {
			t.Fatalf("status: %v %v", st, err)
		}
		for _, m := range st {
			if !m.Applied {
				t.Errorf("migration %d not applied", m.Version)
			}
		}
	})
}

// Concurrent writers must queue, never fail with "database is locked".
func TestConcurrentWritersNeverFail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		base := institution("shared")
		if err := s.CreateInstitution(ctx, base); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for i := range 50 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				errs <- s.CreateInstitution(ctx, institution(fmt.Sprintf("writer %d", i)))
			}()
			go func() {
				defer wg.Done()
				// Everyone races to move version 1 to 2: exactly one may win.
				in := base
				in.Version, in.Name = 2, fmt.Sprintf("rename %d", i)
				if err := s.UpdateInstitution(ctx, in); err != nil && !errors.Is(err, transfer.ErrPrecondition) {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent write failed: %v", err)
			}
		}
		_, total, err := s.ListInstitutions(ctx, transfer.InstitutionFilter{}, transfer.ListQuery{Limit: 1, Sort: transfer.Sort{Key: "created_at"}})
		if err != nil || total != 51 {
			t.Fatalf("total %d, %v", total, err)
		}
		got, _ := s.InstitutionByID(ctx, base.ID)
		if got.Version != 2 {
			t.Fatalf("version %d after the race, want 2", got.Version)
		}
	})
}

// Several processes starting at once: the migration lock lets one migrate.
func TestConcurrentMigrationsTakeTurns(t *testing.T) {
	for _, d := range dbtest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			cfg := dbtest.Config(t, d)
			var wg sync.WaitGroup
			applied := make(chan int, 4)
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s, err := store.Open(ctx, cfg)
					if err != nil {
						t.Error(err)
						return
					}
					defer s.Close()
					n, err := s.Migrate(ctx)
					if err != nil {
						t.Error(err)
					}
					applied <- n
				}()
			}
			wg.Wait()
			close(applied)
			sum := 0
			for n := range applied {
				sum += n
			}
			s := dbtest.New(t, d) // a fresh database says how many migrations its dialect has
			st, err := s.MigrationStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if sum != len(st) {
				t.Fatalf("%d migrations applied in total by four processes, want %d: each once", sum, len(st))
			}
		})
	}
}

func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	_, err := store.Open(ctx, store.Config{DatabaseURL: "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"})
	if !errors.Is(err, transfer.ErrUnavailable) {
		t.Fatalf("closed port: got %v, want ErrUnavailable", err)
	}
	if _, err := store.Open(ctx, store.Config{DatabaseURL: "mysql://x"}); err == nil {
		t.Fatal("a mysql URL was accepted")
	}
}

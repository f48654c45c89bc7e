// Package dbtest gives each test a fresh, migrated database: SQLite always,
// and PostgreSQL when TEST_DATABASE_URL is set (CI sets it). Under CI=true a
// missing TEST_DATABASE_URL fails the test instead of skipping Postgres.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"hash/fnv"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/techbridge/techbridge/internal/store"
)

// Dialects lists the databases the current run tests against.
func Dialects(t testing.TB) []string {
	t.Helper()
	if os.Getenv("TEST_DATABASE_URL") != "" {
		return []string{store.SQLite, store.Postgres}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but TEST_DATABASE_URL is not set: the Postgres tests cannot run")
	}
	return []string{store.SQLite}
}

// Each runs fn once per dialect, each run on a fresh database.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, d := range Dialects(t) {
		t.Run(d, func(t *testing.T) {
			fn(t, New(t, d))
		})
	}
}

// Config returns a store configuration for a fresh database of the dialect;
// the database is dropped when the test ends.
func Config(t testing.TB, dialect string) store.Config {
	t.Helper()
	if dialect == store.SQLite {
		return store.Config{DataDir: t.TempDir()}
	}
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Fatal("TEST_DATABASE_URL is not set")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to TEST_DATABASE_URL: %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	h := fnv.New64a()
	h.Write([]byte(schema))
	return store.Config{DatabaseURL: u.String(), MaxOpenConns: 10, MigrationLockID: int64(h.Sum64() >> 1)}
}

// New returns a migrated store on a fresh database of the dialect.
func New(t testing.TB, dialect string) *store.Store {
	t.Helper()
	return Open(t, Config(t, dialect))
}

// Open opens and migrates a store on cfg (from Config), closed when the
// test ends; a second Open on the same cfg is a second process's store.
func Open(t testing.TB, cfg store.Config) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

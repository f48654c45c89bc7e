// Package store keeps techbridge's data with GORM, on SQLite (the embedded
// default, without cgo) or PostgreSQL (production, and the one that scales
// out). It owns the migrations of both dialects, and it is the one place where
// database errors become the domain's error kinds.
package store

import (
	"context"
	"crypto/cipher"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/ext/fts5"
	"github.com/ncruces/go-sqlite3/gormlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Dialects.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Config says which database to open.
type Config struct {
	// DatabaseURL selects PostgreSQL when it starts with postgres:// or postgresql://.
	DatabaseURL string
	// DataDir holds the SQLite file when DatabaseURL is empty.
	DataDir string
	// MaxOpenConns caps the pool (default 20).
	MaxOpenConns int
	// MigrationLockID is the Postgres advisory lock taken while migrating;
	// zero takes the default. Tests give each schema its own.
	MigrationLockID int64
	// SecretKey seals the webhook signing secrets at rest; every process of
	// one database needs the same key.
	SecretKey []byte
}

// Store implements transfer.Store.
type Store struct {
	db         *gorm.DB
	sqlDB      *sql.DB
	dialect    string
	lockID     int64
	conn       *sql.Conn // set inside Tx: the transaction's connection
	savepoints *int      // set inside Tx: savepoints made so far, to name the next
	aead       cipher.AEAD
	countLimit int // lists of listings count exactly up to this many rows
}

var _ transfer.Store = (*Store)(nil)

// The SQLite build (since v0.33 WebAssembly translated to Go ahead of time:
// no cgo, and nothing to compile at start) keeps FTS5 apart as an extension;
// every connection gets it.
func init() { sqlite3.AutoExtension(fts5.Register) }

// Open connects to the configured database. It does not migrate; call Migrate.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	var dialector gorm.Dialector
	dialect := SQLite
	switch {
	case strings.HasPrefix(cfg.DatabaseURL, "postgres://"), strings.HasPrefix(cfg.DatabaseURL, "postgresql://"):
		dialect = Postgres
		dialector = postgres.New(postgres.Config{DSN: cfg.DatabaseURL})
	case cfg.DatabaseURL != "":
		return nil, fmt.Errorf("DATABASE_URL must start with postgres:// (leave it empty for the embedded SQLite database)")
	default:
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		path := filepath.Join(cfg.DataDir, "techbridge.db")
		// The file holds password and token hashes: readable by its owner only.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create database file: %w", err)
		}
		f.Close()
		dialector = gormlite.Open(sqliteDSN(path))
	}
	db, err := openGorm(ctx, dialect, dialector)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	maxOpen := cfg.MaxOpenConns
	if maxOpen == 0 {
		maxOpen = 20
	}
	sqlDB.SetMaxOpenConns(maxOpen)
	sqlDB.SetMaxIdleConns(maxOpen)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{db: db, sqlDB: sqlDB, dialect: dialect, lockID: cfg.MigrationLockID, aead: newAEAD(cfg.SecretKey), countLimit: exactCountLimit}
	if err := s.Ping(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to %s: %w", dialect, err)
	}
	return s, nil
}

// sqliteDSN turns on what makes SQLite a good server database: WAL so readers
// never block the writer, foreign keys, a busy timeout, and IMMEDIATE
// transactions so that a transaction takes the write lock when it begins
// instead of failing with "database is locked" when it first writes.
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)") // first, so that switching to WAL waits for other openers too
	q.Add("_pragma", "journal_mode(wal)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(normal)")
	// 16 MB of page cache per connection (SQLite's default is 2 MB): a
	// ranked search at 100,000 listings reads about 1,200 pages of the
	// search tables, which otherwise come from the file at every request.
	q.Add("_pragma", "cache_size(-16384)")
	q.Set("_txlock", "immediate")
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// openGorm opens the database. On SQLite, another process that is switching
// the file to WAL at the same moment makes the first connection fail as busy
// without waiting, so that is tried again for a while.
func openGorm(ctx context.Context, dialect string, dialector gorm.Dialector) (*gorm.DB, error) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		db, err := gorm.Open(dialector, &gorm.Config{
			Logger:                 logger.Discard,
			SkipDefaultTransaction: true, // single statements are atomic; use cases that need more open a transaction
			NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		})
		err = TranslateError(err)
		if err != nil && db != nil {
			if sqlDB, dbErr := db.DB(); dbErr == nil {
				sqlDB.Close()
			}
		}
		if err == nil || dialect != SQLite || !errors.Is(err, transfer.ErrUnavailable) || time.Now().After(deadline) {
			return db, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Dialect names the database in use.
func (s *Store) Dialect() string { return s.dialect }

// RefreshStatistics has Postgres sample the tables again, as autovacuum
// would in time: after a bulk load (seed) the planner otherwise sees empty
// tables and picks plans for them (the first index build then scanned and
// sorted every live listing once per page). SQLite is left as the store
// keeps it.
func (s *Store) RefreshStatistics(ctx context.Context) error {
	if s.dialect != "postgres" {
		return nil
	}
	return TranslateError(s.db.WithContext(ctx).Exec("ANALYZE").Error)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return TranslateError(s.sqlDB.PingContext(ctx))
}

// Close releases the pool.
func (s *Store) Close() error { return s.sqlDB.Close() }

// newRowID makes an id for rows the domain does not name (attempts).
func newRowID() string { return uuid.Must(uuid.NewV7()).String() }

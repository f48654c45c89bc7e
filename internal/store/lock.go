package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"
)

// sqliteLocker serialises migrations between processes that share one SQLite
// file; Postgres uses an advisory lock instead. The lock is a row that expires,
// so a process killed while migrating cannot block the next start for ever.
type sqliteLocker struct {
	holder string
	ttl    time.Duration
}

func newSQLiteLocker() *sqliteLocker {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &sqliteLocker{holder: hex.EncodeToString(b), ttl: 5 * time.Minute}
}

const sqliteLockTable = `CREATE TABLE IF NOT EXISTS techbridge_migration_lock (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	holder     TEXT NOT NULL,
	expires_at TEXT NOT NULL)`

// Lock waits until this process holds the lock or ctx ends.
func (l *sqliteLocker) Lock(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, sqliteLockTable); err != nil {
		return fmt.Errorf("migration lock table: %w", err)
	}
	for {
		now := time.Now().UTC()
		if _, err := db.ExecContext(ctx, `DELETE FROM techbridge_migration_lock WHERE expires_at < ?`, ts(now)); err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		res, err := db.ExecContext(ctx, `INSERT OR IGNORE INTO techbridge_migration_lock (id, holder, expires_at) VALUES (1, ?, ?)`,
			l.holder, ts(now.Add(l.ttl)))
		if err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the migration lock: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Unlock releases the lock if this process still holds it.
func (l *sqliteLocker) Unlock(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, `DELETE FROM techbridge_migration_lock WHERE holder = ?`, l.holder)
	return err
}

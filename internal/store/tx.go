package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Tx runs fn in one transaction on one connection of its own, so that bulk
// writes inside it can use COPY on that same connection (Postgres). A Tx
// inside a Tx is a savepoint of the outer one: when fn fails, what it wrote
// is undone and the outer transaction goes on (on Postgres a failed
// statement would otherwise doom all of it).
func (s *Store) Tx(ctx context.Context, fn func(transfer.Store) error) (err error) {
	if s.conn != nil {
		*s.savepoints++ // a transaction is used by one goroutine at a time
		name := fmt.Sprintf("sp%d", *s.savepoints)
		db := s.db.WithContext(ctx)
		if err := db.Exec("SAVEPOINT " + name).Error; err != nil {
			return TranslateError(err)
		}
		if err := fn(s); err != nil {
			if rerr := db.Exec("ROLLBACK TO SAVEPOINT " + name).Error; rerr != nil {
				return TranslateError(errors.Join(err, rerr))
			}
			return TranslateError(err)
		}
		return TranslateError(db.Exec("RELEASE SAVEPOINT " + name).Error)
	}
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return TranslateError(err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return TranslateError(err)
	}
	db := s.db.Session(&gorm.Session{Context: ctx, NewDB: true})
	db.Statement.ConnPool = tx
	inner := &Store{db: db, sqlDB: s.sqlDB, dialect: s.dialect, lockID: s.lockID, conn: conn, aead: s.aead, countLimit: s.countLimit,
		savepoints: new(int)}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(inner); err != nil {
		_ = tx.Rollback()
		return TranslateError(err)
	}
	return TranslateError(tx.Commit())
}

// canCopy reports whether COPY is at hand: Postgres, inside Tx.
func (s *Store) canCopy() bool { return s.dialect == Postgres && s.conn != nil }

// copyRows bulk-loads rows with COPY on the transaction's connection.
func (s *Store) copyRows(ctx context.Context, table string, columns []string, rows [][]any) error {
	return TranslateError(s.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("COPY needs a pgx connection, not %T", dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
		return err
	}))
}

// pgTime is a nullable time as COPY wants it.
func pgTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Truncate(time.Microsecond)
}

package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/ncruces/go-sqlite3"
	"gorm.io/gorm"

	"github.com/techbridge/techbridge/internal/transfer"
)

// TranslateError maps a database error to the domain's kinds. It is the only
// place that knows driver errors: duplicates are conflicts, missing rows are
// not found, and a database that cannot be reached is unavailable (a 503
// with Retry-After at the edge), never the client's fault.
func TranslateError(err error) error {
	if err == nil {
		return nil
	}
	var derr *transfer.Error
	switch {
	case errors.As(err, &derr):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("%w: %w", transfer.ErrNotFound, err)
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", transfer.ErrUnavailable, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "23505":
			return fmt.Errorf("%w: %s", transfer.ErrConflict, pgErr.ConstraintName)
		case pgErr.Code == "23503":
			return fmt.Errorf("%w: reference %s", transfer.ErrInvalid, pgErr.ConstraintName)
		case pgErr.Code == "40001", pgErr.Code == "40P01": // serialization failure, deadlock: retryable
			return fmt.Errorf("%w: %w", transfer.ErrUnavailable, err)
		case pgErr.Code[:2] == "08", pgErr.Code[:2] == "53", pgErr.Code[:2] == "57":
			// connection exceptions, insufficient resources, operator intervention (shutdown)
			return fmt.Errorf("%w: %w", transfer.ErrUnavailable, err)
		}
		return err
	}
	var sqErr *sqlite3.Error
	if errors.As(err, &sqErr) {
		switch sqErr.ExtendedCode() {
		case sqlite3.CONSTRAINT_UNIQUE, sqlite3.CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", transfer.ErrConflict, err)
		case sqlite3.CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %w", transfer.ErrInvalid, err)
		}
		switch sqErr.Code() {
		case sqlite3.BUSY, sqlite3.LOCKED, sqlite3.IOERR, sqlite3.FULL, sqlite3.CANTOPEN:
			return fmt.Errorf("%w: %w", transfer.ErrUnavailable, err)
		}
		return err
	}
	var netErr net.Error
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || pgconn.Timeout(err) ||
		err.Error() == "sql: database is closed" {
		return fmt.Errorf("%w: %w", transfer.ErrUnavailable, err)
	}
	return err
}

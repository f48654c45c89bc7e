package store

import (
	"context"
	"sync/atomic"

	"gorm.io/gorm"
)

// CountQueries counts the SELECTs s runs from now on.
func CountQueries(s *Store) *atomic.Int64 {
	var n atomic.Int64
	_ = s.db.Callback().Query().After("gorm:query").Register("test:count_queries", func(*gorm.DB) { n.Add(1) })
	return &n
}

// MigrateDownTo undoes migrations above version, so that a test can run
// later ones over existing rows.
func (s *Store) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := s.migrator()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}

// SetCountLimit lowers how many rows a list of listings counts exactly.
func (s *Store) SetCountLimit(n int) { s.countLimit = n }

// Analyze gathers the planner's statistics, as autovacuum would.
func (s *Store) Analyze(ctx context.Context) error {
	return s.db.WithContext(ctx).Exec("ANALYZE").Error
}

// Gorm is the store's handle, for tests that ask the database itself.
func (s *Store) Gorm() *gorm.DB { return s.db }

// BackendPIDs holds n connections of the pool at once and returns their
// Postgres backends' process ids.
func (s *Store) BackendPIDs(ctx context.Context, n int) ([]int, error) {
	pids := make([]int, n)
	for i := range pids {
		c, err := s.sqlDB.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		if err := c.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pids[i]); err != nil {
			return nil, err
		}
	}
	return pids, nil
}

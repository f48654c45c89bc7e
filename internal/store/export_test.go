package store

import (
	"sync/atomic"

	"gorm.io/gorm"
)

// CountQueries counts the SELECTs s runs from now on.
func CountQueries(s *Store) *atomic.Int64 {
	var n atomic.Int64
	_ = s.db.Callback().Query().After("gorm:query").Register("test:count_queries", func(*gorm.DB) { n.Add(1) })
	return &n
}

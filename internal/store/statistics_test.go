package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/synthetic"
)

// After a bulk load Postgres knows how many listings there are (reltuples
// is -1, "never analysed", before); SQLite is left alone.
func TestRefreshStatisticsAfterABulkLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ins := synthetic.Institutions(7, 10)
		for _, in := range ins {
			if err := s.CreateInstitution(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateListings(ctx, synthetic.Offers(7, 300, ins, time.Now())); err != nil {
			t.Fatal(err)
		}
		if err := s.RefreshStatistics(ctx); err != nil {
			t.Fatal(err)
		}
		if s.Dialect() != "postgres" {
			return
		}
		var n float64
		if err := s.Gorm().Raw("SELECT reltuples FROM pg_class WHERE oid = 'listings'::regclass").Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != 300 {
			t.Fatalf("reltuples %v after RefreshStatistics, want 300", n)
		}
	})
}

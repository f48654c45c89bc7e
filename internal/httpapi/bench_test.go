package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/synthetic"
	"github.com/techbridge/techbridge/internal/transfer"
)

// BenchmarkHTTPReads runs GET /offers/{id} and GET /demands/{id}/matches
// through the real router on each dialect (PostgreSQL with
// TEST_DATABASE_URL), 20,000 synthetic offers: its figures are the
// server's CPU and allocations per request (-benchmem), without the network
// (docs/bench/reads.sh and matches.sh measure that).
func BenchmarkHTTPReads(b *testing.B) {
	for _, dialect := range dbtest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) { benchmarkHTTPReads(b, dialect) })
	}
}

func benchmarkHTTPReads(b *testing.B, dialect string) {
	st := dbtest.New(b, dialect)
	now := time.Now()
	ins := synthetic.Institutions(1, 1000)
	offers := synthetic.Offers(1, 20_000, ins, now)
	demands := synthetic.Demands(1, 200, ins, now)
	for _, in := range ins {
		if err := st.CreateInstitution(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	for _, ls := range [][]transfer.Listing{offers, demands} {
		for i := 0; i < len(ls); i += 5000 {
			if err := st.CreateListings(ctx, ls[i:min(i+5000, len(ls))]); err != nil {
				b.Fatal(err)
			}
		}
	}
	tokens, err := auth.NewTokens(testSecret, 15*time.Minute, nil)
	if err != nil {
		b.Fatal(err)
	}
	svc, err := transfer.NewService(st, auth.FastArgon2, tokens, transfer.Config{})
	if err != nil {
		b.Fatal(err)
	}
	if err := svc.BuildMatchIndex(ctx); err != nil {
		b.Fatal(err)
	}
	srv := httpapi.NewServer(svc, tokens, httpapi.Config{})
	tok, _, err := tokens.IssueAccessToken(transfer.Actor{ID: "01a2517e-0b6c-7db7-9ff0-8db703c32f63", Kind: transfer.ActorUser, Role: transfer.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	var demand string
	for _, d := range demands {
		if d.Status == transfer.StatusPublished {
			demand = d.ID
			break
		}
	}
	for _, c := range []struct{ name, path string }{
		{"offer", "/api/v1/offers/" + offers[0].ID},
		{"matches", "/api/v1/demands/" + demand + "/matches"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, c.path, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				rec := &discard{header: http.Header{}}
				srv.ServeHTTP(rec, req)
				if rec.code != http.StatusOK {
					b.Fatalf("%s: %d", c.path, rec.code)
				}
			}
		})
	}
}

// discard is a ResponseWriter that keeps only the status: a recorder's
// growing body would be counted as the server's allocations.
type discard struct {
	header http.Header
	code   int
}

func (d *discard) Header() http.Header { return d.header }

func (d *discard) Write(p []byte) (int, error) {
	if d.code == 0 {
		d.code = http.StatusOK
	}
	return len(p), nil
}

func (d *discard) WriteHeader(code int) {
	if d.code == 0 {
		d.code = code
	}
}

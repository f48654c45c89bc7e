package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

func TestSeed(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			cfg := dbtest.Config(t, dialect)
			env := map[string]string{"TECHBRIDGE_DATA_DIR": cfg.DataDir, "DATABASE_URL": cfg.DatabaseURL}
			seed := func(args ...string) (string, error) {
				var out bytes.Buffer
				err := run(ctx, append([]string{"seed"}, args...), func(k string) string { return env[k] }, &out, io.Discard)
				return out.String(), err
			}
			counts := func() [3]int64 {
				t.Helper()
				st, err := store.Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				q := transfer.ListQuery{Limit: 1, Sort: transfer.Sort{Key: "created_at"}}
				_, institutions, err := st.ListInstitutions(ctx, transfer.InstitutionFilter{}, q)
				if err != nil {
					t.Fatal(err)
				}
				all := transfer.ListingScope{All: true}
				_, offers, err := st.ListListings(ctx, transfer.ListingFilter{Kind: transfer.KindOffer, Scope: all}, q)
				if err != nil {
					t.Fatal(err)
				}
				_, demands, err := st.ListListings(ctx, transfer.ListingFilter{Kind: transfer.KindDemand, Scope: all}, q)
				if err != nil {
					t.Fatal(err)
				}
				return [3]int64{institutions, offers, demands}
			}

			out, err := seed("synthetic", "--offers", "200", "--demands", "100", "--institutions", "20")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "seeded 20 institutions, 200 offers, 100 demands") {
				t.Fatalf("output: %q", out)
			}
			if got := counts(); got != [3]int64{20, 200, 100} {
				t.Fatalf("institutions, offers, demands = %v, want [20 200 100]", got)
			}

			// The ids follow from the seed: the same data again is a conflict, and nothing is added.
			_, err = seed("synthetic", "--offers", "200", "--demands", "100", "--institutions", "20")
			if err == nil || !strings.Contains(err.Error(), "already in this database") {
				t.Fatalf("second seeding: got %v, want a conflict", err)
			}
			if got := counts(); got != [3]int64{20, 200, 100} {
				t.Fatalf("after the second seeding: %v, want [20 200 100]", got)
			}

			// Another seed and the demo set sit beside it.
			if _, err := seed("synthetic", "--offers", "30", "--demands", "0", "--seed", "2"); err != nil {
				t.Fatal(err)
			}
			if _, err := seed("demo"); err != nil {
				t.Fatal(err)
			}
			if got := counts(); got != [3]int64{20 + 10 + 12, 200 + 30 + 20, 100 + 15} {
				t.Fatalf("after seed 2 and the demo: %v", got)
			}

			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"synthetic", "--offers", "1", "--agreements", "3"}, "agreements are not implemented yet"},
				{[]string{"synthetic", "--offers", "-1"}, "--offers must be between"},
				{[]string{"synthetic", "--offer", "1"}, "flag provided but not defined"},
				{[]string{"synthetic", "extra"}, "unexpected argument"},
				{[]string{"demo", "extra"}, "usage"},
				{nil, "usage"},
			} {
				if _, err := seed(tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("seed %v: got %v, want an error with %q", tc.args, err, tc.want)
				}
			}
		})
	}
}

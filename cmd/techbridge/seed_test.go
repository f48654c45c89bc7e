package main

import (
	"bytes"
	"context"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/auth"
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
			counts := func() [4]int64 {
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
				_, offers, _, err := st.ListListings(ctx, transfer.ListingFilter{Kind: transfer.KindOffer, Scope: all}, q)
				if err != nil {
					t.Fatal(err)
				}
				_, demands, _, err := st.ListListings(ctx, transfer.ListingFilter{Kind: transfer.KindDemand, Scope: all}, q)
				if err != nil {
					t.Fatal(err)
				}
				_, agreements, err := st.ListAgreements(ctx, transfer.AgreementFilter{}, q)
				if err != nil {
					t.Fatal(err)
				}
				// The statistics (from the rollups the seeding wrote) count the
				// confirmed agreements exactly as the base tables do.
				parts, err := st.AgreementStats(ctx, transfer.StatsQuery{GroupBy: []string{"country"}})
				if err != nil {
					t.Fatal(err)
				}
				raw, err := st.RawAgreementStats(ctx, transfer.StatsQuery{GroupBy: []string{"country"}})
				if err != nil {
					t.Fatal(err)
				}
				if got, want := transfer.MergeStats(parts), transfer.MergeStats(raw); !reflect.DeepEqual(got, want) {
					t.Fatalf("agreements by country: rollups %v, base tables %v", got, want)
				}
				return [4]int64{institutions, offers, demands, agreements}
			}

			out, err := seed("synthetic", "--offers", "200", "--demands", "100", "--agreements", "500", "--institutions", "20")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "seeded 20 institutions, 200 offers, 100 demands, 500 agreements") {
				t.Fatalf("output: %q", out)
			}
			if got := counts(); got != [4]int64{20, 200, 100, 500} {
				t.Fatalf("institutions, offers, demands, agreements = %v, want [20 200 100 500]", got)
			}
			st, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			svc, err := transfer.NewService(st, auth.FastArgon2, nil, transfer.Config{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := svc.AgreementStats(ctx, transfer.Actor{ID: "s", Kind: transfer.ActorUser, Role: transfer.RoleStaff},
				transfer.StatsQuery{GroupBy: []string{"year"}})
			st.Close()
			if err != nil {
				t.Fatal(err)
			}
			// About 97% are confirmed and count in the statistics.
			if res.Total.Count < 450 || res.Total.Count >= 500 || len(res.Rows) < 5 {
				t.Fatalf("statistics over the seeded agreements: total %d in %d years", res.Total.Count, len(res.Rows))
			}

			// The ids follow from the seed: the same data again is a conflict, and nothing is added.
			_, err = seed("synthetic", "--offers", "200", "--demands", "100", "--agreements", "500", "--institutions", "20")
			if err == nil || !strings.Contains(err.Error(), "already in this database") {
				t.Fatalf("second seeding: got %v, want a conflict", err)
			}
			if got := counts(); got != [4]int64{20, 200, 100, 500} {
				t.Fatalf("after the second seeding: %v, want [20 200 100 500]", got)
			}

			// Another seed and the demo set sit beside it.
			if _, err := seed("synthetic", "--offers", "30", "--demands", "0", "--seed", "2"); err != nil {
				t.Fatal(err)
			}
			if _, err := seed("demo"); err != nil {
				t.Fatal(err)
			}
			if got := counts(); got != [4]int64{20 + 10 + 12, 200 + 30 + 20, 100 + 15, 500} {
				t.Fatalf("after seed 2 and the demo: %v", got)
			}

			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"synthetic", "--agreements", "-3"}, "--agreements must be between"},
				{[]string{"synthetic", "--agreements", "3", "--institutions", "1"}, "at least two institutions"},
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

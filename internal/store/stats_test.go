package store_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

var staff = transfer.Actor{ID: "staff-1", Kind: transfer.ActorUser, Role: transfer.RoleStaff}

func newService(t *testing.T, s *store.Store) *transfer.Service {
	t.Helper()
	tk, _ := auth.NewTokens([]byte("0123456789abcdef0123456789abcdef"), time.Minute, nil)
	svc, err := transfer.NewService(s, auth.FastArgon2, tk, transfer.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func amount(v int64) *int64 { return &v }

// statsFixture records five agreements with answers worked out by hand.
func statsFixture(t *testing.T, svc *transfer.Service) {
	t.Helper()
	inst := map[string]string{}
	for name, c := range map[string][2]string{"A": {"CN", "university"}, "B": {"TH", "enterprise"},
		"C": {"VN", "research_institute"}, "D": {"CN", "enterprise"}} {
		in, err := svc.CreateInstitution(ctx, staff, transfer.Institution{Name: name, Country: c[0], Type: c[1]})
		if err != nil {
			t.Fatal(err)
		}
		inst[name] = in.ID
	}
	parties := func(names ...string) []transfer.Party {
		var ps []transfer.Party
		for _, n := range names {
			ps = append(ps, transfer.Party{InstitutionID: inst[n], Role: "partner"})
		}
		return ps
	}
	add := func(g transfer.Agreement) transfer.Agreement {
		t.Helper()
		out, err := svc.CreateAgreement(ctx, staff, g)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	add(transfer.Agreement{Title: "1", Type: "licensing", Status: "signed", Sector: "new_energy", Subsector: "solar_pv",
		SignedOn: "2025-03-10", ValueAmount: amount(100), Currency: "USD", Parties: parties("A", "B")})
	add(transfer.Agreement{Title: "2", Type: "development", Status: "signed", Sector: "new_energy", Subsector: "energy_storage",
		SignedOn: "2025-07-01", ValueAmount: amount(200), Currency: "CNY", Confidential: true, Parties: parties("A", "D")})
	add(transfer.Agreement{Title: "3", Type: "transfer", Status: "signed", Sector: "biomedicine",
		SignedOn: "2026-01-15", ValueAmount: amount(300), Currency: "USD", Parties: parties("A", "B", "C")})
	add(transfer.Agreement{Title: "4", Type: "consulting", Status: "planned", Sector: "biomedicine", Parties: parties("B", "C")})
	five := add(transfer.Agreement{Title: "5", Type: "service", Status: "signed", Sector: "new_energy", Subsector: "solar_pv",
		SignedOn: "2026-02-28", ValueAmount: amount(70), Currency: "THB", Parties: parties("D", "C")})
	status, reason, v := "terminated", "supplier left", int64(50)
	if _, err := svc.UpdateAgreement(ctx, staff, five.ID, 1, transfer.AgreementPatch{Status: &status,
		TerminationReason: &reason, ValueAmount: transfer.Optional[int64]{Set: true, Value: &v}}); err != nil {
		t.Fatal(err)
	}
	// A partner's proposal waits for staff and does not count.
	partner := transfer.Actor{ID: "p", Kind: transfer.ActorUser, Role: transfer.RolePartner, InstitutionID: inst["B"]}
	if _, err := svc.CreateAgreement(ctx, partner, transfer.Agreement{Title: "6", Type: "other", Sector: "biomedicine",
		Parties: parties("B", "A")}); err != nil {
		t.Fatal(err)
	}
}

// table renders rows as "key|key: count value-by-currency" for comparison.
func table(rows []transfer.StatsRow) map[string]string {
	out := map[string]string{}
	for _, r := range rows {
		k := fmt.Sprint(r.Keys)
		out[k] = fmt.Sprintf("%d %v", r.Count, r.ValueByCurrency)
	}
	return out
}

func TestAgreementStatsAreExact(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		svc := newService(t, s)
		statsFixture(t, svc)
		ask := func(q transfer.StatsQuery) map[string]string {
			t.Helper()
			res, err := svc.AgreementStats(ctx, staff, q)
			if err != nil {
				t.Fatal(err)
			}
			// Whatever path answered, the base tables must agree.
			raw, err := s.RawAgreementStats(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := table(res.Rows), table(transfer.MergeStats(raw)); !reflect.DeepEqual(got, want) {
				t.Fatalf("%+v: rollups %v, base tables %v", q, got, want)
			}
			return table(res.Rows)
		}
		for q, want := range map[*transfer.StatsQuery]map[string]string{
			{GroupBy: []string{"country"}}: {"[CN]": "4 map[CNY:200 THB:50 USD:400]", "[TH]": "3 map[USD:400]",
				"[VN]": "3 map[THB:50 USD:300]"},
			{GroupBy: []string{"corridor"}}: {"[CN-TH]": "2 map[USD:400]", "[CN-CN]": "1 map[CNY:200]",
				"[CN-VN]": "2 map[THB:50 USD:300]", "[TH-VN]": "2 map[USD:300]"},
			{GroupBy: []string{"year"}}: {"[2025]": "2 map[CNY:200 USD:100]", "[2026]": "2 map[THB:50 USD:300]", "[]": "1 map[]"},
			{GroupBy: []string{"status", "type"}}: {"[signed licensing]": "1 map[USD:100]", "[signed development]": "1 map[CNY:200]",
				"[signed transfer]": "1 map[USD:300]", "[planned consulting]": "1 map[]", "[terminated service]": "1 map[THB:50]"},
			{GroupBy: []string{"institution_type"}}: {"[university]": "3 map[CNY:200 USD:400]", "[enterprise]": "5 map[CNY:200 THB:50 USD:400]",
				"[research_institute]": "3 map[THB:50 USD:300]"},
			{GroupBy: []string{"sector"}, Country: "TH"}:                         {"[new_energy]": "1 map[USD:100]", "[biomedicine]": "2 map[USD:300]"},
			{GroupBy: []string{"quarter"}, From: "2025-03-10", To: "2026-01-31"}: {"[2025-Q1]": "1 map[USD:100]", "[2025-Q3]": "1 map[CNY:200]", "[2026-Q1]": "1 map[USD:300]"},
			{GroupBy: []string{"month", "subsector"}, Sector: "new_energy"}: {"[2025-03 solar_pv]": "1 map[USD:100]",
				"[2025-07 energy_storage]": "1 map[CNY:200]", "[2026-02 solar_pv]": "1 map[THB:50]"},
			{GroupBy: []string{"country", "corridor"}, Status: "signed"}: {"[CN CN-TH]": "2 map[USD:400]", "[TH CN-TH]": "2 map[USD:400]",
				"[CN CN-CN]": "1 map[CNY:200]", "[CN CN-VN]": "1 map[USD:300]", "[VN CN-VN]": "1 map[USD:300]",
				"[CN TH-VN]": "1 map[USD:300]", "[TH TH-VN]": "1 map[USD:300]", "[VN TH-VN]": "1 map[USD:300]",
				"[TH CN-VN]": "1 map[USD:300]", "[VN CN-TH]": "1 map[USD:300]"}, // agreement 3: three countries × three corridors
		} {
			if got := ask(*q); !reflect.DeepEqual(got, want) {
				t.Errorf("%+v:\n got %v\nwant %v", *q, got, want)
			}
		}
		res, err := svc.AgreementStats(ctx, staff, transfer.StatsQuery{GroupBy: []string{"country"}})
		if err != nil || res.Total.Count != 5 {
			t.Fatalf("total %+v %v: each agreement once", res.Total, err)
		}
		// Every dimension, alone and with a filter, agrees with the base tables.
		for _, d := range transfer.StatsDimensions {
			for _, q := range []transfer.StatsQuery{{GroupBy: []string{d}}, {GroupBy: []string{d}, From: "2025-04-02", To: "2026-02-28"},
				{GroupBy: []string{d}, Country: "VN"}, {GroupBy: []string{d, "type"}, Sector: "new_energy"}} {
				if d == "type" && len(q.GroupBy) == 2 {
					continue
				}
				ask(q)
			}
		}
	})
}

// TestAgreementStatsStayExactUnderConcurrentWrites: writers create and change
// agreements at once; afterwards every rollup equals the base tables.
func TestAgreementStatsStayExactUnderConcurrentWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		svc := newService(t, s)
		var ids []string
		for i, c := range []string{"CN", "TH", "VN", "MY"} {
			in, err := svc.CreateInstitution(ctx, staff, transfer.Institution{Name: fmt.Sprint("i", i), Country: c, Type: "enterprise"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, in.ID)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 15 {
					g, err := svc.CreateAgreement(ctx, staff, transfer.Agreement{Title: "x", Type: transfer.AgreementTypes[i%7],
						Status: "signed", Sector: "new_energy", SignedOn: fmt.Sprintf("2026-%02d-1%d", 1+i%12, w),
						ValueAmount: amount(int64(10 * (i + 1))), Currency: []string{"USD", "CNY"}[i%2],
						Parties: []transfer.Party{{InstitutionID: ids[w], Role: "provider"}, {InstitutionID: ids[(w+1+i%3)%4], Role: "recipient"}}})
					if err != nil {
						errs <- err
						continue
					}
					status, v := "in_execution", int64(7)
					if _, err := svc.UpdateAgreement(ctx, staff, g.ID, g.Version, transfer.AgreementPatch{Status: &status,
						ValueAmount: transfer.Optional[int64]{Set: true, Value: &v}}); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent write: %v", err)
		}
		for _, d := range transfer.StatsDimensions {
			q := transfer.StatsQuery{GroupBy: []string{d}}
			res, err := svc.AgreementStats(ctx, staff, q)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := s.RawAgreementStats(ctx, q)
			if got, want := table(res.Rows), table(transfer.MergeStats(raw)); !reflect.DeepEqual(got, want) {
				t.Errorf("%s after concurrent writes: rollups %v, base tables %v", d, got, want)
			}
		}
		res, _ := svc.AgreementStats(ctx, staff, transfer.StatsQuery{})
		if res.Total.Count != 60 || res.Total.ValueByCurrency["USD"]+res.Total.ValueByCurrency["CNY"] != 60*7 {
			t.Fatalf("total %+v", res.Total)
		}
	})
}

func TestMonthSpan(t *testing.T) {
	for _, c := range []struct {
		from, to, first, last string
		partial               [][2]string
	}{
		{"2025-01-01", "2025-12-31", "2025-01", "2025-12", nil},
		{"2025-03-10", "2026-01-31", "2025-04", "2026-01", [][2]string{{"2025-03-10", "2025-03-31"}}},
		{"2025-03-01", "2025-05-15", "2025-03", "2025-04", [][2]string{{"2025-05-01", "2025-05-15"}}},
		{"2025-03-02", "2025-03-30", "", "", [][2]string{{"2025-03-02", "2025-03-30"}}},
		{"2024-02-29", "2024-02-29", "", "", [][2]string{{"2024-02-29", "2024-02-29"}}},
	} {
		first, last, partial := transfer.MonthSpan(c.from, c.to)
		if first != c.first || last != c.last || !reflect.DeepEqual(partial, c.partial) {
			t.Errorf("MonthSpan(%s, %s) = %s %s %v", c.from, c.to, first, last, partial)
		}
	}
}

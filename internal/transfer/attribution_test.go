package transfer

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func testParties(pairs ...string) []Party {
	var out []Party
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, Party{InstitutionID: fmt.Sprintf("inst-%d", i/2), Role: "partner", Country: pairs[i], InstitutionType: pairs[i+1]})
	}
	return out
}

func TestAgreementMonth(t *testing.T) {
	for _, tt := range []struct{ signedOn, want string }{
		{"2026-03-31", "2026-03"},
		{"2025-12-01", "2025-12"},
		{"", ""},
		{"2026-0", ""},
	} {
		if got := AgreementMonth(Agreement{SignedOn: tt.signedOn}); got != tt.want {
			t.Errorf("AgreementMonth(%q) = %q, want %q", tt.signedOn, got, tt.want)
		}
	}
}

func TestPartyCountriesAndTypes(t *testing.T) {
	tests := []struct {
		name          string
		parties       []Party
		countries     []string
		types         []string
		corridors     []string
		corridorCount int
	}{
		{"none", nil, nil, nil, nil, 0},
		{"one country", testParties("CN", "university", "CN", "enterprise"),
			[]string{"CN"}, []string{"university", "enterprise"}, []string{"CN-CN"}, 1},
		{"two countries, sorted", testParties("TH", "enterprise", "CN", "university"),
			[]string{"CN", "TH"}, []string{"enterprise", "university"}, []string{"CN-TH"}, 1},
		{"three countries", testParties("VN", "university", "CN", "university", "TH", "enterprise"),
			[]string{"CN", "TH", "VN"}, []string{"university", "enterprise"}, []string{"CN-TH", "CN-VN", "TH-VN"}, 3},
		{"repeated country counted once", testParties("TH", "enterprise", "CN", "university", "TH", "research_institute"),
			[]string{"CN", "TH"}, []string{"enterprise", "university", "research_institute"}, []string{"CN-TH"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := Agreement{Parties: tt.parties}
			if got := PartyCountries(g); !slices.Equal(got, tt.countries) {
				t.Errorf("PartyCountries = %q, want %q", got, tt.countries)
			}
			if got := PartyTypes(g); !slices.Equal(got, tt.types) {
				t.Errorf("PartyTypes = %q, want %q (distinct, in party order)", got, tt.types)
			}
			if got := Corridors(PartyCountries(g)); !slices.Equal(got, tt.corridors) || len(got) != tt.corridorCount {
				t.Errorf("Corridors = %q, want %q", got, tt.corridors)
			}
		})
	}
	if got := Corridors([]string{"CN", "ID", "MY", "TH"}); len(got) != 6 || got[0] != "CN-ID" || got[5] != "MY-TH" {
		t.Errorf("Corridors of four countries = %q, want the 6 sorted pairs", got)
	}
}

// attributed is an agreement as staff record it: confirmed and signed.
func attributed(p []Party) Agreement {
	return Agreement{Title: "t", Type: "licensing", Status: "signed", Sector: "new_energy", Subsector: "solar_pv",
		Parties: p, ValueAmount: i64(100), Currency: "CNY", SignedOn: "2026-03-15", Confirmed: true}
}

func deltaKey(d StatsDelta) string { return d.Table + " " + strings.Join(d.Keys, "|") }

func TestAttributionExactRows(t *testing.T) {
	// CN and TH, both universities: every row the agreement counts in.
	g := attributed(testParties("TH", "university", "CN", "university"))
	const base = "2026-03|signed|licensing|new_energy|solar_pv|CNY"
	want := []string{
		"agreement_rollup " + base,
		"agreement_rollup_country CN|" + base,
		"agreement_rollup_country TH|" + base,
		"agreement_rollup_corridor CN-TH|" + base,
		"agreement_rollup_institution_type university|" + base,
		"agreement_cube |||2026-03|CNY",
		// one dimension
		"agreement_cube corridor|CN-TH||2026-03|CNY",
		"agreement_cube country|CN||2026-03|CNY",
		"agreement_cube country|TH||2026-03|CNY",
		"agreement_cube institution_type|university||2026-03|CNY",
		"agreement_cube sector|new_energy||2026-03|CNY",
		"agreement_cube status|signed||2026-03|CNY",
		"agreement_cube subsector|solar_pv||2026-03|CNY",
		"agreement_cube type|licensing||2026-03|CNY",
		// pairs, in CubeDims order
		"agreement_cube corridor,country|CN-TH|CN|2026-03|CNY",
		"agreement_cube corridor,country|CN-TH|TH|2026-03|CNY",
		"agreement_cube corridor,institution_type|CN-TH|university|2026-03|CNY",
		"agreement_cube corridor,sector|CN-TH|new_energy|2026-03|CNY",
		"agreement_cube corridor,status|CN-TH|signed|2026-03|CNY",
		"agreement_cube corridor,subsector|CN-TH|solar_pv|2026-03|CNY",
		"agreement_cube corridor,type|CN-TH|licensing|2026-03|CNY",
		"agreement_cube country,institution_type|CN|university|2026-03|CNY",
		"agreement_cube country,institution_type|TH|university|2026-03|CNY",
		"agreement_cube country,sector|CN|new_energy|2026-03|CNY",
		"agreement_cube country,sector|TH|new_energy|2026-03|CNY",
		"agreement_cube country,status|CN|signed|2026-03|CNY",
		"agreement_cube country,status|TH|signed|2026-03|CNY",
		"agreement_cube country,subsector|CN|solar_pv|2026-03|CNY",
		"agreement_cube country,subsector|TH|solar_pv|2026-03|CNY",
		"agreement_cube country,type|CN|licensing|2026-03|CNY",
		"agreement_cube country,type|TH|licensing|2026-03|CNY",
		"agreement_cube institution_type,sector|university|new_energy|2026-03|CNY",
		"agreement_cube institution_type,status|university|signed|2026-03|CNY",
		"agreement_cube institution_type,subsector|university|solar_pv|2026-03|CNY",
		"agreement_cube institution_type,type|university|licensing|2026-03|CNY",
		"agreement_cube sector,status|new_energy|signed|2026-03|CNY",
		"agreement_cube sector,subsector|new_energy|solar_pv|2026-03|CNY",
		"agreement_cube sector,type|new_energy|licensing|2026-03|CNY",
		"agreement_cube status,subsector|signed|solar_pv|2026-03|CNY",
		"agreement_cube status,type|signed|licensing|2026-03|CNY",
		"agreement_cube subsector,type|solar_pv|licensing|2026-03|CNY",
	}
	got := Attribution(g)
	var keys []string
	for _, d := range got {
		if d.N != 1 || d.Value != 100 {
			t.Errorf("%s: N %d, value %d, want 1 and 100", deltaKey(d), d.N, d.Value)
		}
		keys = append(keys, deltaKey(d))
	}
	slices.Sort(keys)
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		for _, k := range keys {
			if !slices.Contains(want, k) {
				t.Errorf("unexpected row %s", k)
			}
		}
		for _, k := range want {
			if !slices.Contains(keys, k) {
				t.Errorf("missing row %s", k)
			}
		}
		t.Fatalf("got %d rows, want %d", len(keys), len(want))
	}
}

func TestAttribution(t *testing.T) {
	unconfirmed := attributed(testParties("CN", "university", "TH", "enterprise"))
	unconfirmed.Confirmed = false
	unsigned := attributed(testParties("CN", "university", "TH", "enterprise"))
	unsigned.Status, unsigned.SignedOn, unsigned.ValueAmount, unsigned.Currency = "planned", "", nil, ""
	tests := []struct {
		name  string
		g     Agreement
		count map[string]int // rows per table; nil: none at all
	}{
		{"unconfirmed counts nowhere", unconfirmed, nil},
		{"one country: corridor CN-CN", attributed(testParties("CN", "university", "CN", "enterprise")), map[string]int{
			TableRollup: 1, RollupOf["country"]: 1, RollupOf["corridor"]: 1, RollupOf["institution_type"]: 2,
			// counts per dimension 1,1,2,1,1,1,1: 1 + 8 + (64-10)/2
			TableCube: 36}},
		{"CN and TH of two types", attributed(testParties("CN", "university", "TH", "enterprise")), map[string]int{
			TableRollup: 1, RollupOf["country"]: 2, RollupOf["corridor"]: 1, RollupOf["institution_type"]: 2,
			// counts per dimension 1,2,2,1,1,1,1: 1 + 9 + (81-13)/2
			TableCube: 44}},
		{"three countries", attributed(testParties("VN", "university", "CN", "university", "TH", "enterprise")), map[string]int{
			TableRollup: 1, RollupOf["country"]: 3, RollupOf["corridor"]: 3, RollupOf["institution_type"]: 2,
			// counts per dimension 3,3,2,1,1,1,1: 1 + 12 + (144-26)/2
			TableCube: 72}},
		{"unsigned: month and currency empty", unsigned, map[string]int{
			TableRollup: 1, RollupOf["country"]: 2, RollupOf["corridor"]: 1, RollupOf["institution_type"]: 2, TableCube: 44}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Attribution(tt.g)
			if tt.count == nil {
				if got != nil {
					t.Fatalf("got %d rows, want none", len(got))
				}
				return
			}
			count := map[string]int{}
			seen := map[string]bool{}
			var value int64
			if tt.g.ValueAmount != nil {
				value = *tt.g.ValueAmount
			}
			for _, d := range got {
				count[d.Table]++
				k := deltaKey(d)
				if seen[k] {
					t.Errorf("row %s twice", k)
				}
				seen[k] = true
				if d.N != 1 || d.Value != value {
					t.Errorf("%s: N %d, value %d, want 1 and %d", k, d.N, d.Value, value)
				}
				month, currency := d.Keys[len(d.Keys)-2], d.Keys[len(d.Keys)-1]
				if d.Table != TableCube {
					month, currency = d.Keys[len(d.Keys)-6], d.Keys[len(d.Keys)-1]
				}
				if month != AgreementMonth(tt.g) || currency != tt.g.Currency {
					t.Errorf("%s: month %q, currency %q", k, month, currency)
				}
			}
			for table, n := range tt.count {
				if count[table] != n {
					t.Errorf("%s: %d rows, want %d", table, count[table], n)
				}
			}
			if len(count) != len(tt.count) {
				t.Errorf("tables %v, want %v", count, tt.count)
			}
		})
	}
}

func sortedDeltas(ds []StatsDelta) bool {
	return slices.IsSortedFunc(ds, func(a, b StatsDelta) int {
		if c := strings.Compare(a.Table, b.Table); c != 0 {
			return c
		}
		return slices.Compare(a.Keys, b.Keys)
	})
}

func TestStatsDeltas(t *testing.T) {
	old := attributed(testParties("TH", "university", "CN", "university"))
	moved := old
	moved.Status = "in_execution"
	revalued := old
	revalued.ValueAmount = i64(250)
	unconfirmed := old
	unconfirmed.Confirmed = false

	t.Run("create adds every row once", func(t *testing.T) {
		got := StatsDeltas(nil, []Agreement{old})
		if len(got) != 41 || !sortedDeltas(got) {
			t.Fatalf("%d deltas (sorted %v), want the 41 rows of the agreement, sorted", len(got), sortedDeltas(got))
		}
		want := Attribution(old)
		for _, d := range got {
			if d.N != 1 || d.Value != 100 || !slices.ContainsFunc(want, func(w StatsDelta) bool { return deltaKey(w) == deltaKey(d) }) {
				t.Errorf("unexpected delta %s N %d value %d", deltaKey(d), d.N, d.Value)
			}
		}
	})
	t.Run("two alike add up", func(t *testing.T) {
		got := StatsDeltas(nil, []Agreement{old, old})
		if len(got) != 41 || got[0].N != 2 || got[0].Value != 200 {
			t.Fatalf("%d deltas, first %+v; want 41 with N 2 and value 200", len(got), got[0])
		}
	})
	t.Run("status change moves the rows that name a status", func(t *testing.T) {
		got := StatsDeltas([]Agreement{old}, []Agreement{moved})
		if !sortedDeltas(got) {
			t.Errorf("not sorted by table, then keys")
		}
		// Every rollup row names the status (5 rows); in the cube the status
		// alone and its pairs with the other six dimensions, which take
		// 1 (corridor) + 2 (country) + 1 + 1 + 1 + 1 values: 8 rows.
		wantPerSide := map[string]int{TableRollup: 1, RollupOf["country"]: 2, RollupOf["corridor"]: 1,
			RollupOf["institution_type"]: 1, TableCube: 8}
		removed, added := map[string]int{}, map[string]int{}
		for _, d := range got {
			hasOld, hasNew := slices.Contains(d.Keys, "signed"), slices.Contains(d.Keys, "in_execution")
			switch {
			case d.N == -1 && d.Value == -100 && hasOld && !hasNew:
				removed[d.Table]++
			case d.N == 1 && d.Value == 100 && hasNew && !hasOld:
				added[d.Table]++
			default:
				t.Errorf("unexpected delta %s N %d value %d", deltaKey(d), d.N, d.Value)
			}
			if d.Table == TableCube && !strings.Contains(d.Keys[0], "status") {
				t.Errorf("cube row without status changed: %s", deltaKey(d))
			}
		}
		for table, n := range wantPerSide {
			if removed[table] != n || added[table] != n {
				t.Errorf("%s: %d removed, %d added, want %d each", table, removed[table], added[table], n)
			}
		}
		if len(got) != 26 {
			t.Errorf("%d deltas, want 26", len(got))
		}
	})
	t.Run("value change keeps every row with N 0", func(t *testing.T) {
		got := StatsDeltas([]Agreement{old}, []Agreement{revalued})
		if len(got) != 41 || !sortedDeltas(got) {
			t.Fatalf("%d deltas, want 41 sorted", len(got))
		}
		for _, d := range got {
			if d.N != 0 || d.Value != 150 {
				t.Errorf("%s: N %d value %d, want 0 and 150", deltaKey(d), d.N, d.Value)
			}
		}
	})
	t.Run("confirming adds, unconfirming removes", func(t *testing.T) {
		if got := StatsDeltas([]Agreement{unconfirmed}, []Agreement{old}); len(got) != 41 || got[0].N != 1 {
			t.Errorf("confirm: %d deltas, want 41 additions", len(got))
		}
		if got := StatsDeltas([]Agreement{old}, []Agreement{unconfirmed}); len(got) != 41 || got[0].N != -1 || got[0].Value != -100 {
			t.Errorf("unconfirm: %d deltas, want 41 removals", len(got))
		}
	})
	for _, tt := range []struct {
		name           string
		removed, added []Agreement
	}{
		{"no change", []Agreement{old}, []Agreement{old}},
		{"unconfirmed edits", []Agreement{unconfirmed}, []Agreement{unconfirmed}},
		{"nothing", nil, nil},
		{"the same in another order", []Agreement{old, moved}, []Agreement{moved, old}},
	} {
		t.Run(tt.name+" is empty", func(t *testing.T) {
			if got := StatsDeltas(tt.removed, tt.added); len(got) != 0 {
				t.Fatalf("got %d deltas, first %s, want none", len(got), deltaKey(got[0]))
			}
		})
	}
}

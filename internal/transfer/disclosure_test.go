package transfer

import (
	"maps"
	"testing"
)

// Inside a group large enough to show, a currency fewer than k of its
// agreements are valued in shows no value: it would name those deals.
func TestSuppressHidesSmallCurrencyGroups(t *testing.T) {
	r := StatsRow{Count: 5, ValueByCurrency: map[string]int64{"USD": 4_000_000, "MYR": 777_777},
		CountByCurrency: map[string]int64{"USD": 4, "MYR": 1}}
	suppress(&r, 3)
	if r.Suppressed || r.Count != 5 {
		t.Fatalf("a group of 5 was suppressed: %+v", r)
	}
	if want := map[string]int64{"USD": 4_000_000}; !maps.Equal(r.ValueByCurrency, want) {
		t.Fatalf("values %v, want %v", r.ValueByCurrency, want)
	}
	if _, ok := r.CountByCurrency["MYR"]; ok {
		t.Fatalf("the MYR sub-group of one still shows: %v", r.CountByCurrency)
	}
	small := StatsRow{Count: 2, ValueByCurrency: map[string]int64{"USD": 10}, CountByCurrency: map[string]int64{"USD": 2}}
	suppress(&small, 3)
	if !small.Suppressed || small.Count != 0 || len(small.ValueByCurrency) != 0 {
		t.Fatalf("a group of 2 shows: %+v", small)
	}
}

// A blanked row blanks the total too: the total minus the rows shown would
// give the blanked group back (found in review: 427,242 − 3,000 = 424,242).
func TestSuppressedRowsBlankTheTotal(t *testing.T) {
	s := &Service{minGroup: 3}
	res := StatsResult{
		Rows: []StatsRow{
			{Keys: []string{"2026-03"}, Count: 3, ValueByCurrency: map[string]int64{"USD": 3000}, CountByCurrency: map[string]int64{"USD": 3}},
			{Keys: []string{"2026-05"}, Count: 1, ValueByCurrency: map[string]int64{"USD": 424242}, CountByCurrency: map[string]int64{"USD": 1}},
		},
		Total: StatsRow{Count: 4, ValueByCurrency: map[string]int64{"USD": 427242}, CountByCurrency: map[string]int64{"USD": 4}},
	}
	s.suppressSmallGroups(&res)
	if !res.Rows[1].Suppressed || res.Rows[0].Suppressed {
		t.Fatalf("rows %+v", res.Rows)
	}
	if !res.Total.Suppressed || len(res.Total.ValueByCurrency) != 0 {
		t.Fatalf("the total %+v gives the blanked row back", res.Total)
	}
	whole := StatsResult{Rows: res.Rows[:1], Total: StatsRow{Count: 3, ValueByCurrency: map[string]int64{"USD": 3000},
		CountByCurrency: map[string]int64{"USD": 3}}}
	whole.Rows[0].Suppressed = false
	s.suppressSmallGroups(&whole)
	if whole.Total.Suppressed {
		t.Fatal("nothing was blanked, yet the total was")
	}
}

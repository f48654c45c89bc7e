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

package transfer

import (
	"slices"
	"strings"
)

// What an agreement counts under in the statistics is a domain rule: the
// month of its signing, its status, type, sector and subsector, its value's
// currency, and the multi-valued dimensions of its parties (each distinct
// country, each sorted pair of countries, each distinct institution type).
// The functions here say it once; the store only sums the deltas it is given
// into its counting tables.

// The counting tables. A rollup counts by month, status, type, sector,
// subsector and currency, plus at most one multi-valued dimension; the cube
// counts every single dimension and every pair of them by month and currency.
const (
	TableRollup = "agreement_rollup"
	TableCube   = "agreement_cube"
)

// RollupOf is the one map of dimensions to rollups: the rollup that can
// group by each multi-valued dimension ("" names the base rollup).
var RollupOf = map[string]string{
	"":                 TableRollup,
	"country":          "agreement_rollup_country",
	"corridor":         "agreement_rollup_corridor",
	"institution_type": "agreement_rollup_institution_type",
}

// CubeDims are the dimensions of the cube, in the order its keys name them.
var CubeDims = []string{"corridor", "country", "institution_type", "sector", "status", "subsector", "type"}

// StatsDelta is a change to one row of one counting table. Keys are, for a
// rollup, [the multi-valued dimension's value, when the rollup has one,]
// month, status, type, sector, subsector, currency; for the cube, the
// dimensions ("a" or "a,b" in CubeDims order, "" for none), their values,
// month and currency.
type StatsDelta struct {
	Table string
	Keys  []string
	N     int64 // agreements
	Value int64 // sum of their value amounts
}

// AgreementMonth is the month an agreement counts in: that of signed_on,
// "" while it is not signed.
func AgreementMonth(g Agreement) string {
	if len(g.SignedOn) >= 7 {
		return g.SignedOn[:7]
	}
	return ""
}

// PartyCountries are an agreement's distinct party countries, sorted.
func PartyCountries(g Agreement) []string {
	var out []string
	for _, p := range g.Parties {
		if !slices.Contains(out, p.Country) {
			out = append(out, p.Country)
		}
	}
	slices.Sort(out)
	return out
}

// PartyTypes are an agreement's distinct party institution types, in party order.
func PartyTypes(g Agreement) []string {
	var out []string
	for _, p := range g.Parties {
		if !slices.Contains(out, p.InstitutionType) {
			out = append(out, p.InstitutionType)
		}
	}
	return out
}

// Corridors are the sorted pairs of distinct countries, "CN-TH"; when all
// parties share one country the corridor is "CN-CN".
func Corridors(sorted []string) []string {
	if len(sorted) == 1 {
		return []string{sorted[0] + "-" + sorted[0]}
	}
	var out []string
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			out = append(out, sorted[i]+"-"+sorted[j])
		}
	}
	return out
}

// dimensionValues are the values an agreement takes in each dimension the
// statistics group by (time aside); multi-valued ones may have several.
func dimensionValues(g Agreement) map[string][]string {
	countries := PartyCountries(g)
	return map[string][]string{"corridor": Corridors(countries), "country": countries, "institution_type": PartyTypes(g),
		"sector": {g.Sector}, "status": {g.Status}, "subsector": {g.Subsector}, "type": {g.Type}}
}

// Attribution lists the rows of every counting table one agreement counts
// in, once each, with N 1 and its value; nothing for an agreement that does
// not count (an unconfirmed proposal).
func Attribution(g Agreement) []StatsDelta {
	if !g.Counts() {
		return nil
	}
	var v int64
	if g.ValueAmount != nil {
		v = *g.ValueAmount
	}
	month := AgreementMonth(g)
	vals := dimensionValues(g)
	base := []string{month, g.Status, g.Type, g.Sector, g.Subsector, g.Currency}
	out := []StatsDelta{{Table: TableRollup, Keys: base, N: 1, Value: v}}
	for _, extra := range []string{"country", "corridor", "institution_type"} {
		for _, x := range vals[extra] {
			out = append(out, StatsDelta{Table: RollupOf[extra], Keys: append([]string{x}, base...), N: 1, Value: v})
		}
	}
	out = append(out, StatsDelta{Table: TableCube, Keys: []string{"", "", "", month, g.Currency}, N: 1, Value: v})
	for i, a := range CubeDims {
		for _, va := range vals[a] {
			out = append(out, StatsDelta{Table: TableCube, Keys: []string{a, va, "", month, g.Currency}, N: 1, Value: v})
		}
		for _, b := range CubeDims[i+1:] {
			for _, va := range vals[a] {
				for _, vb := range vals[b] {
					out = append(out, StatsDelta{Table: TableCube, Keys: []string{a + "," + b, va, vb, month, g.Currency}, N: 1, Value: v})
				}
			}
		}
	}
	return out
}

// StatsDeltas is what replacing the agreements removed by those added does
// to the counts: one delta per row, rows whose change sums to nothing left
// out, in one fixed order (table, then keys) so that concurrent writers
// lock rows in the same order.
func StatsDeltas(removed, added []Agreement) []StatsDelta {
	sum := map[string]*StatsDelta{}
	var order []string
	add := func(g Agreement, sign int64) {
		for _, d := range Attribution(g) {
			id := d.Table + "\x00" + strings.Join(d.Keys, "\x00")
			s := sum[id]
			if s == nil {
				s = &StatsDelta{Table: d.Table, Keys: d.Keys}
				sum[id] = s
				order = append(order, id)
			}
			s.N += sign * d.N
			s.Value += sign * d.Value
		}
	}
	for _, g := range removed {
		add(g, -1)
	}
	for _, g := range added {
		add(g, 1)
	}
	slices.Sort(order)
	var out []StatsDelta
	for _, id := range order {
		if d := sum[id]; d.N != 0 || d.Value != 0 {
			out = append(out, *d)
		}
	}
	return out
}

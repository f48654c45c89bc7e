package transfer

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// StatsDimensions are what agreement statistics group by. country,
// corridor and institution_type are multi-valued: an agreement counts once
// under each of its parties' distinct countries, each sorted pair of them
// ("CN-TH"; "CN-CN" when all parties share one), and each distinct type.
var StatsDimensions = []string{"sector", "subsector", "type", "status", "country", "corridor", "institution_type",
	"year", "quarter", "month", "event"}

// MultiValued reports whether a dimension can count an agreement more than once.
func MultiValued(dim string) bool {
	return dim == "country" || dim == "corridor" || dim == "institution_type"
}

// StatsQuery asks for agreement statistics. From and To bound signed_on
// (inclusive dates); agreements not yet signed fall outside any bound.
type StatsQuery struct {
	GroupBy                       []string
	From, To                      string
	Status, Type, Sector, Country string
	// ConfidentialOnly is set by the service alone: it asks for the
	// confidential agreements, to take them out for callers who may not see them.
	ConfidentialOnly bool
}

// StatsRow is one group: its key per dimension, how many agreements, and
// their values summed per currency.
type StatsRow struct {
	Keys            []string
	Count           int64
	ValueByCurrency map[string]int64
	// CountByCurrency splits Count by the currency of the agreements' value
	// ("" for agreements without one), for one CSV row per group and currency.
	CountByCurrency map[string]int64
	// Suppressed groups are too small to show to the caller: Count and the
	// maps are empty (the disclosure rule).
	Suppressed bool
}

// StatsResult is a statistics answer with the total over all groups (each
// agreement once, even when a multi-valued dimension repeats it in rows).
type StatsResult struct {
	GroupBy []string
	Rows    []StatsRow
	Total   StatsRow
}

// StatsPart is one raw aggregate a store returns: keys, currency, count, value.
type StatsPart struct {
	Keys     []string
	Currency string
	N        int64
	Value    int64
}

// MaxStatsDimensions bounds group_by: every further dimension multiplies the
// rows (all ten gave 148,492 rows over 20,000 agreements).
const MaxStatsDimensions = 3

func (q *StatsQuery) validate() error {
	var p Problems
	if len(q.GroupBy) > MaxStatsDimensions {
		p.Add("group_by", "names %d dimensions; at most %d may be combined", len(q.GroupBy), MaxStatsDimensions)
	}
	seen := map[string]bool{}
	for _, d := range q.GroupBy {
		switch {
		case !slices.Contains(StatsDimensions, d):
			p.Add("group_by", "%q is not one of %s", d, strings.Join(StatsDimensions, ", "))
		case seen[d]:
			p.Add("group_by", "%q is named twice", d)
		}
		seen[d] = true
	}
	q.Country = strings.ToUpper(q.Country)
	for f, d := range map[string]string{"from": q.From, "to": q.To} {
		if d != "" && !validDate(d) {
			p.Add(f, "must be a date such as 2026-03-31")
		}
	}
	if q.From != "" && q.To != "" && q.From > q.To {
		p.Add("from", "must not be after to")
	}
	checkAgreementSelection(&p, q.Status, q.Type, q.Sector, q.Country)
	return p.Err()
}

// AgreementStats answers a statistics query (staff and analysts). Only
// confirmed agreements count; for callers who are not staff, confidential
// agreements do not count and small groups are suppressed (disclosure.go).
// A few queries run at a time, each within the statistics deadline and for
// as long as the client waits.
func (s *Service) AgreementStats(ctx context.Context, a Actor, q StatsQuery) (StatsResult, error) {
	if !a.Authenticated() {
		return StatsResult{}, ErrUnauthenticated
	}
	if !a.IsStaff() && a.Role != RoleAnalyst {
		return StatsResult{}, Errorf(ErrForbidden, "statistics are for staff and analysts")
	}
	q.ConfidentialOnly = false
	if err := q.validate(); err != nil {
		return StatsResult{}, err
	}
	leave, err := s.statsGate.enter(ctx)
	if err != nil {
		return StatsResult{}, err
	}
	defer leave()
	ctx, cancel := context.WithTimeout(ctx, s.statsTimeout)
	defer cancel()
	parts, err := s.statsParts(ctx, a, q)
	if err != nil {
		return StatsResult{}, fmt.Errorf("agreement statistics: %w", err)
	}
	totals, err := s.statsParts(ctx, a, StatsQuery{From: q.From, To: q.To, Status: q.Status, Type: q.Type,
		Sector: q.Sector, Country: q.Country})
	if err != nil {
		return StatsResult{}, fmt.Errorf("agreement statistics: %w", err)
	}
	res := StatsResult{GroupBy: q.GroupBy, Rows: MergeStats(parts)}
	if t := MergeStats(totals); len(t) == 1 {
		res.Total = t[0]
	} else {
		res.Total = StatsRow{Keys: []string{}, ValueByCurrency: map[string]int64{}, CountByCurrency: map[string]int64{}}
	}
	if !a.IsStaff() {
		s.suppressSmallGroups(&res)
	}
	return res, nil
}

// MergeStats sums parts with equal keys into rows, sorted by key.
func MergeStats(parts []StatsPart) []StatsRow {
	byKey := map[string]*StatsRow{}
	var order []string
	for _, p := range parts {
		k := strings.Join(p.Keys, "\x00")
		r := byKey[k]
		if r == nil {
			r = &StatsRow{Keys: p.Keys, ValueByCurrency: map[string]int64{}, CountByCurrency: map[string]int64{}}
			byKey[k] = r
			order = append(order, k)
		}
		r.Count += p.N
		r.CountByCurrency[p.Currency] += p.N
		if p.Currency != "" {
			r.ValueByCurrency[p.Currency] += p.Value
		}
		if r.CountByCurrency[p.Currency] == 0 { // parts that took agreements out cancelled it
			delete(r.CountByCurrency, p.Currency)
			delete(r.ValueByCurrency, p.Currency)
		}
	}
	sort.Strings(order)
	out := make([]StatsRow, 0, len(order))
	for _, k := range order {
		if r := byKey[k]; r.Count != 0 {
			out = append(out, *r)
		}
	}
	return out
}

// MonthSpan splits [from, to] into the whole months inside it ("YYYY-MM",
// inclusive; empty when none) and the partial date ranges at either end,
// which rollups by month cannot answer exactly.
func MonthSpan(from, to string) (firstMonth, lastMonth string, partial [][2]string) {
	f, _ := time.Parse(time.DateOnly, from)
	t, _ := time.Parse(time.DateOnly, to)
	start := f
	if f.Day() != 1 {
		start = time.Date(f.Year(), f.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	}
	endNext := time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC) // first day after t's month
	end := endNext
	if t.AddDate(0, 0, 1) != endNext {
		end = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) // t's month is partial
	}
	if !start.Before(end) {
		return "", "", [][2]string{{from, to}}
	}
	if f.Before(start) {
		partial = append(partial, [2]string{from, start.AddDate(0, 0, -1).Format(time.DateOnly)})
	}
	if end.Before(t.AddDate(0, 0, 1)) {
		partial = append(partial, [2]string{end.Format(time.DateOnly), to})
	}
	return start.Format("2006-01"), end.AddDate(0, 0, -1).Format("2006-01"), partial
}

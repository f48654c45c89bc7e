package transfer

import "context"

// The disclosure rule for statistics asked by callers who are not staff
// (analysts; partners should they be let in):
//
//   - Confidential agreements do not count at all, neither in counts nor in
//     values. Suppressing small groups alone would not protect them: two
//     overlapping date ranges that each hold enough agreements differ by
//     exactly the agreements of the days between them, so narrowing the range
//     recovers a single confidential agreement. What these callers get is
//     therefore derivable from the agreement records they may read.
//   - Groups of fewer than k agreements (TECHBRIDGE_STATS_MIN_GROUP, default
//     3) show neither count nor value, nor does a total below k: a small
//     group names a few identifiable deals, however public each one is.

// statsParts returns the store's parts for q, with the confidential
// agreements taken out again for callers who are not staff. The rollups
// hold every confirmed agreement; the confidential ones are few and indexed.
func (s *Service) statsParts(ctx context.Context, a Actor, q StatsQuery) ([]StatsPart, error) {
	parts, err := s.db(ctx).AgreementStats(ctx, q)
	if err != nil || a.IsStaff() {
		return parts, err
	}
	q.ConfidentialOnly = true
	hidden, err := s.db(ctx).AgreementStats(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, p := range hidden {
		p.N, p.Value = -p.N, -p.Value
		parts = append(parts, p)
	}
	return parts, nil
}

// suppressSmallGroups blanks the groups, and the total, of fewer than k agreements.
//
// When anything in the rows was blanked, so is the total: the total minus
// the rows shown would give the blanked group back.
func (s *Service) suppressSmallGroups(res *StatsResult) {
	blanked := false
	for i := range res.Rows {
		blanked = suppress(&res.Rows[i], s.minGroup) || blanked
	}
	if suppress(&res.Total, s.minGroup) || !blanked || res.Total.Count == 0 {
		return
	}
	res.Total.Count, res.Total.Suppressed = 0, true
	res.Total.ValueByCurrency, res.Total.CountByCurrency = map[string]int64{}, map[string]int64{}
}

// suppress blanks a group of fewer than k agreements, and inside a larger
// group the currencies that fewer than k of its agreements are valued in:
// a group of five whose one MYR deal showed its value would name that deal.
// It reports whether it blanked anything.
func suppress(r *StatsRow, k int) bool {
	if r.Count == 0 {
		return false
	}
	if r.Count < int64(k) {
		r.Count, r.Suppressed = 0, true
		r.ValueByCurrency, r.CountByCurrency = map[string]int64{}, map[string]int64{}
		return true
	}
	blanked := false
	for cur, n := range r.CountByCurrency {
		if cur != "" && n < int64(k) {
			delete(r.CountByCurrency, cur)
			delete(r.ValueByCurrency, cur)
			blanked = true
		}
	}
	return blanked
}

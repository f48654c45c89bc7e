package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Agreement statistics come from rollup tables kept in the transaction of
// every agreement change, so they are exact at every commit. A query reads
// whole months from a rollup and asks the base tables only for the partial
// months at the ends of a date range. Questions a rollup cannot answer (two
// multi-valued dimensions at once, or grouping by country while filtering by
// country) go to the base tables: slower, equally exact.

// AgreementStats aggregates confirmed agreements: from the cube when the
// question names at most two dimensions, else from the rollups, else from
// the base tables.
func (s *Store) AgreementStats(ctx context.Context, q transfer.StatsQuery) ([]transfer.StatsPart, error) {
	if q.ConfidentialOnly {
		return s.RawAgreementStats(ctx, q) // the rollups do not split by confidentiality; an index finds these few
	}
	if slices.Contains(q.GroupBy, "event") {
		return s.RawAgreementStats(ctx, q) // the rollups do not keep the event: agreements of events are few
	}
	if dims, ok := cubeDimsOf(q); ok {
		return s.byMonths(ctx, q, func(first, last string, all bool) ([]transfer.StatsPart, error) {
			return s.cubeStats(ctx, q, dims, first, last, all)
		})
	}
	var multi []string
	for _, d := range q.GroupBy {
		if transfer.MultiValued(d) {
			multi = append(multi, d)
		}
	}
	countryFilter := q.Country != ""
	switch {
	case len(multi) > 1, len(multi) == 1 && countryFilter:
		return s.RawAgreementStats(ctx, q)
	}
	extra := ""
	if len(multi) == 1 {
		extra = multi[0]
	} else if countryFilter {
		extra = "country"
	}
	return s.byMonths(ctx, q, func(first, last string, all bool) ([]transfer.StatsPart, error) {
		return s.rollupStats(ctx, q, extra, first, last, all)
	})
}

// byMonths answers whole months with monthly (a table by month) and the
// partial months at the ends of a date range from the base tables.
func (s *Store) byMonths(ctx context.Context, q transfer.StatsQuery, monthly func(first, last string, all bool) ([]transfer.StatsPart, error)) ([]transfer.StatsPart, error) {
	if q.From == "" && q.To == "" {
		return monthly("", "", true)
	}
	from, to := q.From, q.To
	if from == "" {
		from = "0001-01-01"
	}
	if to == "" {
		to = "9999-12-31"
	}
	first, last, partial := transfer.MonthSpan(from, to)
	var out []transfer.StatsPart
	if first != "" {
		parts, err := monthly(first, last, false)
		if err != nil {
			return nil, err
		}
		out = append(out, parts...)
	}
	for _, p := range partial {
		pq := q
		pq.From, pq.To = p[0], p[1]
		parts, err := s.RawAgreementStats(ctx, pq)
		if err != nil {
			return nil, err
		}
		out = append(out, parts...)
	}
	return out, nil
}

// cubeDimsOf names the dimensions a question needs, in cube order, when the
// cube can answer it: at most two of the group_by and filter dimensions
// (time aside), and not country both grouped and filtered (the filter then
// selects agreements, whose other countries still count).
func cubeDimsOf(q transfer.StatsQuery) ([]string, bool) {
	need := map[string]bool{}
	for _, d := range q.GroupBy {
		if d != "year" && d != "quarter" && d != "month" {
			need[d] = true
		}
	}
	for d, v := range map[string]string{"status": q.Status, "type": q.Type, "sector": q.Sector, "country": q.Country} {
		if v != "" {
			need[d] = true
		}
	}
	if len(need) > 2 || (q.Country != "" && slices.Contains(q.GroupBy, "country")) {
		return nil, false
	}
	var dims []string
	for _, d := range transfer.CubeDims {
		if need[d] {
			dims = append(dims, d)
		}
	}
	return dims, true
}

func (s *Store) cubeStats(ctx context.Context, q transfer.StatsQuery, dims []string, firstMonth, lastMonth string, allMonths bool) ([]transfer.StatsPart, error) {
	col := func(d string) string {
		if len(dims) > 0 && dims[0] == d {
			return "v1"
		}
		return "v2"
	}
	exprs := groupExprs(q.GroupBy, "month", col)
	where := []string{"dims = ?"}
	args := []any{strings.Join(dims, ",")}
	if !allMonths {
		where = append(where, "month >= ? AND month <= ? AND month <> ''")
		args = append(args, firstMonth, lastMonth)
	}
	for d, v := range map[string]string{"status": q.Status, "type": q.Type, "sector": q.Sector, "country": q.Country} {
		if v != "" {
			where = append(where, col(d)+" = ?")
			args = append(args, v)
		}
	}
	return s.aggregate(ctx, "", exprs, "currency", "CAST(SUM(n) AS BIGINT)", "CAST(SUM(value) AS BIGINT)", "agreement_cube", where, args)
}

// groupExprs are the SQL expressions a question groups by: the periods
// from a month expression ("YYYY-MM", or "" while unsigned), every other
// dimension as column names it.
func groupExprs(dims []string, month string, column func(dim string) string) []string {
	out := make([]string, len(dims))
	for i, d := range dims {
		switch d {
		case "year":
			out[i] = "substr(" + month + ", 1, 4)"
		case "quarter":
			out[i] = quarterOf(month)
		case "month":
			out[i] = month
		default:
			out[i] = column(d)
		}
	}
	return out
}

func quarterOf(dateCol string) string {
	return "CASE WHEN " + dateCol + " = '' THEN '' ELSE substr(" + dateCol + ", 1, 4) || '-Q' || CAST((CAST(substr(" +
		dateCol + ", 6, 2) AS INTEGER) + 2) / 3 AS TEXT) END"
}

func (s *Store) rollupStats(ctx context.Context, q transfer.StatsQuery, extra, firstMonth, lastMonth string, allMonths bool) ([]transfer.StatsPart, error) {
	table := transfer.RollupOf[extra]
	exprs := groupExprs(q.GroupBy, "month", func(d string) string { return d })
	var where []string
	var args []any
	if !allMonths {
		where = append(where, "month >= ? AND month <= ? AND month <> ''")
		args = append(args, firstMonth, lastMonth)
	}
	for col, v := range map[string]string{"status": q.Status, "type": q.Type, "sector": q.Sector} {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	if q.Country != "" {
		where = append(where, "country = ?")
		args = append(args, q.Country)
	}
	return s.aggregate(ctx, "", exprs, "currency", "CAST(SUM(n) AS BIGINT)", "CAST(SUM(value) AS BIGINT)", table, where, args)
}

// RawAgreementStats answers from the base tables alone: the reference the
// rollups are checked against, and the path for what they cannot answer.
func (s *Store) RawAgreementStats(ctx context.Context, q transfer.StatsQuery) ([]transfer.StatsPart, error) {
	// With a date range, the party tables are cut to the agreements in it
	// before they are deduplicated: a partial month reads its own parties only.
	parties, partyArgs := "agreement_parties", []any(nil)
	if q.From != "" || q.To != "" {
		lo, hi := q.From, q.To
		if lo == "" {
			lo = "0001-01-01"
		}
		if hi == "" {
			hi = "9999-12-31"
		}
		parties = "(SELECT p.* FROM agreement_parties p JOIN agreements r ON r.id = p.agreement_id " +
			"WHERE r.signed_on >= ? AND r.signed_on <= ? AND r.signed_on <> '') pp"
		partyArgs = []any{lo, hi}
	}
	ctes := map[string]string{
		"dc": "dc AS (SELECT DISTINCT agreement_id, country FROM " + parties + ")",
		"cor": "cor AS (SELECT d1.agreement_id, d1.country || '-' || d2.country AS corridor FROM dc d1 JOIN dc d2 " +
			"ON d1.agreement_id = d2.agreement_id AND d1.country < d2.country UNION ALL " +
			"SELECT agreement_id, MIN(country) || '-' || MIN(country) FROM dc GROUP BY agreement_id HAVING COUNT(*) = 1)",
		"dt": "dt AS (SELECT DISTINCT agreement_id, institution_type FROM " + parties + ")",
	}
	var with []string
	var withArgs []any
	from := "agreements a"
	var exprs []string
	for _, d := range q.GroupBy {
		switch d {
		case "year":
			exprs = append(exprs, "substr(a.signed_on, 1, 4)")
		case "month":
			exprs = append(exprs, "substr(a.signed_on, 1, 7)")
		case "quarter":
			exprs = append(exprs, quarterOf("a.signed_on"))
		case "country":
			if !slices.Contains(with, ctes["dc"]) { // corridor may have brought it
				with = append(with, ctes["dc"])
				withArgs = append(withArgs, partyArgs...)
			}
			from += " JOIN dc ON dc.agreement_id = a.id"
			exprs = append(exprs, "dc.country")
		case "corridor":
			if !slices.Contains(with, ctes["dc"]) {
				with = append(with, ctes["dc"])
				withArgs = append(withArgs, partyArgs...)
			}
			with = append(with, ctes["cor"])
			from += " JOIN cor ON cor.agreement_id = a.id"
			exprs = append(exprs, "cor.corridor")
		case "event":
			exprs = append(exprs, "COALESCE(CAST(a.event_id AS TEXT), '')")
		case "institution_type":
			with = append(with, ctes["dt"])
			withArgs = append(withArgs, partyArgs...)
			from += " JOIN dt ON dt.agreement_id = a.id"
			exprs = append(exprs, "dt.institution_type")
		default:
			exprs = append(exprs, "a."+d)
		}
	}
	where := []string{"a.confirmed = ?"}
	args := []any{true}
	if q.ConfidentialOnly {
		where = append(where, "a.confidential")
	}
	for col, v := range map[string]string{"status": q.Status, "type": q.Type, "sector": q.Sector} {
		if v != "" {
			where = append(where, "a."+col+" = ?")
			args = append(args, v)
		}
	}
	if q.Country != "" {
		where = append(where, "EXISTS (SELECT 1 FROM agreement_parties p WHERE p.agreement_id = a.id AND p.country = ?)")
		args = append(args, q.Country)
	}
	if q.From != "" {
		where = append(where, "a.signed_on >= ? AND a.signed_on <> ''")
		args = append(args, q.From)
	}
	if q.To != "" {
		where = append(where, "a.signed_on <= ? AND a.signed_on <> ''")
		args = append(args, q.To)
	}
	prefix := ""
	if len(with) > 0 {
		prefix = "WITH " + strings.Join(with, ", ") + " "
	}
	return s.aggregate(ctx, prefix, exprs, "a.currency", "COUNT(*)", "CAST(SUM(COALESCE(a.value_amount, 0)) AS BIGINT)", from, where, append(withArgs, args...))
}

// aggregate runs SELECT keys…, currency, count, value … GROUP BY keys…, currency.
func (s *Store) aggregate(ctx context.Context, prefix string, keys []string, currency, count, value, from string, where []string, args []any) ([]transfer.StatsPart, error) {
	sel := append(slices.Clone(keys), currency, count, value)
	group := append(slices.Clone(keys), currency)
	sqlText := prefix + "SELECT " + strings.Join(sel, ", ") + " FROM " + from
	if len(where) > 0 {
		sqlText += " WHERE " + strings.Join(where, " AND ")
	}
	sqlText += " GROUP BY " + strings.Join(group, ", ")
	rows, err := s.db.WithContext(ctx).Raw(sqlText, args...).Rows()
	if err != nil {
		return nil, TranslateError(err)
	}
	defer rows.Close()
	var out []transfer.StatsPart
	for rows.Next() {
		p := transfer.StatsPart{Keys: make([]string, len(keys))}
		dest := make([]any, 0, len(keys)+3)
		for i := range p.Keys {
			dest = append(dest, &p.Keys[i])
		}
		dest = append(dest, &p.Currency, &p.N, &p.Value)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("statistics row: %w", err)
		}
		out = append(out, p)
	}
	return out, TranslateError(rows.Err())
}

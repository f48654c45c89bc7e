package store

import (
	"context"
	"math"

	"github.com/techbridge/techbridge/internal/transfer"
)

// OverviewCounts counts institutions, listings, the funnel and the days from
// match to agreement.
func (s *Store) OverviewCounts(ctx context.Context) (transfer.OverviewCounts, error) {
	var out transfer.OverviewCounts
	db := s.db.WithContext(ctx)
	counts := func(sqlText string, n int) ([]transfer.Count, error) {
		rows, err := db.Raw(sqlText).Rows()
		if err != nil {
			return nil, TranslateError(err)
		}
		defer rows.Close()
		var cs []transfer.Count
		for rows.Next() {
			c := transfer.Count{Keys: make([]string, n)}
			dest := make([]any, 0, n+1)
			for i := range c.Keys {
				dest = append(dest, &c.Keys[i])
			}
			if err := rows.Scan(append(dest, &c.Count)...); err != nil {
				return nil, err
			}
			cs = append(cs, c)
		}
		return cs, TranslateError(rows.Err())
	}
	var err error
	if out.Institutions, err = counts("SELECT country, type, COUNT(*) FROM institutions GROUP BY country, type ORDER BY country, type", 2); err != nil {
		return out, err
	}
	if out.Listings, err = counts("SELECT kind, sector, status, COUNT(*) FROM listings GROUP BY kind, sector, status ORDER BY kind, sector, status", 3); err != nil {
		return out, err
	}
	f := &out.Funnel
	for _, q := range []struct {
		dst  *int64
		text string
	}{
		{&f.PublishedListings, "SELECT COUNT(*) FROM listings WHERE published_at IS NOT NULL"},
		{&f.Matches, "SELECT COUNT(*) FROM matches"},
		{&f.Introduced, "SELECT COUNT(*) FROM matches WHERE status IN ('introduced', 'negotiating', 'agreed')"},
		{&f.Agreed, "SELECT COUNT(*) FROM matches WHERE status = 'agreed'"},
		{&f.Agreements, "SELECT COUNT(*) FROM agreements WHERE confirmed = ?"},
	} {
		args := []any{}
		if q.dst == &f.Agreements {
			args = append(args, true)
		}
		if err := db.Raw(q.text, args...).Scan(q.dst).Error; err != nil {
			return out, TranslateError(err)
		}
	}
	var pairs []struct {
		AgreementCreated timestamp
		MatchCreated     timestamp
	}
	err = db.Raw(`SELECT a.created_at AS agreement_created, m.created_at AS match_created FROM agreements a
		JOIN matches m ON m.id = a.match_id WHERE a.confirmed = ?`, true).Scan(&pairs).Error
	if err != nil {
		return out, TranslateError(err)
	}
	for _, p := range pairs {
		days := p.AgreementCreated.Time().Sub(p.MatchCreated.Time()).Hours() / 24
		out.MatchToAgreementDays = append(out.MatchToAgreementDays, math.Round(days*10)/10)
	}
	return out, nil
}

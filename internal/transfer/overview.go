package transfer

import (
	"context"
	"fmt"
	"sort"
)

// Count is a number under a key.
type Count struct {
	Keys  []string
	Count int64
}

// Funnel follows listings to agreements. Introduced counts matches that are
// introduced, negotiating or agreed now; Agreements counts confirmed ones.
type Funnel struct {
	PublishedListings int64
	Matches           int64
	Introduced        int64
	Agreed            int64
	Agreements        int64
	// MedianDaysMatchToAgreement is over agreements recorded from a match; nil when there are none.
	MedianDaysMatchToAgreement *float64
}

// Overview is the analysts' dashboard.
type Overview struct {
	InstitutionsByCountryType []Count
	ListingsBySectorStatus    []Count // keys: kind, sector, status
	Funnel                    Funnel
	AgreementsByYear          []StatsRow
}

// OverviewCounts is what a store counts for the overview.
type OverviewCounts struct {
	Institutions         []Count
	Listings             []Count
	Funnel               Funnel
	MatchToAgreementDays []float64
}

// Overview returns the dashboard figures (staff and analysts). It carries no
// personal data: counts only.
func (s *Service) Overview(ctx context.Context, a Actor) (Overview, error) {
	if !a.Authenticated() {
		return Overview{}, ErrUnauthenticated
	}
	if !a.IsStaff() && a.Role != RoleAnalyst {
		return Overview{}, Errorf(ErrForbidden, "statistics are for staff and analysts")
	}
	c, err := s.db(ctx).OverviewCounts(ctx)
	if err != nil {
		return Overview{}, fmt.Errorf("overview: %w", err)
	}
	years, err := s.AgreementStats(ctx, a, StatsQuery{GroupBy: []string{"year"}})
	if err != nil {
		return Overview{}, err
	}
	f := c.Funnel
	if d := c.MatchToAgreementDays; len(d) > 0 {
		sort.Float64s(d)
		m := d[len(d)/2]
		if len(d)%2 == 0 {
			m = (d[len(d)/2-1] + d[len(d)/2]) / 2
		}
		f.MedianDaysMatchToAgreement = &m
	}
	return Overview{InstitutionsByCountryType: c.Institutions, ListingsBySectorStatus: c.Listings, Funnel: f,
		AgreementsByYear: years.Rows}, nil
}

// Rate is part/whole, or zero when there is no whole.
func Rate(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

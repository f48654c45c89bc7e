package transfer

import (
	"context"
	"errors"
	"fmt"
	"sort"
)

// checkAgreementEvent: an agreement may name the event it came from (one
// the actor can see) and a session of it; the event's name fills
// event_name when that is empty.
func (s *Service) checkAgreementEvent(ctx context.Context, a Actor, g *Agreement) error {
	if g.EventID == "" {
		if g.EventSessionID != "" {
			return Problems{{Field: "event_session_id", Message: "needs event_id"}}.Err()
		}
		return nil
	}
	e, err := s.Event(ctx, a, g.EventID)
	if errors.Is(err, ErrNotFound) {
		return Problems{{Field: "event_id", Message: "does not name an event you can see"}}.Err()
	}
	if err != nil {
		return err
	}
	if g.EventSessionID != "" {
		if _, ok := e.session(g.EventSessionID); !ok {
			return Problems{{Field: "event_session_id", Message: "does not name a session of the event"}}.Err()
		}
	}
	if g.EventName == "" {
		g.EventName = e.Name
	}
	return nil
}

// SectorAgreements counts an event's agreements of one sector.
type SectorAgreements struct {
	Sector  string
	Signed  int64 // signed, in execution or completed
	Planned int64 // "to be signed"
	// Suppressed figures are too small to show to callers who are not
	// staff (the disclosure rule of AgreementStats): the count is 0.
	SignedSuppressed, PlannedSuppressed bool
}

// EventStats is what an event produced.
type EventStats struct {
	EventID                             string
	Registrations                       int64
	ByCountry, ByInstitutionType        []Count
	Requested, Accepted, Declined       int64
	Scheduled, Held, NoShow             int64
	Cancelled                           int64
	Outcomes                            []Count
	Agreements                          []SectorAgreements
	AgreementsSigned, AgreementsPlanned int64
	// SignedSuppressed, PlannedSuppressed: the totals are blanked (0) by
	// the disclosure rule.
	SignedSuppressed, PlannedSuppressed bool
}

// EventStats counts an event's registrations, meetings, outcomes and
// agreements (staff and analysts; no personal data). For callers who are
// not staff, confidential agreements do not count and small groups of
// agreements are suppressed, as in AgreementStats.
func (s *Service) EventStats(ctx context.Context, a Actor, eventID string) (EventStats, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return EventStats{}, err
	}
	if !a.IsStaff() && a.Role != RoleAnalyst {
		return EventStats{}, Errorf(ErrForbidden, "event statistics are for staff and analysts")
	}
	st := EventStats{EventID: e.ID}
	db := s.db(ctx)
	regs, err := db.Registrations(ctx, e.ID)
	if err != nil {
		return st, fmt.Errorf("event stats: %w", err)
	}
	countries, types := map[string]int64{}, map[string]int64{}
	for _, r := range regs {
		if !r.Active() {
			continue
		}
		in, err := db.InstitutionByID(ctx, r.InstitutionID)
		if err != nil {
			return st, fmt.Errorf("event stats: %w", err)
		}
		st.Registrations++
		countries[in.Country]++
		types[in.Type]++
	}
	st.ByCountry, st.ByInstitutionType = counts(countries), counts(types)
	reqs, err := db.MeetingRequests(ctx, e.ID)
	if err != nil {
		return st, fmt.Errorf("event stats: %w", err)
	}
	for _, r := range reqs {
		st.Requested++
		switch r.Status {
		case RequestAccepted:
			st.Accepted++
		case RequestDeclined:
			st.Declined++
		}
	}
	ms, err := db.Meetings(ctx, e.ID)
	if err != nil {
		return st, fmt.Errorf("event stats: %w", err)
	}
	outcomes := map[string]int64{}
	for _, m := range ms {
		switch m.Status {
		case MeetingCancelled:
			st.Cancelled++
			continue
		case MeetingHeld:
			st.Held++
		case MeetingNoShow:
			st.NoShow++
		}
		st.Scheduled++
		for _, o := range []string{m.OutcomeA, m.OutcomeB} {
			if o != "" {
				outcomes[o]++
			}
		}
	}
	st.Outcomes = counts(outcomes)
	gs, err := db.AgreementsOfEvent(ctx, e.ID)
	if err != nil {
		return st, fmt.Errorf("event stats: %w", err)
	}
	bySector := map[string]*SectorAgreements{}
	for _, g := range gs {
		if !g.Counts() || g.Status == "terminated" || (g.Confidential && !a.IsStaff()) {
			continue
		}
		sa := bySector[g.Sector]
		if sa == nil {
			sa = &SectorAgreements{Sector: g.Sector}
			bySector[g.Sector] = sa
		}
		if g.Status == "planned" {
			sa.Planned++
			st.AgreementsPlanned++
		} else {
			sa.Signed++
			st.AgreementsSigned++
		}
	}
	for _, sa := range bySector {
		st.Agreements = append(st.Agreements, *sa)
	}
	sort.Slice(st.Agreements, func(i, j int) bool { return st.Agreements[i].Sector < st.Agreements[j].Sector })
	if !a.IsStaff() {
		s.suppressEventAgreements(&st)
	}
	return st, nil
}

// suppressEventAgreements applies the disclosure rule of AgreementStats
// (confidential agreements were left out already): signed and planned
// agreements are each a statistics answer grouped by sector, whose small
// groups, and then total, are blanked.
func (s *Service) suppressEventAgreements(st *EventStats) {
	for _, planned := range []bool{false, true} {
		res := StatsResult{Total: StatsRow{Count: st.AgreementsSigned}}
		if planned {
			res.Total.Count = st.AgreementsPlanned
		}
		for _, sa := range st.Agreements {
			n := sa.Signed
			if planned {
				n = sa.Planned
			}
			res.Rows = append(res.Rows, StatsRow{Keys: []string{sa.Sector}, Count: n})
		}
		s.suppressSmallGroups(&res)
		for i := range st.Agreements {
			sa, r := &st.Agreements[i], res.Rows[i]
			if planned {
				sa.Planned, sa.PlannedSuppressed = r.Count, r.Suppressed
			} else {
				sa.Signed, sa.SignedSuppressed = r.Count, r.Suppressed
			}
		}
		if planned {
			st.AgreementsPlanned, st.PlannedSuppressed = res.Total.Count, res.Total.Suppressed
		} else {
			st.AgreementsSigned, st.SignedSuppressed = res.Total.Count, res.Total.Suppressed
		}
	}
}

func counts(m map[string]int64) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{Keys: []string{k}, Count: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Keys[0] < out[j].Keys[0]
	})
	return out
}

package transfer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// MatchStatus is where a followed-up match stands.
type MatchStatus string

const (
	MatchSuggested   MatchStatus = "suggested"
	MatchIntroduced  MatchStatus = "introduced"
	MatchNegotiating MatchStatus = "negotiating"
	MatchAgreed      MatchStatus = "agreed"
	MatchDeclined    MatchStatus = "declined"
	MatchClosed      MatchStatus = "closed"
)

// MatchStatuses lists every match status.
var MatchStatuses = []MatchStatus{MatchSuggested, MatchIntroduced, MatchNegotiating, MatchAgreed, MatchDeclined, MatchClosed}

// matchMoves are the allowed status changes; agreed, declined and closed are final.
var matchMoves = map[MatchStatus][]MatchStatus{
	MatchSuggested:   {MatchIntroduced, MatchDeclined, MatchClosed},
	MatchIntroduced:  {MatchNegotiating, MatchDeclined, MatchClosed},
	MatchNegotiating: {MatchAgreed, MatchDeclined, MatchClosed},
}

// Interest is one side's answer to a match.
type Interest struct {
	Interested bool
	Note       string
	By         string
	At         time.Time
}

// Match is a demand–offer pair someone follows up. The score, its components
// and the algorithm version are frozen when it is created.
type Match struct {
	ID                  string
	DemandID            string
	OfferID             string
	DemandInstitutionID string
	OfferInstitutionID  string
	Sector              string
	Score               float64
	Components          map[string]ScorePart
	Reasons             []string
	AlgorithmVersion    string
	Status              MatchStatus
	StatusReason        string
	DemandInterest      *Interest
	OfferInterest       *Interest
	CreatedBy           string
	Version             int
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// MatchFilter narrows a match list; Party is set by the service.
type MatchFilter struct {
	Status        MatchStatus
	Sector        string
	InstitutionID string // either side
	MinScore      float64
	Party         string // when set, only matches this institution is a party to
}

// MatchSorts are the keys matches may be sorted by.
var MatchSorts = []string{"created_at", "updated_at", "score"}

func (m Match) partyOf(a Actor) bool {
	return a.BelongsTo(m.DemandInstitutionID) || a.BelongsTo(m.OfferInstitutionID)
}

func (m Match) auditFields() map[string]any {
	f := map[string]any{"demand_id": m.DemandID, "offer_id": m.OfferID, "score": m.Score, "algorithm_version": m.AlgorithmVersion,
		"status": m.Status, "status_reason": m.StatusReason}
	if m.DemandInterest != nil {
		f["demand_interest"] = map[string]any{"interested": m.DemandInterest.Interested, "note": m.DemandInterest.Note}
	}
	if m.OfferInterest != nil {
		f["offer_interest"] = map[string]any{"interested": m.OfferInterest.Interested, "note": m.OfferInterest.Note}
	}
	return f
}

// CreateMatch records a demand–offer pair for follow-up and freezes its
// score. Staff may pair any two live listings; a partner may pair its own
// listing with a counterpart it can see, which records its interest. Each
// pair exists once: a second create is a conflict.
func (s *Service) CreateMatch(ctx context.Context, a Actor, demandID, offerID string) (Match, error) {
	if !a.Authenticated() {
		return Match{}, ErrUnauthenticated
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return Match{}, Errorf(ErrForbidden, "only staff and partners may record matches")
	}
	var p Problems
	if !ValidID(demandID) {
		p.Add("demand_id", "must be a demand id")
	}
	if !ValidID(offerID) {
		p.Add("offer_id", "must be an offer id")
	}
	if err := p.Err(); err != nil {
		return Match{}, err
	}
	d, derr := s.Listing(ctx, a, KindDemand, demandID)
	o, oerr := s.Listing(ctx, a, KindOffer, offerID)
	for field, err := range map[string]error{"demand_id": derr, "offer_id": oerr} {
		if errors.Is(err, ErrNotFound) {
			p.Add(field, "does not name a listing you can see")
		} else if err != nil {
			return Match{}, err
		}
	}
	if err := p.Err(); err != nil {
		return Match{}, err
	}
	now := s.now()
	switch {
	case !d.Live(now):
		p.Add("demand_id", "is not a published, unexpired demand")
	case !o.Live(now):
		p.Add("offer_id", "is not a published, unexpired offer")
	case d.InstitutionID == o.InstitutionID:
		p.Add("offer_id", "belongs to the demand's own institution")
	}
	if err := p.Err(); err != nil {
		return Match{}, err
	}
	if !a.IsStaff() && !a.BelongsTo(d.InstitutionID) && !a.BelongsTo(o.InstitutionID) {
		return Match{}, Errorf(ErrForbidden, "partners record matches for their own listings only")
	}
	dc, err := s.countryOf(ctx, s.db(ctx), d.InstitutionID)
	if err != nil {
		return Match{}, err
	}
	oc, err := s.countryOf(ctx, s.db(ctx), o.InstitutionID)
	if err != nil {
		return Match{}, err
	}
	if err := s.matchIndexReady(); err != nil {
		return Match{}, err
	}
	r := s.matches.engine.Pair(EngineListing(d, dc), EngineListing(o, oc), now)
	m := Match{ID: newID(), DemandID: d.ID, OfferID: o.ID, DemandInstitutionID: d.InstitutionID,
		OfferInstitutionID: o.InstitutionID, Sector: d.Sector, Score: r.Score, Components: scoreParts(r.Components), Reasons: r.Reasons,
		AlgorithmVersion: s.matches.engine.Version(), Status: MatchSuggested, CreatedBy: a.ID, Version: 1,
		CreatedAt: now, UpdatedAt: now}
	if a.Role == RolePartner {
		in := &Interest{Interested: true, By: a.ID, At: now}
		if a.BelongsTo(d.InstitutionID) {
			m.DemandInterest = in
		} else {
			m.OfferInterest = in
		}
	}
	err = s.write(ctx, a, func(u *unit) error {
		u.record("match", m.ID, "created", nil, m.auditFields())
		return u.CreateMatch(ctx, m)
	})
	if errors.Is(err, ErrConflict) {
		return Match{}, Errorf(ErrConflict, "this demand and offer are already matched")
	}
	if err != nil {
		return Match{}, fmt.Errorf("create match: %w", err)
	}
	return m, nil
}

// Match returns a match to staff or to a party; to anyone else it is missing.
func (s *Service) Match(ctx context.Context, a Actor, id string) (Match, error) {
	if !a.Authenticated() {
		return Match{}, ErrUnauthenticated
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return Match{}, Errorf(ErrForbidden, "matches are for staff and the institutions involved")
	}
	return visibleByID(ctx, "match", id, s.db(ctx).MatchByID, func(m Match) bool { return a.IsStaff() || m.partyOf(a) })
}

// ListMatches pages through the matches the actor may see.
func (s *Service) ListMatches(ctx context.Context, a Actor, f MatchFilter, r PageRequest) (Page[Match], error) {
	if !a.Authenticated() {
		return Page[Match]{}, ErrUnauthenticated
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return Page[Match]{}, Errorf(ErrForbidden, "matches are for staff and the institutions involved")
	}
	var p Problems
	if f.Status != "" && !slices.Contains(MatchStatuses, f.Status) {
		p.Add("status", "must be one of suggested, introduced, negotiating, agreed, declined, closed")
	}
	if f.Sector != "" && !ValidSector(f.Sector) {
		p.Add("sector", "is not a known sector")
	}
	if f.InstitutionID != "" && !ValidID(f.InstitutionID) {
		p.Add("institution_id", "must be an institution id")
	}
	if f.MinScore < 0 || f.MinScore > 100 {
		p.Add("min_score", "must be between 0 and 100")
	}
	q, err := r.query(MatchSorts, "created_at")
	if qp, ok := asProblems(err); ok {
		p = append(p, qp...)
	} else if err != nil {
		return Page[Match]{}, err
	}
	if err := p.Err(); err != nil {
		return Page[Match]{}, err
	}
	f.Party = ""
	if !a.IsStaff() {
		f.Party = a.InstitutionID
	}
	items, total, err := s.db(ctx).ListMatches(ctx, f, q)
	if err != nil {
		return Page[Match]{}, fmt.Errorf("list matches: %w", err)
	}
	return makePage(items, total, q, func(m Match) (string, string) {
		switch q.Sort.Key {
		case "updated_at":
			return m.UpdatedAt.Format(time.RFC3339Nano), m.ID
		case "score":
			return fmt.Sprint(m.Score), m.ID
		}
		return "", m.ID
	}), nil
}

// MoveMatch changes a match's status (staff only). Declining needs a reason.
func (s *Service) MoveMatch(ctx context.Context, a Actor, id string, ifMatch int, to MatchStatus, reason string) (Match, error) {
	return s.changeMatch(ctx, a, id, ifMatch, "status_changed", func(m *Match) error {
		if !a.IsStaff() {
			return Errorf(ErrForbidden, "only staff move a match along; parties record their interest")
		}
		if !slices.Contains(MatchStatuses, to) {
			return Problems{{Field: "status", Message: "must be one of suggested, introduced, negotiating, agreed, declined, closed"}}.Err()
		}
		reason = strings.TrimSpace(reason)
		var p Problems
		if to == MatchDeclined && reason == "" {
			p.Add("reason", "is required to decline a match")
		}
		checkLength(&p, "reason", reason, false, 1000)
		if err := p.Err(); err != nil {
			return err
		}
		if !slices.Contains(matchMoves[m.Status], to) {
			return Errorf(ErrConflict, "%s match cannot become %s", withArticle(string(m.Status)), to)
		}
		m.Status, m.StatusReason = to, reason
		return nil
	})
}

// RecordInterest lets a side say whether it wants to pursue the match. A
// partner answers for its own side; staff name the side.
func (s *Service) RecordInterest(ctx context.Context, a Actor, id string, side string, interested bool, note string) (Match, error) {
	return s.changeMatch(ctx, a, id, 0, "interest_recorded", func(m *Match) error {
		var p Problems
		note = strings.TrimSpace(note)
		checkLength(&p, "note", note, false, 2000)
		checkText(&p, "note", note)
		switch {
		case a.BelongsTo(m.DemandInstitutionID):
			side = "demand"
		case a.BelongsTo(m.OfferInstitutionID):
			side = "offer"
		case a.IsStaff() && (side == "demand" || side == "offer"):
		case a.IsStaff():
			p.Add("side", "must be demand or offer")
		default:
			return Errorf(ErrForbidden, "only the parties record interest")
		}
		if err := p.Err(); err != nil {
			return err
		}
		if m.Status == MatchAgreed || m.Status == MatchDeclined || m.Status == MatchClosed {
			return Errorf(ErrConflict, "the match is %s", m.Status)
		}
		in := &Interest{Interested: interested, Note: note, By: a.ID, At: s.now()}
		if side == "demand" {
			m.DemandInterest = in
		} else {
			m.OfferInterest = in
		}
		return nil
	})
}

func (s *Service) changeMatch(ctx context.Context, a Actor, id string, ifMatch int, action string, fn func(*Match) error) (Match, error) {
	m, err := s.Match(ctx, a, id)
	if err != nil {
		return Match{}, err
	}
	if ifMatch != 0 && ifMatch != m.Version {
		return Match{}, Errorf(ErrPrecondition, "match %s is at version %d, not %d", id, m.Version, ifMatch)
	}
	before, loaded := m.auditFields(), m
	if err := fn(&m); err != nil {
		return Match{}, err
	}
	if unchanged(loaded, m) {
		return m, nil
	}
	m.Version++
	m.UpdatedAt = s.now()
	err = s.write(ctx, a, func(u *unit) error {
		if err := u.UpdateMatch(ctx, m); err != nil {
			return err
		}
		u.record("match", m.ID, action, before, m.auditFields())
		u.emit("match.updated", []string{m.DemandInstitutionID, m.OfferInstitutionID}, matchEvent(m, action))
		u.noteMatchChanged(loaded, m)
		return nil
	})
	if err != nil {
		return Match{}, fmt.Errorf("%s match %s: %w", action, id, err)
	}
	return m, nil
}

func matchEvent(m Match, action string) map[string]any {
	return map[string]any{"match_id": m.ID, "demand_id": m.DemandID, "offer_id": m.OfferID, "status": m.Status,
		"change": action, "score": m.Score}
}

// MatchHistory returns a match's audit trail (staff, or a party).
func (s *Service) MatchHistory(ctx context.Context, a Actor, id string) ([]AuditEvent, error) {
	if _, err := s.Match(ctx, a, id); err != nil {
		return nil, err
	}
	evs, err := s.db(ctx).History(ctx, "match", id)
	if err != nil {
		return nil, fmt.Errorf("history of match %s: %w", id, err)
	}
	return evs, nil
}

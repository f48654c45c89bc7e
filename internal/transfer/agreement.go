package transfer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Agreement vocabularies. The first five types follow China's
// technology-contract categories.
var (
	AgreementTypes    = []string{"development", "transfer", "licensing", "consulting", "service", "joint_lab", "other"}
	AgreementStatuses = []string{"planned", "signed", "in_execution", "completed", "terminated"}
	PartyRoles        = []string{"provider", "recipient", "partner"}
)

// agreementOrder ranks the forward-only statuses; terminated is reachable from any.
var agreementOrder = map[string]int{"planned": 0, "signed": 1, "in_execution": 2, "completed": 3}

// Party is an institution in an agreement. Country and InstitutionType are
// recorded from the institution when the agreement is written, so that the
// statistics attribute it the same way every time they are asked.
type Party struct {
	InstitutionID   string
	Role            string
	Country         string
	InstitutionType string
}

// Agreement is a cooperation agreement: never deleted, every change audited.
type Agreement struct {
	ID                string
	Title             string
	Type              string
	Status            string
	Sector            string
	Subsector         string
	Parties           []Party
	MatchID           string
	OfferID           string
	DemandID          string
	EventName         string
	EventID           string // the matchmaking event it came from (set at creation)
	EventSessionID    string // and the session, when known
	ValueAmount       *int64
	Currency          string
	SignedOn          string // YYYY-MM-DD
	Confidential      bool
	Confirmed         bool // partner proposals wait for staff
	TerminationReason string
	CreatedBy         string
	Version           int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// AgreementPatch changes an agreement; nil fields stay.
type AgreementPatch struct {
	Title, Type, Status, Sector, Subsector, EventName *string
	Parties                                           *[]Party
	ValueAmount                                       Optional[int64]
	Currency, SignedOn, TerminationReason             *string
	Confidential, Confirmed                           *bool
}

// AgreementFilter narrows an agreement list; Party and HideConfidential are set by the service.
type AgreementFilter struct {
	Status, Type, Sector, Country, InstitutionID, MatchID string
	SignedFrom, SignedTo                                  string
	Party                                                 string
	HideConfidential                                      bool
}

// AgreementSorts are the keys agreements may be sorted by.
var AgreementSorts = []string{"created_at", "updated_at", "signed_on"}

// Counts reports whether the agreement counts in the statistics: staff
// confirmed it. Confidential agreements count too; only their details are hidden.
func (g Agreement) Counts() bool { return g.Confirmed }

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func (g *Agreement) normalize() {
	g.Title = strings.TrimSpace(g.Title)
	g.Currency = strings.ToUpper(strings.TrimSpace(g.Currency))
	g.EventName = strings.TrimSpace(g.EventName)
	if g.Status == "" {
		g.Status = "planned"
	}
}

// Validate reports every broken rule at once.
func (g Agreement) Validate() error {
	var p Problems
	checkLength(&p, "title", g.Title, true, 300)
	checkLine(&p, "title", g.Title)
	checkLength(&p, "event_name", g.EventName, false, 200)
	checkLength(&p, "termination_reason", g.TerminationReason, false, 1000)
	if !slices.Contains(AgreementTypes, g.Type) {
		p.Add("type", "must be one of %s", strings.Join(AgreementTypes, ", "))
	}
	if !slices.Contains(AgreementStatuses, g.Status) {
		p.Add("status", "must be one of %s", strings.Join(AgreementStatuses, ", "))
	}
	switch {
	case !ValidSector(g.Sector):
		p.Add("sector", "must be one of the sectors")
	case g.Subsector != "" && !ValidSubsector(g.Sector, g.Subsector):
		p.Add("subsector", "is not a subsector of %s", g.Sector)
	}
	seen := map[string]bool{}
	for i, pt := range g.Parties {
		f := fmt.Sprintf("parties[%d]", i)
		switch {
		case !ValidID(pt.InstitutionID):
			p.Add(f+".institution_id", "must be an institution id")
		case seen[pt.InstitutionID]:
			p.Add(f+".institution_id", "appears twice: a party appears once")
		}
		seen[pt.InstitutionID] = true
		if !slices.Contains(PartyRoles, pt.Role) {
			p.Add(f+".role", "must be provider, recipient or partner")
		}
	}
	if len(g.Parties) < 2 {
		p.Add("parties", "must name at least two distinct institutions")
	}
	switch {
	case (g.ValueAmount == nil) != (g.Currency == ""):
		p.Add("value_amount", "and currency go together: give both or neither")
	case g.Currency != "" && !ValidCurrency(g.Currency):
		p.Add("currency", "must be an ISO 4217 code")
	case g.ValueAmount != nil && (*g.ValueAmount < 0 || *g.ValueAmount > 1e15):
		p.Add("value_amount", "must be between 0 and 10^15")
	}
	if g.SignedOn != "" && !validDate(g.SignedOn) {
		p.Add("signed_on", "must be a date such as 2026-03-31")
	}
	if g.SignedOn == "" && g.Status != "planned" && !(g.Status == "terminated") {
		p.Add("signed_on", "is required once an agreement is signed")
	}
	if g.Status == "terminated" && strings.TrimSpace(g.TerminationReason) == "" {
		p.Add("termination_reason", "is required to terminate an agreement")
	}
	return p.Err()
}

// checkAgreementSelection checks the filters lists and statistics share.
func checkAgreementSelection(p *Problems, status, typ, sector, country string) {
	if status != "" && !slices.Contains(AgreementStatuses, status) {
		p.Add("status", "must be one of %s", strings.Join(AgreementStatuses, ", "))
	}
	if typ != "" && !slices.Contains(AgreementTypes, typ) {
		p.Add("type", "must be one of %s", strings.Join(AgreementTypes, ", "))
	}
	if sector != "" && !ValidSector(sector) {
		p.Add("sector", "is not a known sector")
	}
	if country != "" && !ValidCountry(country) {
		p.Add("country", "must be an ISO 3166-1 alpha-2 code")
	}
}

func (g Agreement) partyOf(a Actor) bool {
	for _, p := range g.Parties {
		if a.BelongsTo(p.InstitutionID) {
			return true
		}
	}
	return false
}

// visibleTo: staff and parties see everything; analysts and other partners
// see non-confidential agreements; a confidential one answers like a missing id.
func (g Agreement) visibleTo(a Actor) bool {
	return a.IsStaff() || g.partyOf(a) || (a.Authenticated() && !g.Confidential && g.Confirmed)
}

func (g Agreement) auditFields() map[string]any {
	parties := make([]string, len(g.Parties))
	for i, p := range g.Parties {
		parties[i] = p.InstitutionID + ":" + p.Role
	}
	return map[string]any{"title": g.Title, "type": g.Type, "status": g.Status, "sector": g.Sector, "subsector": g.Subsector,
		"parties": parties, "match_id": g.MatchID, "offer_id": g.OfferID, "demand_id": g.DemandID, "event_name": g.EventName, "event_id": g.EventID, "event_session_id": g.EventSessionID,
		"value_amount": g.ValueAmount, "currency": g.Currency, "signed_on": g.SignedOn, "confidential": g.Confidential,
		"confirmed": g.Confirmed, "termination_reason": g.TerminationReason}
}

// fillParties records each party's country and type, and reports unknown institutions.
func (s *Service) fillParties(ctx context.Context, g *Agreement) error {
	var p Problems
	for i := range g.Parties {
		if !ValidID(g.Parties[i].InstitutionID) {
			continue
		}
		in, err := s.db(ctx).InstitutionByID(ctx, g.Parties[i].InstitutionID)
		if errors.Is(err, ErrNotFound) {
			p.Add(fmt.Sprintf("parties[%d].institution_id", i), "does not name an existing institution")
			continue
		}
		if err != nil {
			return err
		}
		g.Parties[i].Country, g.Parties[i].InstitutionType = in.Country, in.Type
	}
	return p.Err()
}

// CreateAgreement records an agreement. Staff record confirmed agreements; a
// partner may propose one its institution is party to, which staff confirm.
// With a match, the match moves to agreed in the same transaction.
func (s *Service) CreateAgreement(ctx context.Context, a Actor, g Agreement) (Agreement, error) {
	if !a.Authenticated() {
		return Agreement{}, ErrUnauthenticated
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return Agreement{}, Errorf(ErrForbidden, "only staff record agreements; partners may propose them")
	}
	g.normalize()
	now := s.now()
	g.ID, g.Version, g.CreatedAt, g.UpdatedAt, g.CreatedBy = newID(), 1, now, now, a.ID
	g.Confirmed = a.IsStaff()
	var p Problems
	if vp, ok := asProblems(g.Validate()); ok {
		p = append(p, vp...)
	}
	g.checkSignedOn(&p, s.now())
	if !a.IsStaff() && !g.partyOf(a) {
		p.Add("parties", "must include your own institution")
	}
	for field, id := range map[string]string{"match_id": g.MatchID, "offer_id": g.OfferID, "demand_id": g.DemandID} {
		if id != "" && !ValidID(id) {
			p.Add(field, "must be an id")
		}
	}
	if err := p.Err(); err != nil {
		return Agreement{}, err
	}
	if err := s.fillParties(ctx, &g); err != nil {
		return Agreement{}, err
	}
	if err := s.checkLinks(ctx, a, g); err != nil {
		return Agreement{}, err
	}
	if err := s.checkAgreementEvent(ctx, a, &g); err != nil {
		return Agreement{}, err
	}
	var m *Match
	if g.MatchID != "" {
		found, err := s.Match(ctx, a, g.MatchID)
		if errors.Is(err, ErrNotFound) {
			return Agreement{}, Problems{{Field: "match_id", Message: "does not name a match you can see"}}.Err()
		}
		if err != nil {
			return Agreement{}, err
		}
		if found.Status == MatchDeclined || found.Status == MatchClosed {
			return Agreement{}, Errorf(ErrConflict, "match %s is %s", found.ID, found.Status)
		}
		inParties := func(inst string) bool {
			return slices.ContainsFunc(g.Parties, func(p Party) bool { return p.InstitutionID == inst })
		}
		if !inParties(found.DemandInstitutionID) || !inParties(found.OfferInstitutionID) {
			return Agreement{}, Problems{{Field: "parties", Message: "must include both institutions of the match"}}.Err()
		}
		g.OfferID, g.DemandID = found.OfferID, found.DemandID
		m = &found
	}
	err := s.write(ctx, a, func(u *unit) error {
		if err := u.CreateAgreement(ctx, g); err != nil {
			return err
		}
		u.countAgreements(nil, []Agreement{g})
		u.emit("agreement.recorded", partyIDs(g), agreementEvent(g))
		u.noteAgreementRecorded(g)
		u.record("agreement", g.ID, "created", nil, g.auditFields())
		if g.Confirmed && m != nil {
			return u.agreeMatch(*m)
		}
		return nil
	})
	if errors.Is(err, ErrConflict) && m != nil {
		return Agreement{}, Errorf(ErrConflict, "match %s already has an agreement", m.ID)
	}
	if err != nil {
		return Agreement{}, fmt.Errorf("create agreement: %w", err)
	}
	return g, nil
}

// Agreement returns one agreement as the actor may see it.
func (s *Service) Agreement(ctx context.Context, a Actor, id string) (Agreement, error) {
	if !a.Authenticated() {
		return Agreement{}, ErrUnauthenticated
	}
	return visibleByID(ctx, "agreement", id, s.db(ctx).AgreementByID, func(g Agreement) bool { return g.visibleTo(a) })
}

// ListAgreements pages through the agreements the actor may see.
func (s *Service) ListAgreements(ctx context.Context, a Actor, f AgreementFilter, r PageRequest) (Page[Agreement], error) {
	if !a.Authenticated() {
		return Page[Agreement]{}, ErrUnauthenticated
	}
	var p Problems
	f.Country = strings.ToUpper(f.Country)
	checkAgreementSelection(&p, f.Status, f.Type, f.Sector, f.Country)
	for field, id := range map[string]string{"institution_id": f.InstitutionID, "match_id": f.MatchID} {
		if id != "" && !ValidID(id) {
			p.Add(field, "must be an id")
		}
	}
	for field, d := range map[string]string{"signed_from": f.SignedFrom, "signed_to": f.SignedTo} {
		if d != "" && !validDate(d) {
			p.Add(field, "must be a date such as 2026-03-31")
		}
	}
	q, err := r.query(AgreementSorts, "created_at")
	if qp, ok := asProblems(err); ok {
		p = append(p, qp...)
	} else if err != nil {
		return Page[Agreement]{}, err
	}
	if err := p.Err(); err != nil {
		return Page[Agreement]{}, err
	}
	f.Party, f.HideConfidential = "", false
	if !a.IsStaff() {
		f.HideConfidential = true
		if a.Role == RolePartner {
			f.Party = a.InstitutionID // its own, confidential or not, plus others' public ones
		}
	}
	items, total, err := s.db(ctx).ListAgreements(ctx, f, q)
	if err != nil {
		return Page[Agreement]{}, fmt.Errorf("list agreements: %w", err)
	}
	return makePage(items, total, q, func(g Agreement) (string, string) {
		switch q.Sort.Key {
		case "updated_at":
			return g.UpdatedAt.Format(time.RFC3339Nano), g.ID
		case "signed_on":
			return g.SignedOn, g.ID
		}
		return "", g.ID
	}), nil
}

// UpdateAgreement changes an agreement (staff only). If-Match is required:
// agreements are records others rely on, so no change may overwrite one
// unseen. Status moves only forward; any status may end in terminated.
func (s *Service) UpdateAgreement(ctx context.Context, a Actor, id string, ifMatch int, patch AgreementPatch) (Agreement, error) {
	g, err := s.Agreement(ctx, a, id)
	if err != nil {
		return Agreement{}, err
	}
	if !a.IsStaff() {
		return Agreement{}, Errorf(ErrForbidden, "only staff change agreements")
	}
	if ifMatch == 0 {
		return Agreement{}, Errorf(ErrPreconditionRequired, "send If-Match with the agreement's ETag")
	}
	if ifMatch != g.Version {
		return Agreement{}, Errorf(ErrPrecondition, "agreement %s is at version %d, not %d", id, g.Version, ifMatch)
	}
	before, old := g.auditFields(), g
	set(&g.Title, patch.Title)
	set(&g.Type, patch.Type)
	set(&g.Status, patch.Status)
	set(&g.Sector, patch.Sector)
	set(&g.Subsector, patch.Subsector)
	set(&g.EventName, patch.EventName)
	set(&g.Parties, patch.Parties)
	patch.ValueAmount.apply(&g.ValueAmount)
	set(&g.Currency, patch.Currency)
	set(&g.SignedOn, patch.SignedOn)
	set(&g.TerminationReason, patch.TerminationReason)
	set(&g.Confidential, patch.Confidential)
	set(&g.Confirmed, patch.Confirmed)
	g.normalize()
	var p Problems
	if vp, ok := asProblems(g.Validate()); ok {
		p = append(p, vp...)
	}
	if old.Status == "terminated" && g.Status != "terminated" {
		p.Add("status", "a terminated agreement stays terminated")
	} else if g.Status != "terminated" && agreementOrder[g.Status] < agreementOrder[old.Status] {
		p.Add("status", "moves only forward: planned → signed → in_execution → completed")
	}
	if old.Confirmed && !g.Confirmed {
		p.Add("confirmed", "a confirmed agreement stays confirmed")
	}
	g.checkSignedOn(&p, s.now())
	if err := p.Err(); err != nil {
		return Agreement{}, err
	}
	if patch.Parties != nil {
		if err := s.fillParties(ctx, &g); err != nil {
			return Agreement{}, err
		}
	}
	if unchanged(old, g) {
		return g, nil
	}
	now := s.now()
	g.Version++
	g.UpdatedAt = now
	err = s.write(ctx, a, func(u *unit) error {
		if err := u.UpdateAgreement(ctx, g); err != nil {
			return err
		}
		u.countAgreements([]Agreement{old}, []Agreement{g})
		u.record("agreement", g.ID, "updated", before, g.auditFields())
		if !old.Confirmed && g.Confirmed && g.MatchID != "" {
			// Staff confirm a partner's proposal: only now does its match agree.
			m, err := u.MatchByID(ctx, g.MatchID)
			if err != nil {
				return err
			}
			if err := u.agreeMatch(m); err != nil {
				return err
			}
		}
		u.emit("agreement.updated", partyIDs(g), agreementEvent(g))
		return nil
	})
	if err != nil {
		return Agreement{}, fmt.Errorf("update agreement %s: %w", id, err)
	}
	return g, nil
}

// agreeMatch moves a match to agreed, inside the agreement's unit of work
// (nothing when it agreed already).
func (u *unit) agreeMatch(m Match) error {
	switch m.Status {
	case MatchAgreed:
		return nil
	case MatchDeclined, MatchClosed:
		return Errorf(ErrConflict, "match %s is %s", m.ID, m.Status)
	}
	before := m.auditFields()
	m.Status, m.Version, m.UpdatedAt = MatchAgreed, m.Version+1, u.now
	if err := u.UpdateMatch(u.ctx, m); err != nil {
		return err
	}
	u.record("match", m.ID, "status_changed", before, m.auditFields())
	u.emit("match.updated", []string{m.DemandInstitutionID, m.OfferInstitutionID}, matchEvent(m, "status_changed"))
	return nil
}

func partyIDs(g Agreement) []string {
	out := make([]string, len(g.Parties))
	for i, p := range g.Parties {
		out[i] = p.InstitutionID
	}
	return out
}

// agreementEvent is what parties learn: the agreement without the other
// parties' details beyond their ids.
func agreementEvent(g Agreement) map[string]any {
	d := map[string]any{"agreement_id": g.ID, "title": g.Title, "type": g.Type, "status": g.Status, "sector": g.Sector,
		"parties": partyIDs(g), "confirmed": g.Confirmed}
	if g.SignedOn != "" {
		d["signed_on"] = g.SignedOn
	}
	if g.MatchID != "" {
		d["match_id"] = g.MatchID
	}
	return d
}

// AgreementHistory returns an agreement's audit trail (staff, or a party).
func (s *Service) AgreementHistory(ctx context.Context, a Actor, id string) ([]AuditEvent, error) {
	g, err := s.Agreement(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if !a.IsStaff() && !g.partyOf(a) {
		return nil, Errorf(ErrForbidden, "only staff and the parties read an agreement's history")
	}
	evs, err := s.db(ctx).History(ctx, "agreement", id)
	if err != nil {
		return nil, fmt.Errorf("history of agreement %s: %w", id, err)
	}
	return evs, nil
}

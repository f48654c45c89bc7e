package transfer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/techbridge/techbridge/internal/match"
	"github.com/techbridge/techbridge/internal/schedule"
)

// Meeting statuses. A meeting is active (it holds its table and both
// delegations' time) unless cancelled.
const (
	MeetingScheduled = "scheduled"
	MeetingHeld      = "held"
	MeetingNoShow    = "no_show"
	MeetingCancelled = "cancelled"
)

// Why a meeting is on the agenda.
const (
	MeetingMutual    = "mutual_request"
	MeetingAccepted  = "accepted_request"
	MeetingSuggested = "suggested"
	MeetingManual    = "manual"
)

// Outcomes a side records after a meeting.
var Outcomes = []string{"no_interest", "follow_up", "negotiating", "agreement_expected"}

// Objective weights: every mutual request outweighs any number of one-sided
// accepted requests a delegation could have instead, and those outweigh the
// suggestions, which count by their score (0–100).
const (
	weightMutual   = 1e6
	weightAccepted = 1e3
)

// SuggestionMinScore is the match score from which the engine's
// suggestions become candidate meetings.
const SuggestionMinScore = 40

// Meeting is one meeting of two delegations at a table in a slot.
type Meeting struct {
	ID                string
	EventID           string
	SessionID         string
	Slot              int // index of the slot in its session
	StartsAt, EndsAt  time.Time
	Table             int // 0-based
	ARegistrationID   string
	BRegistrationID   string
	AInstitutionID    string
	BInstitutionID    string
	RequestID         string
	OfferID, DemandID string // the pair the meeting is about, when one is known
	Kind              string
	Score             float64
	Interpreter       string
	Pinned            bool
	Status            string
	Sequence          int // iCalendar SEQUENCE: grows with every change of time, place or status
	OutcomeA, NoteA   string
	OutcomeB, NoteB   string
	NoShowA, NoShowB  bool
	MatchID           string
	Version           int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Active reports whether the meeting holds its place.
func (m Meeting) Active() bool { return m.Status != MeetingCancelled }

// Kept reports whether the meeting is a record that nothing but staff by
// hand may erase: held, marked as a no-show, or with an outcome recorded.
// Schedule runs and withdrawals never cancel or move it.
func (m Meeting) Kept() bool {
	return m.Active() && (m.Status == MeetingHeld || m.Status == MeetingNoShow || m.OutcomeA != "" || m.OutcomeB != "" ||
		m.NoShowA || m.NoShowB)
}

func (m Meeting) involves(regID string) bool {
	return m.ARegistrationID == regID || m.BRegistrationID == regID
}

func (m Meeting) partyOf(a Actor) bool {
	return a.BelongsTo(m.AInstitutionID) || a.BelongsTo(m.BInstitutionID)
}

func (m Meeting) auditFields() map[string]any {
	return map[string]any{"session_id": m.SessionID, "starts_at": m.StartsAt, "table": m.Table + 1,
		"a_registration_id": m.ARegistrationID, "b_registration_id": m.BRegistrationID, "kind": m.Kind,
		"pinned": m.Pinned, "status": m.Status, "outcome_a": m.OutcomeA, "note_a": m.NoteA, "outcome_b": m.OutcomeB,
		"note_b": m.NoteB, "no_show_a": m.NoShowA, "no_show_b": m.NoShowB, "match_id": m.MatchID}
}

func meetingEvent(e Event, m Meeting) map[string]any {
	d := map[string]any{"event_id": e.ID, "meeting_id": m.ID, "session_id": m.SessionID,
		"starts_at": m.StartsAt.Format(time.RFC3339), "ends_at": m.EndsAt.Format(time.RFC3339), "table": m.Table + 1,
		"registration_ids": []string{m.ARegistrationID, m.BRegistrationID},
		"institution_ids":  []string{m.AInstitutionID, m.BInstitutionID}, "status": m.Status, "sequence": m.Sequence}
	return d
}

func (u *unit) announceMeeting(typ string, e Event, m Meeting) {
	data := meetingEvent(e, m)
	u.emit(typ, []string{m.AInstitutionID, m.BInstitutionID}, data)
	// Both delegations' people hear of it in the app (and by e-mail as they
	// chose), in the event's time zone.
	when := m.StartsAt
	if loc, err := time.LoadLocation(e.TimeZone); err == nil {
		when = when.In(loc)
	}
	body := fmt.Sprintf("%s, table %d", when.Format("2006-01-02 15:04 MST"), m.Table+1)
	for _, inst := range []string{m.AInstitutionID, m.BInstitutionID} {
		u.notify(NotifyInput{InstitutionID: inst, Type: typ, Title: e.Name, Body: body, Data: data})
	}
}

// cancelMeeting cancels an active meeting inside the unit: its places are
// freed and both sides hear of it.
func (u *unit) cancelMeeting(e Event, m Meeting, why string) error {
	before := m.auditFields()
	m.Status, m.Sequence, m.Version, m.UpdatedAt = MeetingCancelled, m.Sequence+1, m.Version+1, u.now
	if err := u.UpdateMeeting(u.ctx, m); err != nil {
		return err
	}
	after := m.auditFields()
	after["cancel_reason"] = why
	u.record("meeting", m.ID, "cancelled", before, after)
	u.announceMeeting("meeting.cancelled", e, m)
	return nil
}

func (u *unit) cancelEventMeetings(e Event) error {
	ms, err := u.Meetings(u.ctx, e.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Status == MeetingScheduled {
			if err := u.cancelMeeting(e, m, "event cancelled"); err != nil {
				return err
			}
		}
	}
	return nil
}

// ScheduleOptions steer a schedule run.
type ScheduleOptions struct {
	// StartOver drops the meetings placed by earlier runs (pinned ones stay).
	StartOver bool
}

// LeftOut is a candidate meeting the run did not place, and why.
type LeftOut struct {
	ARegistrationID, BRegistrationID string
	Kind                             string
	RequestIDs                       []string
	Reason                           string
}

// ScheduleResult reports a schedule run.
type ScheduleResult struct {
	Event                           Event
	Created, Moved, Kept, Cancelled int
	Objective                       float64
	LeftOut                         []LeftOut
}

// pairKey orders two registration ids.
func pairKey(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

type candidate struct {
	a, b              string // registration ids, a < b
	kind              string
	weight, score     float64
	requestIDs        []string
	requestID         string
	offerID, demandID string
	sectors           []string
	existing          *Meeting
	fixed             bool
}

// Schedule assigns meetings to slots and tables (staff). See docs/events.md
// for the objective and the constraints. It holds the event's row for its
// whole run, so runs, moves and withdrawals of one event take turns, and the
// database's booking keys refuse any double booking of a delegation or a
// table in a slot even so.
func (s *Service) Schedule(ctx context.Context, a Actor, eventID string, opt ScheduleOptions) (ScheduleResult, error) {
	if _, err := s.Event(ctx, a, eventID); err != nil {
		return ScheduleResult{}, err
	}
	if !a.IsStaff() {
		return ScheduleResult{}, Errorf(ErrForbidden, "only staff schedule events")
	}
	var res ScheduleResult
	err := s.write(ctx, a, func(u *unit) error {
		e, err := u.LockEvent(ctx, eventID)
		if err != nil {
			return err
		}
		if e.Status != EventOpen && e.Status != EventPublished {
			return Errorf(ErrConflict, "event %s is %s: only an open event or its published agenda is scheduled", e.ID, e.Status)
		}
		if len(e.Sessions) == 0 {
			return Problems{{Field: "sessions", Message: "the event has no sessions to schedule into"}}.Err()
		}
		res, err = s.schedule(u, e, opt)
		return err
	})
	if err != nil {
		return ScheduleResult{}, fmt.Errorf("schedule event %s: %w", eventID, err)
	}
	return res, nil
}

type slotRef struct {
	session Session
	slot    SlotTime
}

func (s *Service) schedule(u *unit, e Event, opt ScheduleOptions) (ScheduleResult, error) {
	ctx := u.ctx
	regs, err := u.Registrations(ctx, e.ID)
	if err != nil {
		return ScheduleResult{}, err
	}
	reqs, err := u.MeetingRequests(ctx, e.ID)
	if err != nil {
		return ScheduleResult{}, err
	}
	meetings, err := u.Meetings(ctx, e.ID)
	if err != nil {
		return ScheduleResult{}, err
	}
	// Slots, in session then time order.
	var slots []slotRef
	var pslots []schedule.Slot
	slotOf := map[[2]string]int{} // session id, start → index
	for si, sess := range e.Sessions {
		for _, sl := range sess.Slots() {
			slotOf[[2]string{sess.ID, sl.Start.Format(time.RFC3339)}] = len(slots)
			slots = append(slots, slotRef{sess, sl})
			interp := map[string]int{}
			for k, v := range sess.Interpreters {
				interp[k] = v
			}
			pslots = append(pslots, schedule.Slot{Start: sl.Start.Unix() / 60, End: sl.End.Unix() / 60, Tables: sess.Tables,
				Interpreters: interp, Session: si})
		}
	}
	// Participants: the active delegations, in id order.
	var active []Registration
	for _, r := range regs {
		if r.Active() {
			active = append(active, r)
		}
	}
	sort.Slice(active, func(i, j int) bool { return active[i].ID < active[j].ID })
	index := map[string]int{}
	// A withdrawn delegation whose kept meetings stay is a participant
	// too (with no candidates of its own), so that those meetings hold
	// their tables and the other side's time.
	regByID := map[string]Registration{}
	for _, r := range regs {
		regByID[r.ID] = r
	}
	var ghosts []Registration
	for _, m := range meetings {
		for _, id := range []string{m.ARegistrationID, m.BRegistrationID} {
			if r := regByID[id]; m.Kept() && !r.Active() && !slices.ContainsFunc(ghosts, func(g Registration) bool { return g.ID == id }) {
				ghosts = append(ghosts, r)
			}
		}
	}
	sort.Slice(ghosts, func(i, j int) bool { return ghosts[i].ID < ghosts[j].ID })
	// Kept meetings stay whatever changed since: their slots are not
	// unavailable to their sides, and they count within the caps.
	keptAt := map[string][]Meeting{}
	for _, m := range meetings {
		if m.Kept() {
			keptAt[m.ARegistrationID] = append(keptAt[m.ARegistrationID], m)
			keptAt[m.BRegistrationID] = append(keptAt[m.BRegistrationID], m)
		}
	}
	all := append(append([]Registration{}, active...), ghosts...)
	parts := make([]schedule.Participant, len(all))
	for i, r := range all {
		index[r.ID] = i
		var un []int
		for _, t := range r.Unavailable {
			for k, sl := range slots {
				if sl.slot.Start.Equal(t) && !slices.ContainsFunc(keptAt[r.ID], func(m Meeting) bool {
					return m.StartsAt.Before(sl.slot.End) && sl.slot.Start.Before(m.EndsAt)
				}) {
					un = append(un, k)
				}
			}
		}
		maxM := r.MaxMeetings
		if maxM > 0 {
			maxM = max(maxM, len(keptAt[r.ID]))
		}
		if !r.Active() {
			maxM = len(keptAt[r.ID])
		}
		parts[i] = schedule.Participant{Institution: r.InstitutionID, Languages: r.Languages(), Unavailable: un, MaxMeetings: maxM}
	}
	listings, err := s.eventListings(ctx, u.Store, active)
	if err != nil {
		return ScheduleResult{}, err
	}
	countries, err := u.InstitutionCountries(ctx)
	if err != nil {
		return ScheduleResult{}, err
	}
	cands, leftOut := s.candidates(e, active, reqs, listings, countries, u.now)
	// Meetings already on the agenda: kept in place unless starting over; a
	// pinned one always.
	byPair := map[[2]string]*candidate{}
	var dropped []Meeting
	for _, c := range cands {
		byPair[[2]string{c.a, c.b}] = c
	}
	for i := range meetings {
		m := &meetings[i]
		if !m.Active() {
			continue
		}
		okA, okB := regByID[m.ARegistrationID].Active(), regByID[m.BRegistrationID].Active()
		if (!okA || !okB) && !m.Kept() {
			continue // a withdrawn side: cancelled below
		}
		k := pairKey(m.ARegistrationID, m.BRegistrationID)
		c := byPair[k]
		if c == nil && opt.StartOver && !m.Pinned && !m.Kept() {
			// Starting over, a meeting placed by a run whose pair is no
			// longer a candidate (its request declined, a listing turned
			// confidential or withdrawn) goes.
			dropped = append(dropped, *m)
			continue
		}
		if c == nil {
			c = &candidate{a: k[0], b: k[1], kind: m.Kind, weight: m.Score, score: m.Score, offerID: m.OfferID, demandID: m.DemandID,
				requestID: m.RequestID}
			if m.Kind == MeetingManual {
				c.weight = weightMutual
			}
			byPair[k] = c
			cands = append(cands, c)
		}
		c.existing = m
		c.fixed = m.Pinned || !opt.StartOver || m.Kept()
	}
	sort.Slice(cands, func(i, j int) bool {
		// Kept meetings are placed first: nothing collides with them.
		ki, kj := cands[i].existing != nil && cands[i].existing.Kept(), cands[j].existing != nil && cands[j].existing.Kept()
		if ki != kj {
			return ki
		}
		if cands[i].a != cands[j].a {
			return cands[i].a < cands[j].a
		}
		return cands[i].b < cands[j].b
	})
	// Sessions whose sector fits restrict a candidate's slots.
	problem := schedule.Problem{Slots: pslots, Participants: parts}
	for _, c := range cands {
		pc := schedule.Candidate{A: index[c.a], B: index[c.b], Weight: c.weight}
		if c.fixed && c.existing != nil {
			k, ok := slotOf[[2]string{c.existing.SessionID, c.existing.StartsAt.Format(time.RFC3339)}]
			if !ok {
				k = -1
			}
			pc.Fixed = &schedule.Place{Slot: k, Table: c.existing.Table, Interpreter: c.existing.Interpreter}
		} else if len(c.sectors) > 0 {
			for k, sl := range slots {
				if slices.Contains(c.sectors, sl.session.Sector) {
					pc.Slots = append(pc.Slots, k)
				}
			}
		}
		problem.Candidates = append(problem.Candidates, pc)
	}
	result := schedule.Solve(problem)
	res := ScheduleResult{Objective: result.Objective, LeftOut: leftOut}
	placed := map[int]schedule.Place{}
	for _, as := range result.Assignments {
		placed[as.Candidate] = as.Place
	}
	why := make(map[int]schedule.Reason, len(result.Unplaced))
	for _, un := range result.Unplaced {
		why[un.Candidate] = un.Reason
	}
	// Free every place that changes first, so that the new bookings do not
	// meet the old ones of meetings that move.
	var moving []Meeting
	for i, c := range cands {
		if c.existing == nil || c.existing.Kept() {
			continue
		}
		pl, ok := placed[i]
		if !ok || slots[pl.Slot].session.ID != c.existing.SessionID || !slots[pl.Slot].slot.Start.Equal(c.existing.StartsAt) || pl.Table != c.existing.Table {
			moving = append(moving, *c.existing)
		}
	}
	for _, m := range meetings {
		if m.Active() && !m.Kept() && (!regByID[m.ARegistrationID].Active() || !regByID[m.BRegistrationID].Active()) {
			moving = append(moving, m)
		}
	}
	for _, m := range moving {
		if err := u.ReleaseBookings(ctx, m.ID); err != nil {
			return ScheduleResult{}, err
		}
	}
	for _, m := range dropped {
		if err := u.cancelMeeting(e, m, "no longer a candidate"); err != nil {
			return ScheduleResult{}, err
		}
		res.Cancelled++
	}
	var created []Meeting
	for i, c := range cands {
		pl, ok := placed[i]
		if c.existing != nil && c.existing.Kept() {
			// Never cancelled nor moved; its bookings stay, so the
			// database refuses anything placed onto it.
			res.Kept++
			if !ok {
				res.LeftOut = append(res.LeftOut, LeftOut{ARegistrationID: c.a, BRegistrationID: c.b, Kind: c.kind, RequestIDs: c.requestIDs,
					Reason: string(schedule.ReasonFixedConflict)})
			}
			continue
		}
		if !ok {
			if c.existing != nil {
				if err := u.cancelMeeting(e, *c.existing, "not placed"); err != nil {
					return ScheduleResult{}, err
				}
				res.Cancelled++
			}
			reason := string(schedule.ReasonInvalid)
			if r, ok := why[i]; ok {
				reason = string(r)
			}
			res.LeftOut = append(res.LeftOut, LeftOut{ARegistrationID: c.a, BRegistrationID: c.b, Kind: c.kind, RequestIDs: c.requestIDs, Reason: reason})
			continue
		}
		ref := slots[pl.Slot]
		if m := c.existing; m != nil {
			if ref.session.ID == m.SessionID && ref.slot.Start.Equal(m.StartsAt) && pl.Table == m.Table {
				res.Kept++
				continue
			}
			before := *m
			m.SessionID, m.Slot, m.StartsAt, m.EndsAt, m.Table, m.Interpreter = ref.session.ID, ref.slot.Index, ref.slot.Start, ref.slot.End, pl.Table, pl.Interpreter
			m.Sequence, m.Version, m.UpdatedAt = m.Sequence+1, m.Version+1, u.now
			if err := u.UpdateMeeting(ctx, *m); err != nil {
				return ScheduleResult{}, err
			}
			u.record("meeting", m.ID, "moved", before.auditFields(), m.auditFields())
			u.announceMeeting("meeting.changed", e, *m)
			res.Moved++
			continue
		}
		ra, rb := regByID[c.a], regByID[c.b]
		m := Meeting{ID: newID(), EventID: e.ID, SessionID: ref.session.ID, Slot: ref.slot.Index, StartsAt: ref.slot.Start,
			EndsAt: ref.slot.End, Table: pl.Table, ARegistrationID: c.a, BRegistrationID: c.b, AInstitutionID: ra.InstitutionID,
			BInstitutionID: rb.InstitutionID, RequestID: c.requestID, OfferID: c.offerID, DemandID: c.demandID, Kind: c.kind,
			Score: c.score, Interpreter: pl.Interpreter, Status: MeetingScheduled, Version: 1, CreatedAt: u.now, UpdatedAt: u.now}
		created = append(created, m)
		u.record("meeting", m.ID, "scheduled", nil, m.auditFields())
		u.announceMeeting("meeting.scheduled", e, m)
		res.Created++
	}
	if err := u.CreateMeetings(ctx, created); err != nil {
		return ScheduleResult{}, err
	}
	for _, m := range meetings {
		if m.Active() && !m.Kept() && (!regByID[m.ARegistrationID].Active() || !regByID[m.BRegistrationID].Active()) {
			if err := u.cancelMeeting(e, m, "withdrawn"); err != nil {
				return ScheduleResult{}, err
			}
			res.Cancelled++
		}
	}
	before := e.auditFields()
	if e.Status == EventOpen {
		e.Status = EventPublished
	}
	e.Version, e.UpdatedAt = e.Version+1, u.now
	if err := u.UpdateEvent(ctx, e); err != nil {
		return ScheduleResult{}, err
	}
	u.record("event", e.ID, "scheduled", before, e.auditFields())
	res.Event = e
	return res, nil
}

func hasKey(m map[string]int, k string) bool { _, ok := m[k]; return ok }

// eventListings loads the live listings the delegations bring.
func (s *Service) eventListings(ctx context.Context, st ListingStore, regs []Registration) (map[string]Listing, error) {
	var ids []string
	for _, r := range regs {
		ids = append(ids, r.ListingIDs...)
	}
	out := map[string]Listing{}
	for start := 0; start < len(ids); start += 1000 {
		ls, err := st.ListingsByIDs(ctx, ids[start:min(start+1000, len(ids))])
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			out[l.ID] = l
		}
	}
	return out, nil
}

// sharedListing reports whether a listing may stand in a pair between two
// delegations: each side sees the other's listing, so it must be live and
// public (a confidential or withdrawn listing is used nowhere in an event).
func sharedListing(l Listing, now time.Time) bool { return l.Live(now) && l.Visibility == "public" }

// withSharedPairs blanks the offer–demand pair of meetings whose listings
// are no longer both shared (one turned confidential or was withdrawn),
// for everyone but staff.
func (s *Service) withSharedPairs(ctx context.Context, a Actor, ms []Meeting) ([]Meeting, error) {
	if a.IsStaff() {
		return ms, nil
	}
	var ids []string
	for _, m := range ms {
		if m.OfferID != "" && m.DemandID != "" {
			ids = append(ids, m.OfferID, m.DemandID)
		}
	}
	shared := map[string]bool{}
	now := s.now()
	for start := 0; start < len(ids); start += 1000 {
		ls, err := s.db(ctx).ListingsByIDs(ctx, ids[start:min(start+1000, len(ids))])
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			shared[l.ID] = sharedListing(l, now)
		}
	}
	out := make([]Meeting, len(ms))
	for i, m := range ms {
		if !shared[m.OfferID] || !shared[m.DemandID] {
			m.OfferID, m.DemandID = "", ""
		}
		out[i] = m
	}
	return out, nil
}

// suggestionDepth is how many of a demand's best counterparts, over every
// live offer, a run looks among for the offers brought to the event.
const suggestionDepth = 2000

// candidates turns requests and the engine's suggestions into candidate
// meetings, one per pair of delegations, and says why requests that cannot
// become one are left out.
func (s *Service) candidates(e Event, regs []Registration, reqs []MeetingRequest, listings map[string]Listing, countries map[string]string, now time.Time) ([]*candidate, []LeftOut) {
	activeReg := map[string]Registration{}
	for _, r := range regs {
		activeReg[r.ID] = r
	}
	type pairReqs struct{ ab, ba []MeetingRequest }
	byPair := map[[2]string]*pairReqs{}
	var leftOut []LeftOut
	for _, rq := range reqs {
		k := pairKey(rq.FromRegistrationID, rq.ToRegistrationID)
		_, okF := activeReg[rq.FromRegistrationID]
		_, okT := activeReg[rq.ToRegistrationID]
		if !okF || !okT {
			leftOut = append(leftOut, LeftOut{ARegistrationID: k[0], BRegistrationID: k[1], RequestIDs: []string{rq.ID}, Reason: "withdrawn"})
			continue
		}
		pr := byPair[k]
		if pr == nil {
			pr = &pairReqs{}
			byPair[k] = pr
		}
		if rq.FromRegistrationID == k[0] {
			pr.ab = append(pr.ab, rq)
		} else {
			pr.ba = append(pr.ba, rq)
		}
	}
	// Engine scores between the delegations' listings.
	best := map[[2]string]struct {
		score         float64
		offer, demand string
		sector        string
	}{}
	var offers, demands []Listing
	owner := map[string]string{}
	for _, r := range regs {
		for _, id := range r.ListingIDs {
			l, ok := listings[id]
			if !ok || !sharedListing(l, now) {
				continue
			}
			owner[id] = r.ID
			if l.Kind == KindOffer {
				offers = append(offers, l)
			} else {
				demands = append(demands, l)
			}
		}
	}
	sort.Slice(offers, func(i, j int) bool { return offers[i].ID < offers[j].ID })
	sort.Slice(demands, func(i, j int) bool { return demands[i].ID < demands[j].ID })
	// The engine ranks each demand's counterparts over its whole index, in
	// step with the live listings; the event keeps those brought to it.
	// (Scoring pair by pair would cost about 0.2 ms a pair.)
	eventOffers := map[string]Listing{}
	for _, o := range offers {
		eventOffers[o.ID] = o
	}
	for _, d := range demands {
		if len(eventOffers) == 0 {
			break
		}
		rs := s.matches.engine.Match(EngineListing(d, countries[d.InstitutionID]),
			match.Query{Limit: suggestionDepth, Now: now})
		for _, r := range rs {
			o, ok := eventOffers[r.ID]
			if !ok || o.InstitutionID == d.InstitutionID || owner[o.ID] == owner[d.ID] {
				continue
			}
			k := pairKey(owner[d.ID], owner[o.ID])
			if b, ok := best[k]; !ok || r.Score > b.score {
				best[k] = struct {
					score         float64
					offer, demand string
					sector        string
				}{r.Score, o.ID, d.ID, d.Sector}
			}
		}
	}
	sectorsOf := func(r Registration) []string {
		var out []string
		for _, id := range r.ListingIDs {
			if l, ok := listings[id]; ok && !slices.Contains(out, l.Sector) {
				out = append(out, l.Sector)
			}
		}
		return out
	}
	var out []*candidate
	for k, pr := range byPair {
		c := &candidate{a: k[0], b: k[1]}
		live := func(rs []MeetingRequest) (accepted, pending, declined []MeetingRequest) {
			for _, r := range rs {
				switch r.Status {
				case RequestAccepted:
					accepted = append(accepted, r)
				case RequestPending:
					pending = append(pending, r)
				default:
					declined = append(declined, r)
				}
			}
			return
		}
		accAB, penAB, decAB := live(pr.ab)
		accBA, penBA, decBA := live(pr.ba)
		b := best[k]
		ids := func(rs ...[]MeetingRequest) []string {
			var out []string
			for _, l := range rs {
				for _, r := range l {
					out = append(out, r.ID)
				}
			}
			sort.Strings(out)
			return out
		}
		switch {
		case len(decAB)+len(decBA) > 0 && len(accAB)+len(accBA) == 0:
			leftOut = append(leftOut, LeftOut{ARegistrationID: k[0], BRegistrationID: k[1], RequestIDs: ids(pr.ab, pr.ba), Reason: "declined"})
			continue
		case len(accAB)+len(penAB) > 0 && len(accBA)+len(penBA) > 0:
			c.kind, c.weight = MeetingMutual, weightMutual+b.score
		case len(accAB)+len(accBA) > 0:
			c.kind, c.weight = MeetingAccepted, weightAccepted+b.score
		default:
			leftOut = append(leftOut, LeftOut{ARegistrationID: k[0], BRegistrationID: k[1], RequestIDs: ids(pr.ab, pr.ba), Reason: "not_accepted"})
			continue
		}
		c.requestIDs = ids(pr.ab, pr.ba)
		c.requestID = c.requestIDs[0]
		c.score = b.score
		c.offerID, c.demandID = b.offer, b.demand
		for _, r := range append(append([]MeetingRequest{}, pr.ab...), pr.ba...) {
			if o, d := listings[r.OfferID], listings[r.DemandID]; r.OfferID != "" && sharedListing(o, now) && sharedListing(d, now) {
				c.offerID, c.demandID = r.OfferID, r.DemandID
				if l, ok := listings[r.DemandID]; ok {
					c.sectors = []string{l.Sector}
				}
				break
			}
		}
		if c.sectors == nil {
			if b.sector != "" {
				c.sectors = []string{b.sector}
			} else {
				c.sectors = append(sectorsOf(activeReg[k[0]]), sectorsOf(activeReg[k[1]])...)
			}
		}
		if !sessionFits(e, c.sectors) {
			c.sectors = nil // no session of the sector: any slot will do
		}
		out = append(out, c)
	}
	for k, b := range best {
		if _, ok := byPair[k]; ok || b.score < SuggestionMinScore {
			continue
		}
		c := &candidate{a: k[0], b: k[1], kind: MeetingSuggested, weight: b.score, score: b.score, offerID: b.offer, demandID: b.demand,
			sectors: []string{b.sector}}
		if !sessionFits(e, c.sectors) {
			c.sectors = nil
		}
		out = append(out, c)
	}
	sort.Slice(leftOut, func(i, j int) bool {
		if leftOut[i].ARegistrationID != leftOut[j].ARegistrationID {
			return leftOut[i].ARegistrationID < leftOut[j].ARegistrationID
		}
		return leftOut[i].BRegistrationID < leftOut[j].BRegistrationID
	})
	return out, leftOut
}

func sessionFits(e Event, sectors []string) bool {
	for _, s := range e.Sessions {
		if slices.Contains(sectors, s.Sector) {
			return true
		}
	}
	return false
}

// MeetingFilter narrows an event's meetings.
type MeetingFilter struct {
	RegistrationID   string
	Table            *int // 1-based
	IncludeCancelled bool
}

// Meetings lists an event's agenda: staff all of it, a partner its own
// delegation's meetings.
func (s *Service) Meetings(ctx context.Context, a Actor, eventID string, f MeetingFilter) (Event, []Meeting, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return Event{}, nil, err
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return Event{}, nil, Errorf(ErrForbidden, "the agenda names delegations: staff and partners only")
	}
	if f.RegistrationID != "" {
		r, err := s.registration(ctx, a, e, f.RegistrationID)
		if err != nil {
			return Event{}, nil, err
		}
		if !r.mayManage(a) {
			return Event{}, nil, Errorf(ErrNotFound, "registration %s not found", f.RegistrationID)
		}
	}
	if f.Table != nil && !a.IsStaff() {
		return Event{}, nil, Errorf(ErrForbidden, "table agendas are for the floor staff")
	}
	if f.Table != nil && *f.Table < 1 {
		return Event{}, nil, Problems{{Field: "table", Message: "must be a table number, from 1"}}.Err()
	}
	ms, err := s.db(ctx).Meetings(ctx, e.ID)
	if err != nil {
		return Event{}, nil, err
	}
	var out []Meeting
	for _, m := range ms {
		switch {
		case !a.IsStaff() && !m.partyOf(a):
		case f.RegistrationID != "" && !m.involves(f.RegistrationID):
		case f.Table != nil && m.Table+1 != *f.Table:
		case !f.IncludeCancelled && !m.Active():
		default:
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].StartsAt.Equal(out[j].StartsAt) {
			return out[i].StartsAt.Before(out[j].StartsAt)
		}
		if out[i].Table != out[j].Table {
			return out[i].Table < out[j].Table
		}
		return out[i].ID < out[j].ID
	})
	out, err = s.withSharedPairs(ctx, a, out)
	if err != nil {
		return Event{}, nil, err
	}
	return e, out, nil
}

// MeetingPlace is where staff put a meeting by hand.
type MeetingPlace struct {
	SessionID string
	StartsAt  time.Time
	Table     int // 1-based
}

// PinMeeting puts a meeting between two delegations at a place by hand
// (staff). The meeting is pinned: later runs keep it. A delegation or table
// already busy at that time is a conflict (409).
func (s *Service) PinMeeting(ctx context.Context, a Actor, eventID, regA, regB string, at MeetingPlace) (Meeting, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return Meeting{}, err
	}
	if !a.IsStaff() {
		return Meeting{}, Errorf(ErrForbidden, "only staff place meetings by hand")
	}
	var p Problems
	if !ValidID(regA) {
		p.Add("a_registration_id", "must be a registration id")
	}
	if !ValidID(regB) {
		p.Add("b_registration_id", "must be a registration id")
	}
	if err := p.Err(); err != nil {
		return Meeting{}, err
	}
	var m Meeting
	err = s.write(ctx, a, func(u *unit) error {
		e, err := u.LockEvent(ctx, e.ID)
		if err != nil {
			return err
		}
		if e.Status != EventOpen && e.Status != EventPublished {
			return Errorf(ErrConflict, "event %s is %s", e.ID, e.Status)
		}
		k := pairKey(regA, regB)
		ra, err := u.RegistrationByID(ctx, k[0])
		rb, err2 := u.RegistrationByID(ctx, k[1])
		if errors.Is(err, ErrNotFound) || errors.Is(err2, ErrNotFound) || (err == nil && err2 == nil && (ra.EventID != e.ID || rb.EventID != e.ID || !ra.Active() || !rb.Active())) {
			return Problems{{Field: "a_registration_id", Message: "both must name active registrations of this event"}}.Err()
		}
		if err != nil || err2 != nil {
			return errors.Join(err, err2)
		}
		if ra.InstitutionID == rb.InstitutionID {
			return Problems{{Field: "b_registration_id", Message: "two delegations of one institution never meet"}}.Err()
		}
		ms, err := u.Meetings(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, x := range ms {
			if x.Active() && pairKey(x.ARegistrationID, x.BRegistrationID) == k {
				return Errorf(ErrConflict, "these delegations already meet (meeting %s): move that one", x.ID)
			}
		}
		m = Meeting{ID: newID(), EventID: e.ID, ARegistrationID: k[0], BRegistrationID: k[1], AInstitutionID: ra.InstitutionID,
			BInstitutionID: rb.InstitutionID, Kind: MeetingManual, Pinned: true, Status: MeetingScheduled, Version: 1,
			CreatedAt: u.now, UpdatedAt: u.now}
		if err := placeMeeting(e, &m, at, ms, ra, rb); err != nil {
			return err
		}
		if err := u.CreateMeeting(ctx, m); err != nil {
			return err
		}
		u.record("meeting", m.ID, "pinned", nil, m.auditFields())
		if e.Status == EventPublished {
			u.announceMeeting("meeting.scheduled", e, m)
		}
		return nil
	})
	if errors.Is(err, ErrConflict) && !isMessage(err) {
		return Meeting{}, Errorf(ErrConflict, "a delegation or the table is already booked at that time")
	}
	if err != nil {
		return Meeting{}, fmt.Errorf("pin meeting: %w", err)
	}
	return m, nil
}

func isMessage(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Message != ""
}

// placeMeeting checks a place against the event and the other meetings and
// sets it on m.
func placeMeeting(e Event, m *Meeting, at MeetingPlace, others []Meeting, ra, rb Registration) error {
	sess, ok := e.session(at.SessionID)
	if !ok {
		return Problems{{Field: "session_id", Message: "does not name a session of this event"}}.Err()
	}
	var slot *SlotTime
	for _, sl := range sess.Slots() {
		if sl.Start.Equal(at.StartsAt) {
			slot = &sl
			break
		}
	}
	if slot == nil {
		return Problems{{Field: "starts_at", Message: "is not the start of a slot of the session"}}.Err()
	}
	if at.Table < 1 || at.Table > sess.Tables {
		return Problems{{Field: "table", Message: fmt.Sprintf("must be between 1 and %d", sess.Tables)}}.Err()
	}
	for _, r := range []Registration{ra, rb} {
		for _, t := range r.Unavailable {
			if t.Equal(slot.Start) {
				return Errorf(ErrConflict, "registration %s marked this slot unavailable", r.ID)
			}
		}
	}
	for _, x := range others {
		if !x.Active() || x.ID == m.ID {
			continue
		}
		overlap := x.StartsAt.Before(slot.End) && slot.Start.Before(x.EndsAt)
		if !overlap {
			continue
		}
		if x.SessionID == sess.ID && x.Table == at.Table-1 && x.StartsAt.Equal(slot.Start) {
			return Errorf(ErrConflict, "table %d is taken at that time (meeting %s)", at.Table, x.ID)
		}
		if x.involves(ra.ID) || x.involves(rb.ID) {
			return Errorf(ErrConflict, "a delegation already meets someone at that time (meeting %s)", x.ID)
		}
	}
	m.SessionID, m.Slot, m.StartsAt, m.EndsAt, m.Table = sess.ID, slot.Index, slot.Start, slot.End, at.Table-1
	m.Interpreter = ""
	if len(intersect(ra.Languages(), rb.Languages())) > 0 {
		return nil
	}
	// No shared language: a seat of one of the two sides' languages, free in this slot.
	used := map[string]int{}
	for _, x := range others {
		if x.Active() && x.ID != m.ID && x.Interpreter != "" && x.StartsAt.Before(slot.End) && slot.Start.Before(x.EndsAt) {
			used[x.Interpreter]++
		}
	}
	langs := append(ra.Languages(), rb.Languages()...)
	slices.Sort(langs)
	for _, l := range langs {
		if sess.Interpreters[l]-used[l] > 0 {
			m.Interpreter = l
			return nil
		}
	}
	return Errorf(ErrConflict, "the two delegations share no language and no interpreter seat of theirs is free at that time")
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// MeetingChange is what staff change of a meeting by hand.
type MeetingChange struct {
	Place  *MeetingPlace
	Pinned *bool
	Cancel bool
}

// ChangeMeeting moves, pins or cancels a meeting by hand (staff, If-Match
// honoured). A move onto a busy delegation or table is a conflict (409).
func (s *Service) ChangeMeeting(ctx context.Context, a Actor, eventID, id string, ifMatch int, ch MeetingChange) (Meeting, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return Meeting{}, err
	}
	if !a.IsStaff() {
		return Meeting{}, Errorf(ErrForbidden, "only staff move meetings")
	}
	var out Meeting
	err = s.write(ctx, a, func(u *unit) error {
		e, err := u.LockEvent(ctx, e.ID)
		if err != nil {
			return err
		}
		m, err := u.meeting(e, id)
		if err != nil {
			return err
		}
		if ifMatch != 0 && ifMatch != m.Version {
			return Errorf(ErrPrecondition, "meeting %s is at version %d, not %d", id, m.Version, ifMatch)
		}
		if m.Status != MeetingScheduled {
			return Errorf(ErrConflict, "meeting %s is %s", m.ID, m.Status)
		}
		if ch.Cancel {
			if err := u.cancelMeeting(e, m, "by hand"); err != nil {
				return err
			}
			out, err = u.MeetingByID(ctx, m.ID)
			return err
		}
		before, old := m.auditFields(), m
		if ch.Place != nil {
			ms, err := u.Meetings(ctx, e.ID)
			if err != nil {
				return err
			}
			ra, err := u.RegistrationByID(ctx, m.ARegistrationID)
			if err != nil {
				return err
			}
			rb, err := u.RegistrationByID(ctx, m.BRegistrationID)
			if err != nil {
				return err
			}
			if err := placeMeeting(e, &m, *ch.Place, ms, ra, rb); err != nil {
				return err
			}
			m.Pinned = true
		}
		set(&m.Pinned, ch.Pinned)
		if unchanged(old, m) {
			out = m
			return nil
		}
		moved := !old.StartsAt.Equal(m.StartsAt) || old.Table != m.Table || old.SessionID != m.SessionID
		if moved {
			m.Sequence++
		}
		m.Version, m.UpdatedAt = m.Version+1, u.now
		if err := u.UpdateMeeting(ctx, m); err != nil {
			return err
		}
		u.record("meeting", m.ID, "updated", before, m.auditFields())
		if moved {
			u.announceMeeting("meeting.changed", e, m)
		}
		out = m
		return nil
	})
	if errors.Is(err, ErrConflict) && !isMessage(err) {
		return Meeting{}, Errorf(ErrConflict, "a delegation or the table is already booked at that time")
	}
	if err != nil {
		return Meeting{}, fmt.Errorf("change meeting %s: %w", id, err)
	}
	return out, nil
}

func (u *unit) meeting(e Event, id string) (Meeting, error) {
	notFound := Errorf(ErrNotFound, "meeting %s not found", id)
	if !ValidID(id) {
		return Meeting{}, notFound
	}
	m, err := u.MeetingByID(u.ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && m.EventID != e.ID) {
		return Meeting{}, notFound
	}
	if err != nil {
		return Meeting{}, err
	}
	if !u.actor.IsStaff() && !m.partyOf(u.actor) {
		return Meeting{}, notFound
	}
	return m, nil
}

// Meeting returns one meeting to staff or to one of its sides.
func (s *Service) Meeting(ctx context.Context, a Actor, eventID, id string) (Meeting, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return Meeting{}, err
	}
	u := &unit{Store: s.db(ctx), ctx: ctx, svc: s, actor: a, now: s.now()}
	m, err := u.meeting(e, id)
	if err != nil {
		return Meeting{}, err
	}
	ms, err := s.withSharedPairs(ctx, a, []Meeting{m})
	if err != nil {
		return Meeting{}, err
	}
	return ms[0], nil
}

// Outcome is what one side (or staff for it) records after a meeting.
type Outcome struct {
	RegistrationID string // which side; a partner's own side when empty
	Outcome        string
	Note           string
	NoShow         bool // staff only: the side did not come
}

// RecordOutcome records one side's outcome of a meeting, or (staff) that a
// side did not come. "agreement_expected" creates the match record of the
// meeting's offer–demand pair, or advances it to negotiating.
func (s *Service) RecordOutcome(ctx context.Context, a Actor, eventID, id string, o Outcome) (Meeting, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return Meeting{}, err
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return Meeting{}, Errorf(ErrForbidden, "only staff and the meeting's sides record outcomes")
	}
	o.Note = strings.TrimSpace(o.Note)
	var p Problems
	checkString(&p, "note", o.Note, false, true, 2000)
	if o.NoShow {
		if !a.IsStaff() {
			return Meeting{}, Errorf(ErrForbidden, "only staff mark no-shows")
		}
		if o.Outcome != "" {
			p.Add("outcome", "is not recorded for a side that did not come")
		}
	} else if !slices.Contains(Outcomes, o.Outcome) {
		p.Add("outcome", "must be one of %s", strings.Join(Outcomes, ", "))
	}
	if o.RegistrationID != "" && !ValidID(o.RegistrationID) {
		p.Add("registration_id", "must be a registration id")
	}
	if err := p.Err(); err != nil {
		return Meeting{}, err
	}
	var out Meeting
	err = s.write(ctx, a, func(u *unit) error {
		// Outcomes of one event's meetings take turns on its row: both
		// sides recording at once each see the other's outcome.
		if _, err := u.LockEvent(ctx, e.ID); err != nil {
			return err
		}
		m, err := u.meeting(e, id)
		if err != nil {
			return err
		}
		if m.Status == MeetingCancelled {
			return Errorf(ErrConflict, "meeting %s was cancelled", m.ID)
		}
		side := o.RegistrationID
		if side == "" {
			switch {
			case a.BelongsTo(m.AInstitutionID):
				side = m.ARegistrationID
			case a.BelongsTo(m.BInstitutionID):
				side = m.BRegistrationID
			default:
				return Problems{{Field: "registration_id", Message: "is required: name the side the outcome is for"}}.Err()
			}
		}
		isA := side == m.ARegistrationID
		if !isA && side != m.BRegistrationID {
			return Problems{{Field: "registration_id", Message: "is not a side of this meeting"}}.Err()
		}
		if !a.IsStaff() && !a.BelongsTo(map[bool]string{true: m.AInstitutionID, false: m.BInstitutionID}[isA]) {
			return Errorf(ErrForbidden, "a side records its own outcome only")
		}
		before := m.auditFields()
		if o.NoShow {
			if isA {
				m.NoShowA, m.OutcomeA, m.NoteA = true, "", o.Note
			} else {
				m.NoShowB, m.OutcomeB, m.NoteB = true, "", o.Note
			}
			m.Status = MeetingNoShow
		} else {
			if isA {
				m.OutcomeA, m.NoteA, m.NoShowA = o.Outcome, o.Note, false
			} else {
				m.OutcomeB, m.NoteB, m.NoShowB = o.Outcome, o.Note, false
			}
			if !m.NoShowA && !m.NoShowB {
				m.Status = MeetingHeld
			}
		}
		if o.Outcome == "agreement_expected" && m.OfferID != "" && m.DemandID != "" {
			matchID, err := u.advanceMatch(m)
			if err != nil {
				return err
			}
			m.MatchID = matchID
		}
		m.Version, m.UpdatedAt = m.Version+1, u.now
		if err := u.UpdateMeeting(ctx, m); err != nil {
			return err
		}
		u.record("meeting", m.ID, "outcome_recorded", before, m.auditFields())
		out = m
		return nil
	})
	if err != nil {
		return Meeting{}, fmt.Errorf("record outcome of meeting %s: %w", id, err)
	}
	return out, nil
}

// advanceMatch creates the match record of the meeting's pair at
// negotiating, or moves an earlier one there; it returns its id.
func (u *unit) advanceMatch(m Meeting) (string, error) {
	existing, err := u.MatchByPair(u.ctx, m.DemandID, m.OfferID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", err
	}
	if err == nil {
		switch existing.Status {
		case MatchSuggested, MatchIntroduced:
			before := existing.auditFields()
			existing.Status, existing.Version, existing.UpdatedAt = MatchNegotiating, existing.Version+1, u.now
			if err := u.UpdateMatch(u.ctx, existing); err != nil {
				return "", err
			}
			u.record("match", existing.ID, "status_changed", before, existing.auditFields())
			u.emit("match.updated", []string{existing.DemandInstitutionID, existing.OfferInstitutionID}, matchEvent(existing, "status_changed"))
		}
		return existing.ID, nil
	}
	ls, err := u.ListingsByIDs(u.ctx, []string{m.DemandID, m.OfferID})
	if err != nil {
		return "", err
	}
	var d, o Listing
	for _, l := range ls {
		if l.Kind == KindDemand {
			d = l
		} else {
			o = l
		}
	}
	if d.ID == "" || o.ID == "" || !sharedListing(d, u.now) || !sharedListing(o, u.now) {
		return "", nil // no match record of a pair one side may not see
	}
	dc, err := u.svc.countryOf(u.ctx, u.Store, d.InstitutionID)
	if err != nil {
		return "", err
	}
	oc, err := u.svc.countryOf(u.ctx, u.Store, o.InstitutionID)
	if err != nil {
		return "", err
	}
	r := u.svc.matches.engine.Pair(EngineListing(d, dc), EngineListing(o, oc), u.now)
	mt := Match{ID: newID(), DemandID: d.ID, OfferID: o.ID, DemandInstitutionID: d.InstitutionID,
		OfferInstitutionID: o.InstitutionID, Sector: d.Sector, Score: r.Score, Components: scoreParts(r.Components), Reasons: r.Reasons,
		AlgorithmVersion: u.svc.matches.engine.Version(), Status: MatchNegotiating, CreatedBy: u.actor.ID, Version: 1,
		CreatedAt: u.now, UpdatedAt: u.now}
	if err := u.CreateMatch(u.ctx, mt); err != nil {
		return "", err
	}
	u.record("match", mt.ID, "created", nil, mt.auditFields())
	u.emit("match.updated", []string{mt.DemandInstitutionID, mt.OfferInstitutionID}, matchEvent(mt, "created"))
	return mt.ID, nil
}

// MeetingSuggestion is a delegation the matching engine proposes to meet:
// the best offer–demand pair between the two delegations' listings.
type MeetingSuggestion struct {
	RegistrationID    string // the counterpart
	InstitutionID     string
	Score             float64
	OfferID, DemandID string
}

// Suggestions ranks the delegations a delegation would best meet, by the
// engine's score over their listings (staff, or the delegation's own
// partners). Only pairs of listings the actor may see are shown, so a
// confidential listing stays confidential.
func (s *Service) Suggestions(ctx context.Context, a Actor, eventID, regID string) ([]MeetingSuggestion, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return nil, err
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return nil, Errorf(ErrForbidden, "suggestions are for staff and the delegation")
	}
	reg, err := s.registration(ctx, a, e, regID)
	if err != nil {
		return nil, err
	}
	if !reg.mayManage(a) {
		return nil, Errorf(ErrNotFound, "registration %s not found", regID)
	}
	regs, err := s.db(ctx).Registrations(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	var active []Registration
	inst := map[string]string{}
	for _, r := range regs {
		if r.Active() {
			active = append(active, r)
			inst[r.ID] = r.InstitutionID
		}
	}
	listings, err := s.eventListings(ctx, s.db(ctx), active)
	if err != nil {
		return nil, err
	}
	countries, err := s.db(ctx).InstitutionCountries(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	cands, _ := s.candidates(e, active, nil, listings, countries, now)
	var out []MeetingSuggestion
	for _, c := range cands {
		if c.kind != MeetingSuggested || (c.a != regID && c.b != regID) {
			continue
		}
		o, d := listings[c.offerID], listings[c.demandID]
		if !o.visibleTo(a, now) || !d.visibleTo(a, now) {
			continue
		}
		other := c.a
		if other == regID {
			other = c.b
		}
		out = append(out, MeetingSuggestion{RegistrationID: other, InstitutionID: inst[other], Score: c.score, OfferID: c.offerID, DemandID: c.demandID})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].RegistrationID < out[j].RegistrationID
	})
	return out, nil
}

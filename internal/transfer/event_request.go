package transfer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Meeting request statuses.
const (
	RequestPending  = "pending"
	RequestAccepted = "accepted"
	RequestDeclined = "declined"
)

// MeetingRequest is one delegation asking another for a meeting, optionally
// citing an offer–demand pair of the two.
type MeetingRequest struct {
	ID                 string
	EventID            string
	FromRegistrationID string
	ToRegistrationID   string
	OfferID, DemandID  string
	Note               string
	Status             string
	ResponseNote       string
	CreatedBy          string
	Version            int
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (r MeetingRequest) auditFields() map[string]any {
	return map[string]any{"from_registration_id": r.FromRegistrationID, "to_registration_id": r.ToRegistrationID,
		"offer_id": r.OfferID, "demand_id": r.DemandID, "note": r.Note, "status": r.Status, "response_note": r.ResponseNote}
}

// RequestMeeting records a request. A partner asks from its own delegation;
// staff may ask on anyone's behalf (from_registration_id required).
func (s *Service) RequestMeeting(ctx context.Context, a Actor, eventID string, req MeetingRequest) (MeetingRequest, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return MeetingRequest{}, err
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return MeetingRequest{}, Errorf(ErrForbidden, "only staff and partners request meetings")
	}
	if e.Status != EventOpen && e.Status != EventPublished {
		return MeetingRequest{}, Errorf(ErrConflict, "event %s is %s: no requests", e.ID, e.Status)
	}
	req.Note = strings.TrimSpace(req.Note)
	var p Problems
	checkString(&p, "note", req.Note, false, true, 1000)
	regs, err := s.db(ctx).Registrations(ctx, e.ID)
	if err != nil {
		return MeetingRequest{}, err
	}
	var from, to *Registration
	for i := range regs {
		r := &regs[i]
		if !r.Active() {
			continue
		}
		if req.FromRegistrationID == "" && a.Role == RolePartner && a.BelongsTo(r.InstitutionID) {
			from = r
		}
		if r.ID == req.FromRegistrationID {
			from = r
		}
		if r.ID == req.ToRegistrationID {
			to = r
		}
	}
	switch {
	case from == nil && a.Role == RolePartner && req.FromRegistrationID == "":
		return MeetingRequest{}, Errorf(ErrConflict, "your institution is not registered for this event")
	case from == nil:
		p.Add("from_registration_id", "does not name an active registration of this event")
	case !a.IsStaff() && !a.BelongsTo(from.InstitutionID):
		p.Add("from_registration_id", "partners request from their own delegation only")
	}
	if to == nil {
		p.Add("to_registration_id", "does not name an active registration of this event")
	} else if from != nil && to.InstitutionID == from.InstitutionID {
		p.Add("to_registration_id", "names the asking institution itself")
	}
	if err := p.Err(); err != nil {
		return MeetingRequest{}, err
	}
	if req.OfferID != "" || req.DemandID != "" {
		if err := s.checkCitedPair(ctx, a, *from, *to, req.OfferID, req.DemandID); err != nil {
			return MeetingRequest{}, err
		}
	}
	now := s.now()
	req.ID, req.EventID, req.FromRegistrationID, req.ToRegistrationID = newID(), e.ID, from.ID, to.ID
	req.Status, req.CreatedBy, req.Version, req.CreatedAt, req.UpdatedAt = RequestPending, a.ID, 1, now, now
	req.ResponseNote = ""
	err = s.write(ctx, a, func(u *unit) error {
		u.record("meeting_request", req.ID, "created", nil, req.auditFields())
		return u.CreateMeetingRequest(ctx, req)
	})
	if errors.Is(err, ErrConflict) {
		return MeetingRequest{}, Errorf(ErrConflict, "this delegation already asked that one for a meeting")
	}
	if err != nil {
		return MeetingRequest{}, fmt.Errorf("request meeting: %w", err)
	}
	return req, nil
}

// checkCitedPair: a cited pair is one offer and one demand, each brought by
// one of the two delegations (a different one each), that the actor may see.
func (s *Service) checkCitedPair(ctx context.Context, a Actor, from, to Registration, offerID, demandID string) error {
	var p Problems
	if !ValidID(offerID) {
		p.Add("offer_id", "cite an offer and a demand together")
	}
	if !ValidID(demandID) {
		p.Add("demand_id", "cite an offer and a demand together")
	}
	if err := p.Err(); err != nil {
		return err
	}
	has := func(r Registration, id string) bool {
		for _, x := range r.ListingIDs {
			if x == id {
				return true
			}
		}
		return false
	}
	okPair := (has(from, offerID) && has(to, demandID)) || (has(to, offerID) && has(from, demandID))
	o, oerr := s.Listing(ctx, a, KindOffer, offerID)
	d, derr := s.Listing(ctx, a, KindDemand, demandID)
	if oerr != nil || derr != nil || !okPair || o.Kind != KindOffer || d.Kind != KindDemand {
		if (oerr != nil && !errors.Is(oerr, ErrNotFound)) || (derr != nil && !errors.Is(derr, ErrNotFound)) {
			return errors.Join(oerr, derr)
		}
		return Problems{{Field: "offer_id", Message: "the offer and the demand must be listings the two delegations bring, one each"}}.Err()
	}
	return nil
}

// MeetingRequests lists an event's requests: staff all of them, a partner
// those its delegation made or received.
func (s *Service) MeetingRequests(ctx context.Context, a Actor, eventID string, r PageRequest) (Page[MeetingRequest], error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return Page[MeetingRequest]{}, err
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return Page[MeetingRequest]{}, Errorf(ErrForbidden, "staff and partners only")
	}
	q, err := r.query([]string{"created_at"}, "created_at")
	if err != nil {
		return Page[MeetingRequest]{}, err
	}
	reqs, err := s.db(ctx).MeetingRequests(ctx, e.ID)
	if err != nil {
		return Page[MeetingRequest]{}, err
	}
	if !a.IsStaff() {
		mine, err := s.ownRegistrationIDs(ctx, a, e.ID)
		if err != nil {
			return Page[MeetingRequest]{}, err
		}
		var keep []MeetingRequest
		for _, rq := range reqs {
			if mine[rq.FromRegistrationID] || mine[rq.ToRegistrationID] {
				keep = append(keep, rq)
			}
		}
		reqs = keep
	}
	return pageInMemory(reqs, q, func(m MeetingRequest) string { return m.ID }), nil
}

// MeetingRequest returns one meeting request of an event: staff see every
// one, partners those of their own delegation (asked or asking); to anyone
// else it is missing.
func (s *Service) MeetingRequest(ctx context.Context, a Actor, eventID, id string) (MeetingRequest, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return MeetingRequest{}, err
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return MeetingRequest{}, Errorf(ErrForbidden, "staff and partners only")
	}
	missing := Errorf(ErrNotFound, "meeting request %s not found in event %s", id, eventID)
	if !ValidID(id) {
		return MeetingRequest{}, missing
	}
	rq, err := s.db(ctx).MeetingRequestByID(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && rq.EventID != e.ID) {
		return MeetingRequest{}, missing
	}
	if err != nil {
		return MeetingRequest{}, fmt.Errorf("meeting request %s: %w", id, err)
	}
	if !a.IsStaff() {
		mine, err := s.ownRegistrationIDs(ctx, a, e.ID)
		if err != nil {
			return MeetingRequest{}, err
		}
		if !mine[rq.FromRegistrationID] && !mine[rq.ToRegistrationID] {
			return MeetingRequest{}, missing
		}
	}
	return rq, nil
}

func (s *Service) ownRegistrationIDs(ctx context.Context, a Actor, eventID string) (map[string]bool, error) {
	regs, err := s.db(ctx).Registrations(ctx, eventID)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, r := range regs {
		if a.BelongsTo(r.InstitutionID) {
			out[r.ID] = true
		}
	}
	return out, nil
}

// AnswerMeetingRequest accepts or declines a request (the asked delegation's
// partners, or staff), with an optional note. An answer may be changed.
func (s *Service) AnswerMeetingRequest(ctx context.Context, a Actor, eventID, id string, accept bool, note string) (MeetingRequest, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return MeetingRequest{}, err
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return MeetingRequest{}, Errorf(ErrForbidden, "only staff and partners answer meeting requests")
	}
	notFound := Errorf(ErrNotFound, "meeting request %s not found", id)
	if !ValidID(id) {
		return MeetingRequest{}, notFound
	}
	note = strings.TrimSpace(note)
	var p Problems
	checkString(&p, "note", note, false, true, 1000)
	if err := p.Err(); err != nil {
		return MeetingRequest{}, err
	}
	status := RequestDeclined
	if accept {
		status = RequestAccepted
	}
	var out MeetingRequest
	err = s.write(ctx, a, func(u *unit) error {
		// Answers to one event's requests take turns on its row, so each
		// reads the request as the one before left it (no 412 the client
		// did not ask for).
		if _, err := u.LockEvent(ctx, e.ID); err != nil {
			return err
		}
		rq, err := u.MeetingRequestByID(ctx, id)
		if errors.Is(err, ErrNotFound) || (err == nil && rq.EventID != e.ID) {
			return notFound
		}
		if err != nil {
			return err
		}
		to, err := u.RegistrationByID(ctx, rq.ToRegistrationID)
		if err != nil {
			return err
		}
		if !a.IsStaff() {
			from, err := u.RegistrationByID(ctx, rq.FromRegistrationID)
			if err != nil {
				return err
			}
			if !a.BelongsTo(to.InstitutionID) && !a.BelongsTo(from.InstitutionID) {
				return notFound
			}
			if !a.BelongsTo(to.InstitutionID) {
				return Errorf(ErrForbidden, "only the asked delegation answers a request")
			}
		}
		if !to.Active() {
			return Errorf(ErrConflict, "the asked delegation has withdrawn")
		}
		if rq.Status == status && rq.ResponseNote == note {
			out = rq
			return nil
		}
		before := rq.auditFields()
		rq.Status, rq.ResponseNote, rq.Version, rq.UpdatedAt = status, note, rq.Version+1, u.now
		if err := u.UpdateMeetingRequest(ctx, rq); err != nil {
			return err
		}
		u.record("meeting_request", rq.ID, status, before, rq.auditFields())
		out = rq
		return nil
	})
	if err != nil {
		return MeetingRequest{}, fmt.Errorf("answer meeting request %s: %w", id, err)
	}
	return out, nil
}

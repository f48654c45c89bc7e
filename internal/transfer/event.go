package transfer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// EventStatus is where a matchmaking event stands.
type EventStatus string

// Event statuses: draft → open (registration) → agenda_published → finished;
// any status but finished may become cancelled.
const (
	EventDraft     EventStatus = "draft"
	EventOpen      EventStatus = "open"
	EventPublished EventStatus = "agenda_published"
	EventFinished  EventStatus = "finished"
	EventCancelled EventStatus = "cancelled"
)

// EventStatuses lists every event status.
var EventStatuses = []EventStatus{EventDraft, EventOpen, EventPublished, EventFinished, EventCancelled}

var eventMoves = map[EventStatus][]EventStatus{
	EventDraft:     {EventOpen, EventCancelled},
	EventOpen:      {EventPublished, EventCancelled},
	EventPublished: {EventFinished, EventCancelled},
}

// Limits of an event, so that one schedule run stays bounded.
const (
	MaxSessions        = 50
	MaxSlotsPerSession = 200
	MaxTables          = 1000
	MaxEventDays       = 31
)

// Event is a matchmaking event: sessions by sector where registered
// delegations meet one to one across a table.
type Event struct {
	ID                 string
	Name               string
	Venue              string
	City               string
	TimeZone           string // IANA
	StartsOn, EndsOn   string // YYYY-MM-DD, in the event's time zone
	Status             EventStatus
	RegistrationOpens  *time.Time
	RegistrationCloses *time.Time
	Sessions           []Session
	CreatedBy          string
	Version            int
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Session is a block of meeting slots with a sector focus.
type Session struct {
	ID           string
	Title        string
	Sector       string
	StartsAt     time.Time
	EndsAt       time.Time
	SlotMinutes  int
	BreakMinutes int
	Tables       int
	Interpreters map[string]int // seats per language tag
}

// SlotTime is one slot of a session.
type SlotTime struct {
	Index      int
	Start, End time.Time
}

// Slots cuts the session into slots of SlotMinutes separated by BreakMinutes.
func (s Session) Slots() []SlotTime {
	if s.SlotMinutes <= 0 {
		return nil
	}
	var out []SlotTime
	step := time.Duration(s.SlotMinutes+s.BreakMinutes) * time.Minute
	length := time.Duration(s.SlotMinutes) * time.Minute
	for t := s.StartsAt; !t.Add(length).After(s.EndsAt) && len(out) < MaxSlotsPerSession+1; t = t.Add(step) {
		out = append(out, SlotTime{Index: len(out), Start: t, End: t.Add(length)})
	}
	return out
}

// EventPatch changes an event; nil fields stay.
type EventPatch struct {
	Name, Venue, City, TimeZone, StartsOn, EndsOn *string
	Status                                        *EventStatus
	RegistrationOpens, RegistrationCloses         Optional[time.Time]
	Sessions                                      *[]Session
}

// EventFilter narrows an event list.
type EventFilter struct {
	Status EventStatus
	// HideDrafts is set by the service for callers who are not staff.
	HideDrafts bool
}

// EventSorts are the keys events may be sorted by.
var EventSorts = []string{"created_at", "starts_on"}

func (e *Event) normalize() {
	e.Name, e.Venue, e.City, e.TimeZone = strings.TrimSpace(e.Name), strings.TrimSpace(e.Venue), strings.TrimSpace(e.City), strings.TrimSpace(e.TimeZone)
	for i := range e.Sessions {
		s := &e.Sessions[i]
		s.Title = strings.TrimSpace(s.Title)
		s.StartsAt, s.EndsAt = s.StartsAt.UTC(), s.EndsAt.UTC()
		if s.ID == "" {
			s.ID = newID()
		}
	}
	if e.RegistrationOpens != nil {
		t := e.RegistrationOpens.UTC()
		e.RegistrationOpens = &t
	}
	if e.RegistrationCloses != nil {
		t := e.RegistrationCloses.UTC()
		e.RegistrationCloses = &t
	}
}

// checkSessionIDs: a session sent with an id keeps an existing session of
// the event, once; new sessions (no id) get one from the server.
func checkSessionIDs(existing, sent []Session) error {
	var p Problems
	seen := map[string]bool{}
	for i, s := range sent {
		if s.ID == "" {
			continue
		}
		f := fmt.Sprintf("sessions[%d].id", i)
		switch {
		case !slices.ContainsFunc(existing, func(x Session) bool { return x.ID == s.ID }):
			p.Add(f, "does not name a session of this event: leave it out for a new session")
		case seen[s.ID]:
			p.Add(f, "names the same session twice")
		}
		seen[s.ID] = true
	}
	return p.Err()
}

// Location is the event's time zone (UTC when it is unknown).
func (e Event) Location() *time.Location {
	loc, err := time.LoadLocation(e.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Validate reports every broken rule at once.
func (e Event) Validate() error {
	var p Problems
	checkString(&p, "name", e.Name, true, false, 200)
	checkString(&p, "venue", e.Venue, false, false, 200)
	checkString(&p, "city", e.City, false, false, 100)
	var loc *time.Location
	if e.TimeZone == "" || e.TimeZone == "Local" || strings.ContainsAny(e.TimeZone, "\\\x00") || strings.HasPrefix(e.TimeZone, "/") || strings.Contains(e.TimeZone, "..") || len(e.TimeZone) > 64 {
		p.Add("time_zone", "must be an IANA time zone such as Asia/Shanghai")
	} else if l, err := time.LoadLocation(e.TimeZone); err != nil {
		p.Add("time_zone", "must be an IANA time zone such as Asia/Shanghai")
	} else {
		loc = l
	}
	start, serr := time.Parse(time.DateOnly, e.StartsOn)
	end, eerr := time.Parse(time.DateOnly, e.EndsOn)
	if serr != nil {
		p.Add("starts_on", "must be a date such as 2026-09-18")
	}
	if eerr != nil {
		p.Add("ends_on", "must be a date such as 2026-09-19")
	}
	if serr == nil && eerr == nil {
		switch {
		case start.Year() < 2000 || start.Year() > 2100:
			p.Add("starts_on", "must be between 2000 and 2100")
		case end.Before(start):
			p.Add("ends_on", "must not be before starts_on")
		case end.Sub(start) > MaxEventDays*24*time.Hour:
			p.Add("ends_on", "an event lasts at most %d days", MaxEventDays)
		}
	}
	if !slices.Contains(EventStatuses, e.Status) {
		p.Add("status", "must be one of draft, open, agenda_published, finished, cancelled")
	}
	if e.RegistrationOpens != nil && e.RegistrationCloses != nil && !e.RegistrationCloses.After(*e.RegistrationOpens) {
		p.Add("registration_closes_at", "must be after registration_opens_at")
	}
	for _, t := range []*time.Time{e.RegistrationOpens, e.RegistrationCloses} {
		if t != nil && (t.Year() < 2000 || t.Year() > 2100) {
			p.Add("registration_opens_at", "times must be between 2000 and 2100")
			break
		}
	}
	if len(e.Sessions) > MaxSessions {
		p.Add("sessions", "at most %d sessions", MaxSessions)
		return p.Err()
	}
	for i, s := range e.Sessions {
		f := fmt.Sprintf("sessions[%d]", i)
		checkString(&p, f+".title", s.Title, false, false, 200)
		if !ValidSector(s.Sector) {
			p.Add(f+".sector", "must be one of the sectors")
		}
		switch {
		case s.StartsAt.Year() < 2000 || s.StartsAt.Year() > 2100:
			p.Add(f+".starts_at", "must be between 2000 and 2100")
		case !s.EndsAt.After(s.StartsAt):
			p.Add(f+".ends_at", "must be after starts_at")
		case s.EndsAt.Sub(s.StartsAt) > 24*time.Hour:
			p.Add(f+".ends_at", "a session lasts at most 24 hours")
		case loc != nil && serr == nil && eerr == nil && (s.StartsAt.In(loc).Format(time.DateOnly) < e.StartsOn || s.EndsAt.In(loc).Format(time.DateOnly) > e.EndsOn):
			p.Add(f+".starts_at", "the session must lie within the event's dates (in its time zone)")
		}
		if s.SlotMinutes < 5 || s.SlotMinutes > 240 {
			p.Add(f+".slot_minutes", "must be between 5 and 240")
		}
		if s.BreakMinutes < 0 || s.BreakMinutes > 240 {
			p.Add(f+".break_minutes", "must be between 0 and 240")
		}
		if s.Tables < 1 || s.Tables > MaxTables {
			p.Add(f+".tables", "must be between 1 and %d", MaxTables)
		}
		for lang, n := range s.Interpreters {
			if !ValidLanguage(lang) {
				p.Add(f+".interpreters", "%q is not a known language tag", lang)
			}
			if n < 0 || n > MaxTables {
				p.Add(f+".interpreters", "seats must be between 0 and %d", MaxTables)
			}
		}
		if s.SlotMinutes >= 5 && s.EndsAt.After(s.StartsAt) && len(s.Slots()) > MaxSlotsPerSession {
			p.Add(f+".slot_minutes", "a session holds at most %d slots", MaxSlotsPerSession)
		}
		if s.SlotMinutes >= 5 && s.EndsAt.After(s.StartsAt) && s.EndsAt.Sub(s.StartsAt) <= 24*time.Hour && len(s.Slots()) == 0 {
			p.Add(f+".slot_minutes", "is longer than the session")
		}
	}
	return p.Err()
}

// visibleTo: staff see every event; everyone signed in sees events past draft.
func (e Event) visibleTo(a Actor) bool {
	return a.IsStaff() || (a.Authenticated() && e.Status != EventDraft)
}

// session finds a session by id.
func (e Event) session(id string) (Session, bool) {
	for _, s := range e.Sessions {
		if s.ID == id {
			return s, true
		}
	}
	return Session{}, false
}

func (e Event) auditFields() map[string]any {
	sessions := make([]string, len(e.Sessions))
	for i, s := range e.Sessions {
		sessions[i] = fmt.Sprintf("%s:%s:%s-%s:%d/%d:%d", s.ID, s.Sector, s.StartsAt.Format(time.RFC3339), s.EndsAt.Format(time.RFC3339), s.SlotMinutes, s.BreakMinutes, s.Tables)
	}
	return map[string]any{"name": e.Name, "venue": e.Venue, "city": e.City, "time_zone": e.TimeZone, "starts_on": e.StartsOn,
		"ends_on": e.EndsOn, "status": e.Status, "registration_opens_at": e.RegistrationOpens,
		"registration_closes_at": e.RegistrationCloses, "sessions": sessions}
}

// CreateEvent creates an event in draft (staff).
func (s *Service) CreateEvent(ctx context.Context, a Actor, e Event) (Event, error) {
	if !a.Authenticated() {
		return Event{}, ErrUnauthenticated
	}
	if !a.IsStaff() {
		return Event{}, Errorf(ErrForbidden, "only staff create events")
	}
	if err := checkSessionIDs(nil, e.Sessions); err != nil {
		return Event{}, err
	}
	now := s.now()
	e.ID, e.Version, e.CreatedAt, e.UpdatedAt, e.CreatedBy = newID(), 1, now, now, a.ID
	if e.Status == "" {
		e.Status = EventDraft
	}
	e.normalize()
	if err := e.Validate(); err != nil {
		return Event{}, err
	}
	if e.Status != EventDraft && e.Status != EventOpen {
		return Event{}, Problems{{Field: "status", Message: "a new event is draft or open"}}.Err()
	}
	err := s.write(ctx, a, func(u *unit) error {
		u.record("event", e.ID, "created", nil, e.auditFields())
		return u.CreateEvent(ctx, e)
	})
	if err != nil {
		return Event{}, fmt.Errorf("create event: %w", err)
	}
	return e, nil
}

// Event returns an event as the actor may see it.
func (s *Service) Event(ctx context.Context, a Actor, id string) (Event, error) {
	if !a.Authenticated() {
		return Event{}, ErrUnauthenticated
	}
	return visibleByID(ctx, "event", id, s.db(ctx).EventByID, func(e Event) bool { return e.visibleTo(a) })
}

// ListEvents pages through the events the actor may see.
func (s *Service) ListEvents(ctx context.Context, a Actor, f EventFilter, r PageRequest) (Page[Event], error) {
	if !a.Authenticated() {
		return Page[Event]{}, ErrUnauthenticated
	}
	var p Problems
	if f.Status != "" && !slices.Contains(EventStatuses, f.Status) {
		p.Add("status", "must be one of draft, open, agenda_published, finished, cancelled")
	}
	q, err := r.query(EventSorts, "created_at")
	if qp, ok := asProblems(err); ok {
		p = append(p, qp...)
	} else if err != nil {
		return Page[Event]{}, err
	}
	if err := p.Err(); err != nil {
		return Page[Event]{}, err
	}
	f.HideDrafts = !a.IsStaff()
	items, total, err := s.db(ctx).ListEvents(ctx, f, q)
	if err != nil {
		return Page[Event]{}, fmt.Errorf("list events: %w", err)
	}
	return makePage(items, total, q, func(e Event) (string, string) {
		if q.Sort.Key == "starts_on" {
			return e.StartsOn, e.ID
		}
		return "", e.ID
	}), nil
}

// UpdateEvent changes an event (staff, If-Match honoured). The status moves
// only along the event's lifecycle; sessions may change until the agenda is
// published, and only to sessions that keep every meeting's slot.
func (s *Service) UpdateEvent(ctx context.Context, a Actor, id string, ifMatch int, patch EventPatch) (Event, error) {
	e, err := s.Event(ctx, a, id)
	if err != nil {
		return Event{}, err
	}
	if !a.IsStaff() {
		return Event{}, Errorf(ErrForbidden, "only staff change events")
	}
	if ifMatch != 0 && ifMatch != e.Version {
		return Event{}, Errorf(ErrPrecondition, "event %s is at version %d, not %d", id, e.Version, ifMatch)
	}
	if patch.Sessions != nil {
		if err := checkSessionIDs(e.Sessions, *patch.Sessions); err != nil {
			return Event{}, err
		}
	}
	// apply is the change on top of a version of the event: first the one
	// read, again on the locked one when another write came in between
	// and the client sent no If-Match.
	apply := func(old Event) (Event, error) {
		e := old
		e.Sessions = slices.Clone(old.Sessions)
		set(&e.Name, patch.Name)
		set(&e.Venue, patch.Venue)
		set(&e.City, patch.City)
		set(&e.TimeZone, patch.TimeZone)
		set(&e.StartsOn, patch.StartsOn)
		set(&e.EndsOn, patch.EndsOn)
		set(&e.Status, patch.Status)
		patch.RegistrationOpens.apply(&e.RegistrationOpens)
		patch.RegistrationCloses.apply(&e.RegistrationCloses)
		set(&e.Sessions, patch.Sessions)
		e.normalize()
		if err := e.Validate(); err != nil {
			return Event{}, err
		}
		if e.Status != old.Status && !slices.Contains(eventMoves[old.Status], e.Status) {
			return Event{}, Errorf(ErrConflict, "an event cannot move from %s to %s", old.Status, e.Status)
		}
		return e, nil
	}
	old := e
	if e, err = apply(old); err != nil {
		return Event{}, err
	}
	if unchanged(old, e) {
		return e, nil
	}
	err = s.write(ctx, a, func(u *unit) error {
		locked, err := u.LockEvent(ctx, id)
		if err != nil {
			return err
		}
		if locked.Version != old.Version {
			if ifMatch != 0 {
				return Errorf(ErrPrecondition, "event %s changed meanwhile", id)
			}
			if patch.Sessions != nil {
				if err := checkSessionIDs(locked.Sessions, *patch.Sessions); err != nil {
					return err
				}
			}
			old = locked
			if e, err = apply(locked); err != nil {
				return err
			}
		}
		before := old.auditFields()
		e.Version, e.UpdatedAt = old.Version+1, s.now()
		if patch.Sessions != nil {
			ms, err := u.Meetings(ctx, id)
			if err != nil {
				return err
			}
			for _, m := range ms {
				if !m.Active() {
					continue
				}
				sess, ok := e.session(m.SessionID)
				if !ok || m.Slot >= len(sess.Slots()) || m.Table >= sess.Tables || !sess.Slots()[m.Slot].Start.Equal(m.StartsAt) {
					return Errorf(ErrConflict, "meeting %s would lose its slot or table: move or cancel it first", m.ID)
				}
			}
			// Nor may a slot lose an interpreter seat one of its meetings uses.
			seats := map[[3]string]int{}
			for _, m := range ms {
				if m.Active() && m.Interpreter != "" {
					k := [3]string{m.SessionID, m.StartsAt.Format(time.RFC3339), m.Interpreter}
					seats[k]++
					if sess, _ := e.session(m.SessionID); seats[k] > sess.Interpreters[m.Interpreter] {
						return Errorf(ErrConflict, "meeting %s would lose its %s interpreter: move or cancel it first", m.ID, m.Interpreter)
					}
				}
			}
		}
		if e.Status == EventCancelled && old.Status != EventCancelled {
			if err := u.cancelEventMeetings(e); err != nil {
				return err
			}
		}
		u.record("event", e.ID, "updated", before, e.auditFields())
		return u.UpdateEvent(ctx, e)
	})
	if err != nil {
		return Event{}, fmt.Errorf("update event %s: %w", id, err)
	}
	return e, nil
}

// EventStore keeps events, registrations, meeting requests and meetings.
type EventStore interface {
	CreateEvent(ctx context.Context, e Event) error
	EventByID(ctx context.Context, id string) (Event, error)
	// LockEvent reads the event and holds its row until the transaction
	// ends, so that writers of one event's agenda take turns.
	LockEvent(ctx context.Context, id string) (Event, error)
	ListEvents(ctx context.Context, f EventFilter, q ListQuery) ([]Event, int64, error)
	// UpdateEvent writes e if the stored version is e.Version-1, else ErrPrecondition.
	UpdateEvent(ctx context.Context, e Event) error

	// CreateRegistration inserts a registration; one per institution and event (ErrConflict).
	CreateRegistration(ctx context.Context, r Registration) error
	RegistrationByID(ctx context.Context, id string) (Registration, error)
	Registrations(ctx context.Context, eventID string) ([]Registration, error)
	UpdateRegistration(ctx context.Context, r Registration) error

	// CreateMeetingRequest inserts a request; one per asker, asked and event (ErrConflict).
	CreateMeetingRequest(ctx context.Context, r MeetingRequest) error
	MeetingRequestByID(ctx context.Context, id string) (MeetingRequest, error)
	MeetingRequests(ctx context.Context, eventID string) ([]MeetingRequest, error)
	UpdateMeetingRequest(ctx context.Context, r MeetingRequest) error

	// CreateMeeting inserts a meeting and, while it is active, books its
	// table and both delegations for its slot: a second booking of either
	// is ErrConflict.
	CreateMeeting(ctx context.Context, m Meeting) error
	// CreateMeetings is CreateMeeting for many, in batches (a schedule run).
	CreateMeetings(ctx context.Context, ms []Meeting) error
	MeetingByID(ctx context.Context, id string) (Meeting, error)
	Meetings(ctx context.Context, eventID string) ([]Meeting, error)
	// UpdateMeeting writes m if the stored version is m.Version-1 and books
	// its place again (frees it when m is no longer active).
	UpdateMeeting(ctx context.Context, m Meeting) error
	// ReleaseBookings frees the places a meeting holds (before it moves).
	ReleaseBookings(ctx context.Context, meetingID string) error
	// MatchByPair finds the match record of a demand–offer pair.
	MatchByPair(ctx context.Context, demandID, offerID string) (Match, error)
	// AgreementsOfEvent returns the agreements that name the event.
	AgreementsOfEvent(ctx context.Context, eventID string) ([]Agreement, error)
}

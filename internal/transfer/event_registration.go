package transfer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Delegate is a person a registered institution sends to the tables.
type Delegate struct {
	Name      string
	Role      string
	Languages []string
}

// Registration statuses.
const (
	RegistrationActive    = "registered"
	RegistrationWithdrawn = "withdrawn"
)

// Registration is one institution's delegation at an event.
type Registration struct {
	ID            string
	EventID       string
	InstitutionID string
	Delegates     []Delegate
	ListingIDs    []string    // published listings of the institution it brings
	Unavailable   []time.Time // starts of the slots it cannot attend
	MaxMeetings   int         // 0: no cap
	Status        string
	CreatedBy     string
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Languages is every language the delegation speaks, sorted.
func (r Registration) Languages() []string {
	var out []string
	for _, d := range r.Delegates {
		for _, l := range d.Languages {
			if !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Active reports whether the delegation still takes part.
func (r Registration) Active() bool { return r.Status == RegistrationActive }

func (r *Registration) normalize() {
	for i := range r.Delegates {
		d := &r.Delegates[i]
		d.Name, d.Role = strings.TrimSpace(d.Name), strings.TrimSpace(d.Role)
		for j := range d.Languages {
			d.Languages[j] = strings.ToLower(strings.TrimSpace(d.Languages[j]))
		}
	}
	for i := range r.Unavailable {
		r.Unavailable[i] = r.Unavailable[i].UTC()
	}
	slices.SortFunc(r.Unavailable, func(a, b time.Time) int { return a.Compare(b) })
	r.Unavailable = slices.CompactFunc(r.Unavailable, func(a, b time.Time) bool { return a.Equal(b) })
	slices.Sort(r.ListingIDs)
	r.ListingIDs = slices.Compact(r.ListingIDs)
}

func (r Registration) validate(e Event) Problems {
	var p Problems
	if len(r.Delegates) == 0 {
		p.Add("delegates", "name at least one delegate")
	}
	if len(r.Delegates) > 20 {
		p.Add("delegates", "at most 20 delegates")
	}
	for i, d := range r.Delegates {
		f := fmt.Sprintf("delegates[%d]", i)
		checkString(&p, f+".name", d.Name, true, false, 200)
		checkString(&p, f+".role", d.Role, false, false, 200)
		if len(d.Languages) == 0 || len(d.Languages) > 10 {
			p.Add(f+".languages", "name one to ten languages")
		}
		for j, l := range d.Languages {
			if !ValidLanguage(l) {
				p.Add(fmt.Sprintf("%s.languages[%d]", f, j), "is not a known language tag")
			}
		}
	}
	if len(r.ListingIDs) > 50 {
		p.Add("listing_ids", "at most 50 listings")
	}
	for i, id := range r.ListingIDs {
		if !ValidID(id) {
			p.Add(fmt.Sprintf("listing_ids[%d]", i), "must be a listing id")
		}
	}
	if r.MaxMeetings < 0 || r.MaxMeetings > 1000 {
		p.Add("max_meetings", "must be between 0 (no cap) and 1000")
	}
	starts := map[int64]bool{}
	for _, s := range e.Sessions {
		for _, sl := range s.Slots() {
			starts[sl.Start.Unix()] = true
		}
	}
	if len(r.Unavailable) > 1000 {
		p.Add("unavailable", "at most 1000 slots")
	}
	for i, t := range r.Unavailable {
		if !starts[t.Unix()] {
			p.Add(fmt.Sprintf("unavailable[%d]", i), "is not the start of one of the event's slots")
		}
	}
	return p
}

// mayManage: staff, or a partner of the registered institution.
func (r Registration) mayManage(a Actor) bool { return a.IsStaff() || a.BelongsTo(r.InstitutionID) }

func (r Registration) auditFields() map[string]any {
	names := make([]string, len(r.Delegates))
	for i, d := range r.Delegates {
		names[i] = d.Name
	}
	return map[string]any{"institution_id": r.InstitutionID, "delegates": names, "listing_ids": r.ListingIDs,
		"unavailable": r.Unavailable, "max_meetings": r.MaxMeetings, "status": r.Status}
}

// checkListings: every listing brought is the institution's own and published.
func (s *Service) checkListings(ctx context.Context, r Registration) error {
	if len(r.ListingIDs) == 0 {
		return nil
	}
	ls, err := s.db(ctx).ListingsByIDs(ctx, r.ListingIDs)
	if err != nil {
		return err
	}
	byID := map[string]Listing{}
	for _, l := range ls {
		byID[l.ID] = l
	}
	now := s.now()
	var p Problems
	for i, id := range r.ListingIDs {
		l, ok := byID[id]
		switch {
		case !ok || l.InstitutionID != r.InstitutionID:
			p.Add(fmt.Sprintf("listing_ids[%d]", i), "does not name a listing of the registered institution")
		case !l.Live(now):
			p.Add(fmt.Sprintf("listing_ids[%d]", i), "is not published")
		}
	}
	return p.Err()
}

// Register enters a delegation: staff for any institution, partners for
// their own, while the event is open and its registration window lets them.
func (s *Service) Register(ctx context.Context, a Actor, eventID string, r Registration) (Registration, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return Registration{}, err
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return Registration{}, Errorf(ErrForbidden, "only staff and partners register delegations")
	}
	var p Problems
	if a.Role == RolePartner {
		if r.InstitutionID != "" && r.InstitutionID != a.InstitutionID {
			p.Add("institution_id", "partners register their own institution only")
		}
		r.InstitutionID = a.InstitutionID
	}
	if !ValidID(r.InstitutionID) {
		p.Add("institution_id", "must be an institution id")
	}
	r.normalize()
	p = append(p, r.validate(e)...)
	if err := p.Err(); err != nil {
		return Registration{}, err
	}
	now := s.now()
	if err := s.registrationOpen(a, e, now); err != nil {
		return Registration{}, err
	}
	if err := s.institutionMustExist(ctx, "institution_id", r.InstitutionID); err != nil {
		return Registration{}, err
	}
	if err := s.checkListings(ctx, r); err != nil {
		return Registration{}, err
	}
	r.ID, r.EventID, r.Status, r.CreatedBy, r.Version, r.CreatedAt, r.UpdatedAt = newID(), e.ID, RegistrationActive, a.ID, 1, now, now
	err = s.write(ctx, a, func(u *unit) error {
		if _, err := u.LockEvent(ctx, e.ID); err != nil {
			return err
		}
		u.record("event_registration", r.ID, "created", nil, r.auditFields())
		return u.CreateRegistration(ctx, r)
	})
	if errors.Is(err, ErrConflict) {
		return Registration{}, Errorf(ErrConflict, "the institution is already registered for this event")
	}
	if err != nil {
		return Registration{}, fmt.Errorf("register for event %s: %w", eventID, err)
	}
	return r, nil
}

// registrationOpen: partners register while the event is open and inside
// its window; staff may register late, until the event is finished.
func (s *Service) registrationOpen(a Actor, e Event, now time.Time) error {
	if a.IsStaff() {
		if e.Status == EventFinished || e.Status == EventCancelled {
			return Errorf(ErrConflict, "event %s is %s", e.ID, e.Status)
		}
		return nil
	}
	switch {
	case e.Status != EventOpen:
		return Errorf(ErrConflict, "event %s is not open for registration", e.ID)
	case e.RegistrationOpens != nil && now.Before(*e.RegistrationOpens):
		return Errorf(ErrConflict, "registration opens at %s", e.RegistrationOpens.Format(time.RFC3339))
	case e.RegistrationCloses != nil && !now.Before(*e.RegistrationCloses):
		return Errorf(ErrConflict, "registration closed at %s", e.RegistrationCloses.Format(time.RFC3339))
	}
	return nil
}

// Registrations lists an event's delegations. Staff see everything; a
// partner sees every delegation, but of others' listings only those it may
// see (published and public); analysts see none (delegates are people).
func (s *Service) Registrations(ctx context.Context, a Actor, eventID string, r PageRequest) (Page[Registration], error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return Page[Registration]{}, err
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return Page[Registration]{}, Errorf(ErrForbidden, "registrations name people: staff and partners only")
	}
	q, err := r.query([]string{"created_at"}, "created_at")
	if err != nil {
		return Page[Registration]{}, err
	}
	regs, err := s.db(ctx).Registrations(ctx, e.ID)
	if err != nil {
		return Page[Registration]{}, fmt.Errorf("registrations of event %s: %w", eventID, err)
	}
	if regs, err = s.shownRegistrations(ctx, a, regs); err != nil {
		return Page[Registration]{}, err
	}
	return pageInMemory(regs, q, func(r Registration) string { return r.ID }), nil
}

// Registration returns one delegation of an event as the list shows it to
// the actor (a partner sees of other delegations only the listings it may
// see); a registration of another event, or a bad id, is missing.
func (s *Service) Registration(ctx context.Context, a Actor, eventID, id string) (Registration, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return Registration{}, err
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return Registration{}, Errorf(ErrForbidden, "registrations name people: staff and partners only")
	}
	missing := Errorf(ErrNotFound, "registration %s not found in event %s", id, eventID)
	if !ValidID(id) {
		return Registration{}, missing
	}
	r, err := s.db(ctx).RegistrationByID(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && r.EventID != e.ID) {
		return Registration{}, missing
	}
	if err != nil {
		return Registration{}, fmt.Errorf("registration %s: %w", id, err)
	}
	shown, err := s.shownRegistrations(ctx, a, []Registration{r})
	if err != nil {
		return Registration{}, err
	}
	return shown[0], nil
}

// shownRegistrations hides from the actor the listings it may not see.
func (s *Service) shownRegistrations(ctx context.Context, a Actor, regs []Registration) ([]Registration, error) {
	if a.IsStaff() {
		return regs, nil
	}
	var ids []string
	for _, r := range regs {
		if !a.BelongsTo(r.InstitutionID) {
			ids = append(ids, r.ListingIDs...)
		}
	}
	visible := map[string]bool{}
	now := s.now()
	for start := 0; start < len(ids); start += 1000 {
		ls, err := s.db(ctx).ListingsByIDs(ctx, ids[start:min(start+1000, len(ids))])
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			if l.visibleTo(a, now) {
				visible[l.ID] = true
			}
		}
	}
	out := make([]Registration, len(regs))
	for i, r := range regs {
		if !a.BelongsTo(r.InstitutionID) {
			var keep []string
			for _, id := range r.ListingIDs {
				if visible[id] {
					keep = append(keep, id)
				}
			}
			r.ListingIDs = keep
			r.Unavailable, r.MaxMeetings = nil, 0 // the delegation's own planning
		}
		out[i] = r
	}
	return out, nil
}

// registration loads a registration of the event as the actor may act on it.
func (s *Service) registration(ctx context.Context, a Actor, e Event, id string) (Registration, error) {
	notFound := Errorf(ErrNotFound, "registration %s not found", id)
	if !ValidID(id) {
		return Registration{}, notFound
	}
	r, err := s.db(ctx).RegistrationByID(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && r.EventID != e.ID) {
		return Registration{}, notFound
	}
	if err != nil {
		return Registration{}, err
	}
	return r, nil
}

// WithdrawRegistration takes a delegation out (staff or its own partners):
// its meetings still to come are cancelled, which frees their slots and
// tables (held ones and ones with an outcome stay), and its open requests
// lapse.
func (s *Service) WithdrawRegistration(ctx context.Context, a Actor, eventID, id string) (Registration, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return Registration{}, err
	}
	r, err := s.registration(ctx, a, e, id)
	if err != nil {
		return Registration{}, err
	}
	if !r.mayManage(a) {
		return Registration{}, Errorf(ErrForbidden, "only staff and the delegation's institution withdraw it")
	}
	if !r.Active() {
		return r, nil
	}
	before := r.auditFields()
	r.Status, r.Version, r.UpdatedAt = RegistrationWithdrawn, r.Version+1, s.now()
	err = s.write(ctx, a, func(u *unit) error {
		if _, err := u.LockEvent(ctx, e.ID); err != nil {
			return err
		}
		if err := u.UpdateRegistration(ctx, r); err != nil {
			return err
		}
		u.record("event_registration", r.ID, "withdrawn", before, r.auditFields())
		ms, err := u.Meetings(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			// Only meetings still to come are cancelled: a held one, one
			// with an outcome, or one already past stays on the record.
			if m.Status == MeetingScheduled && !m.Kept() && m.involves(r.ID) && m.StartsAt.After(u.now) {
				if err := u.cancelMeeting(e, m, "withdrawn"); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return Registration{}, fmt.Errorf("withdraw registration %s: %w", id, err)
	}
	return r, nil
}

// pageInMemory pages a list already in id order (ids are time-ordered, so
// this is creation order).
func pageInMemory[T any](items []T, q ListQuery, id func(T) string) Page[T] {
	sort.SliceStable(items, func(i, j int) bool {
		if q.Sort.Desc {
			return id(items[i]) > id(items[j])
		}
		return id(items[i]) < id(items[j])
	})
	total := int64(len(items))
	start := 0
	if q.After != nil {
		start = sort.Search(len(items), func(i int) bool {
			if q.Sort.Desc {
				return id(items[i]) < q.After.ID
			}
			return id(items[i]) > q.After.ID
		})
	}
	end := min(len(items), start+q.Limit+1)
	return makePage(items[start:end], total, q, func(t T) (string, string) { return "", id(t) })
}

// RegistrationPatch changes a delegation; nil fields stay.
type RegistrationPatch struct {
	Delegates   *[]Delegate
	ListingIDs  *[]string
	Unavailable *[]time.Time
	MaxMeetings *int
}

// UpdateRegistration changes a delegation (staff, or its own partners;
// If-Match honoured) until the event is finished. A slot newly marked
// unavailable that holds one of its meetings is a conflict: move or cancel
// the meeting first.
func (s *Service) UpdateRegistration(ctx context.Context, a Actor, eventID, id string, ifMatch int, patch RegistrationPatch) (Registration, error) {
	e, err := s.Event(ctx, a, eventID)
	if err != nil {
		return Registration{}, err
	}
	r, err := s.registration(ctx, a, e, id)
	if err != nil {
		return Registration{}, err
	}
	if !r.mayManage(a) {
		return Registration{}, Errorf(ErrForbidden, "only staff and the delegation's institution change it")
	}
	if ifMatch != 0 && ifMatch != r.Version {
		return Registration{}, Errorf(ErrPrecondition, "registration %s is at version %d, not %d", id, r.Version, ifMatch)
	}
	if !r.Active() || e.Status == EventFinished || e.Status == EventCancelled {
		return Registration{}, Errorf(ErrConflict, "the registration is %s and the event %s", r.Status, e.Status)
	}
	// apply is the change on top of a version of the registration: the one
	// read, and again the one under the event's lock when another write came
	// in between and the client sent no If-Match.
	apply := func(old Registration) (Registration, error) {
		r := old
		set(&r.Delegates, patch.Delegates)
		set(&r.ListingIDs, patch.ListingIDs)
		set(&r.Unavailable, patch.Unavailable)
		set(&r.MaxMeetings, patch.MaxMeetings)
		r.normalize()
		if err := r.validate(e).Err(); err != nil {
			return Registration{}, err
		}
		r.Version, r.UpdatedAt = old.Version+1, s.now()
		return r, nil
	}
	old := r
	old.Delegates = slices.Clone(r.Delegates)
	before := old.auditFields()
	if r, err = apply(old); err != nil {
		return Registration{}, err
	}
	if patch.ListingIDs != nil {
		if err := s.checkListings(ctx, r); err != nil {
			return Registration{}, err
		}
	}
	if unchanged(old, withVersion(r, old)) {
		return old, nil
	}
	err = s.write(ctx, a, func(u *unit) error {
		if _, err := u.LockEvent(ctx, e.ID); err != nil {
			return err
		}
		if cur, err := u.RegistrationByID(ctx, r.ID); err != nil {
			return err
		} else if cur.Version != old.Version {
			if ifMatch != 0 {
				return Errorf(ErrPrecondition, "registration %s changed meanwhile", r.ID)
			}
			if !cur.Active() {
				return Errorf(ErrConflict, "the registration is %s", cur.Status)
			}
			old, before = cur, cur.auditFields()
			if r, err = apply(cur); err != nil {
				return err
			}
		}
		ms, err := u.Meetings(ctx, e.ID)
		if err != nil {
			return err
		}
		held := 0
		for _, m := range ms {
			if !m.Active() || !m.involves(r.ID) {
				continue
			}
			held++
			for _, t := range r.Unavailable {
				if t.Equal(m.StartsAt) {
					return Errorf(ErrConflict, "meeting %s is in a slot now marked unavailable: move or cancel it first", m.ID)
				}
			}
		}
		if r.MaxMeetings > 0 && r.MaxMeetings < held && r.MaxMeetings != old.MaxMeetings {
			return Errorf(ErrConflict, "the delegation has %d meetings on the agenda, more than max_meetings %d: cancel some first", held, r.MaxMeetings)
		}
		if err := u.UpdateRegistration(ctx, r); err != nil {
			return err
		}
		u.record("event_registration", r.ID, "updated", before, r.auditFields())
		return nil
	})
	if err != nil {
		return Registration{}, fmt.Errorf("update registration %s: %w", id, err)
	}
	return r, nil
}

// withVersion is r with the version and time of old, to compare contents.
func withVersion(r, old Registration) Registration {
	r.Version, r.UpdatedAt = old.Version, old.UpdatedAt
	return r
}

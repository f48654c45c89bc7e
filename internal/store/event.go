package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm/clause"

	"github.com/techbridge/techbridge/internal/transfer"
)

type eventRow struct {
	ID                   string `gorm:"primaryKey"`
	Name                 string
	Venue                string
	City                 string
	TimeZone             string
	StartsOn             string
	EndsOn               string
	Status               string
	RegistrationOpensAt  *timestamp
	RegistrationClosesAt *timestamp
	Sessions             string
	CreatedBy            string
	Version              int
	CreatedAt            timestamp
	UpdatedAt            timestamp
}

func (eventRow) TableName() string { return "events" }

type sessionJSON struct {
	ID           string         `json:"id"`
	Title        string         `json:"title,omitempty"`
	Sector       string         `json:"sector"`
	StartsAt     timestamp      `json:"starts_at"`
	EndsAt       timestamp      `json:"ends_at"`
	SlotMinutes  int            `json:"slot_minutes"`
	BreakMinutes int            `json:"break_minutes"`
	Tables       int            `json:"tables"`
	Interpreters map[string]int `json:"interpreters,omitempty"`
}

func newEventRow(e transfer.Event) (eventRow, error) {
	ss := make([]sessionJSON, len(e.Sessions))
	for i, s := range e.Sessions {
		ss[i] = sessionJSON{ID: s.ID, Title: s.Title, Sector: s.Sector, StartsAt: ts(s.StartsAt), EndsAt: ts(s.EndsAt),
			SlotMinutes: s.SlotMinutes, BreakMinutes: s.BreakMinutes, Tables: s.Tables, Interpreters: s.Interpreters}
	}
	b, err := json.Marshal(ss)
	if err != nil {
		return eventRow{}, err
	}
	return eventRow{ID: e.ID, Name: e.Name, Venue: e.Venue, City: e.City, TimeZone: e.TimeZone, StartsOn: e.StartsOn,
		EndsOn: e.EndsOn, Status: string(e.Status), RegistrationOpensAt: tsPtr(e.RegistrationOpens),
		RegistrationClosesAt: tsPtr(e.RegistrationCloses), Sessions: string(b), CreatedBy: e.CreatedBy, Version: e.Version,
		CreatedAt: ts(e.CreatedAt), UpdatedAt: ts(e.UpdatedAt)}, nil
}

func (r eventRow) domain() (transfer.Event, error) {
	e := transfer.Event{ID: r.ID, Name: r.Name, Venue: r.Venue, City: r.City, TimeZone: r.TimeZone, StartsOn: r.StartsOn,
		EndsOn: r.EndsOn, Status: transfer.EventStatus(r.Status), RegistrationOpens: timePtr(r.RegistrationOpensAt),
		RegistrationCloses: timePtr(r.RegistrationClosesAt), CreatedBy: r.CreatedBy, Version: r.Version,
		CreatedAt: r.CreatedAt.Time(), UpdatedAt: r.UpdatedAt.Time()}
	var ss []sessionJSON
	if err := json.Unmarshal([]byte(r.Sessions), &ss); err != nil {
		return e, fmt.Errorf("event %s sessions: %w", r.ID, err)
	}
	for _, s := range ss {
		e.Sessions = append(e.Sessions, transfer.Session{ID: s.ID, Title: s.Title, Sector: s.Sector, StartsAt: s.StartsAt.Time(),
			EndsAt: s.EndsAt.Time(), SlotMinutes: s.SlotMinutes, BreakMinutes: s.BreakMinutes, Tables: s.Tables,
			Interpreters: s.Interpreters})
	}
	return e, nil
}

func timePtr(t *timestamp) *time.Time {
	if t == nil {
		return nil
	}
	v := t.Time()
	return &v
}

// CreateEvent inserts an event.
func (s *Store) CreateEvent(ctx context.Context, e transfer.Event) error {
	row, err := newEventRow(e)
	if err != nil {
		return err
	}
	return TranslateError(s.db.WithContext(ctx).Create(&row).Error)
}

// EventByID finds an event.
func (s *Store) EventByID(ctx context.Context, id string) (transfer.Event, error) {
	var row eventRow
	if err := s.db.WithContext(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return transfer.Event{}, TranslateError(err)
	}
	return row.domain()
}

// LockEvent reads the event and locks its row for the transaction: FOR
// UPDATE on PostgreSQL; on SQLite the transaction holds the database's one
// write lock from its start already.
func (s *Store) LockEvent(ctx context.Context, id string) (transfer.Event, error) {
	db := s.db.WithContext(ctx)
	if s.dialect == Postgres {
		db = db.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var row eventRow
	if err := db.Take(&row, "id = ?", id).Error; err != nil {
		return transfer.Event{}, TranslateError(err)
	}
	return row.domain()
}

// ListEvents returns one page (plus one row) and the total.
func (s *Store) ListEvents(ctx context.Context, f transfer.EventFilter, q transfer.ListQuery) ([]transfer.Event, int64, error) {
	db := s.db.WithContext(ctx).Model(&eventRow{})
	if f.Status != "" {
		db = db.Where("status = ?", string(f.Status))
	}
	if f.HideDrafts {
		db = db.Where("status <> ?", string(transfer.EventDraft))
	}
	var rows []eventRow
	total, err := page(db, q, map[string]sortColumn{"created_at": {}, "starts_on": {name: "starts_on"}}, &rows)
	if err != nil {
		return nil, 0, err
	}
	out := make([]transfer.Event, len(rows))
	for i, r := range rows {
		if out[i], err = r.domain(); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// UpdateEvent writes e when the stored version is the one before e.Version.
func (s *Store) UpdateEvent(ctx context.Context, e transfer.Event) error {
	r, err := newEventRow(e)
	if err != nil {
		return err
	}
	return s.updateVersioned(ctx, &eventRow{}, r.ID, r.Version, map[string]any{
		"name": r.Name, "venue": r.Venue, "city": r.City, "time_zone": r.TimeZone, "starts_on": r.StartsOn, "ends_on": r.EndsOn,
		"status": r.Status, "registration_opens_at": r.RegistrationOpensAt, "registration_closes_at": r.RegistrationClosesAt,
		"sessions": r.Sessions, "version": r.Version, "updated_at": r.UpdatedAt,
	})
}

type registrationRow struct {
	ID            string `gorm:"primaryKey"`
	EventID       string
	InstitutionID string
	Delegates     string
	ListingIDs    string
	Unavailable   string
	MaxMeetings   int
	Status        string
	CreatedBy     string
	Version       int
	CreatedAt     timestamp
	UpdatedAt     timestamp
}

func (registrationRow) TableName() string { return "event_registrations" }

type delegateJSON struct {
	Name      string   `json:"name"`
	Role      string   `json:"role,omitempty"`
	Languages []string `json:"languages"`
}

func newRegistrationRow(r transfer.Registration) (registrationRow, error) {
	ds := make([]delegateJSON, len(r.Delegates))
	for i, d := range r.Delegates {
		ds[i] = delegateJSON(d)
	}
	un := make([]timestamp, len(r.Unavailable))
	for i, t := range r.Unavailable {
		un[i] = ts(t)
	}
	ids := r.ListingIDs
	if ids == nil {
		ids = []string{}
	}
	db, err1 := json.Marshal(ds)
	lb, err2 := json.Marshal(ids)
	ub, err3 := json.Marshal(un)
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			return registrationRow{}, err
		}
	}
	return registrationRow{ID: r.ID, EventID: r.EventID, InstitutionID: r.InstitutionID, Delegates: string(db),
		ListingIDs: string(lb), Unavailable: string(ub), MaxMeetings: r.MaxMeetings, Status: r.Status, CreatedBy: r.CreatedBy,
		Version: r.Version, CreatedAt: ts(r.CreatedAt), UpdatedAt: ts(r.UpdatedAt)}, nil
}

func (row registrationRow) domain() (transfer.Registration, error) {
	r := transfer.Registration{ID: row.ID, EventID: row.EventID, InstitutionID: row.InstitutionID, MaxMeetings: row.MaxMeetings,
		Status: row.Status, CreatedBy: row.CreatedBy, Version: row.Version, CreatedAt: row.CreatedAt.Time(), UpdatedAt: row.UpdatedAt.Time()}
	var ds []delegateJSON
	var un []timestamp
	if err := json.Unmarshal([]byte(row.Delegates), &ds); err != nil {
		return r, fmt.Errorf("registration %s delegates: %w", row.ID, err)
	}
	if err := json.Unmarshal([]byte(row.ListingIDs), &r.ListingIDs); err != nil {
		return r, fmt.Errorf("registration %s listings: %w", row.ID, err)
	}
	if err := json.Unmarshal([]byte(row.Unavailable), &un); err != nil {
		return r, fmt.Errorf("registration %s unavailable: %w", row.ID, err)
	}
	for _, d := range ds {
		r.Delegates = append(r.Delegates, transfer.Delegate(d))
	}
	for _, t := range un {
		r.Unavailable = append(r.Unavailable, t.Time())
	}
	if len(r.ListingIDs) == 0 {
		r.ListingIDs = nil
	}
	return r, nil
}

// CreateRegistration inserts a registration; one per institution and event.
func (s *Store) CreateRegistration(ctx context.Context, r transfer.Registration) error {
	row, err := newRegistrationRow(r)
	if err != nil {
		return err
	}
	return TranslateError(s.db.WithContext(ctx).Create(&row).Error)
}

// RegistrationByID finds a registration.
func (s *Store) RegistrationByID(ctx context.Context, id string) (transfer.Registration, error) {
	var row registrationRow
	if err := s.db.WithContext(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return transfer.Registration{}, TranslateError(err)
	}
	return row.domain()
}

// Registrations returns an event's registrations in id order.
func (s *Store) Registrations(ctx context.Context, eventID string) ([]transfer.Registration, error) {
	var rows []registrationRow
	if err := s.db.WithContext(ctx).Where("event_id = ?", eventID).Order("id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err)
	}
	out := make([]transfer.Registration, len(rows))
	for i, r := range rows {
		var err error
		if out[i], err = r.domain(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UpdateRegistration writes r when the stored version is the one before r.Version.
func (s *Store) UpdateRegistration(ctx context.Context, r transfer.Registration) error {
	row, err := newRegistrationRow(r)
	if err != nil {
		return err
	}
	return s.updateVersioned(ctx, &registrationRow{}, row.ID, row.Version, map[string]any{
		"delegates": row.Delegates, "listing_ids": row.ListingIDs, "unavailable": row.Unavailable,
		"max_meetings": row.MaxMeetings, "status": row.Status, "version": row.Version, "updated_at": row.UpdatedAt,
	})
}

type requestRow struct {
	ID                 string `gorm:"primaryKey"`
	EventID            string
	FromRegistrationID string
	ToRegistrationID   string
	OfferID            string
	DemandID           string
	Note               string
	Status             string
	ResponseNote       string
	CreatedBy          string
	Version            int
	CreatedAt          timestamp
	UpdatedAt          timestamp
}

func (requestRow) TableName() string { return "event_requests" }

func newRequestRow(r transfer.MeetingRequest) requestRow {
	return requestRow{ID: r.ID, EventID: r.EventID, FromRegistrationID: r.FromRegistrationID, ToRegistrationID: r.ToRegistrationID,
		OfferID: r.OfferID, DemandID: r.DemandID, Note: r.Note, Status: r.Status, ResponseNote: r.ResponseNote,
		CreatedBy: r.CreatedBy, Version: r.Version, CreatedAt: ts(r.CreatedAt), UpdatedAt: ts(r.UpdatedAt)}
}

func (r requestRow) domain() transfer.MeetingRequest {
	return transfer.MeetingRequest{ID: r.ID, EventID: r.EventID, FromRegistrationID: r.FromRegistrationID,
		ToRegistrationID: r.ToRegistrationID, OfferID: r.OfferID, DemandID: r.DemandID, Note: r.Note, Status: r.Status,
		ResponseNote: r.ResponseNote, CreatedBy: r.CreatedBy, Version: r.Version, CreatedAt: r.CreatedAt.Time(),
		UpdatedAt: r.UpdatedAt.Time()}
}

// CreateMeetingRequest inserts a request; one per asker, asked and event.
func (s *Store) CreateMeetingRequest(ctx context.Context, r transfer.MeetingRequest) error {
	row := newRequestRow(r)
	return TranslateError(s.db.WithContext(ctx).Create(&row).Error)
}

// MeetingRequestByID finds a request.
func (s *Store) MeetingRequestByID(ctx context.Context, id string) (transfer.MeetingRequest, error) {
	var row requestRow
	if err := s.db.WithContext(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return transfer.MeetingRequest{}, TranslateError(err)
	}
	return row.domain(), nil
}

// MeetingRequests returns an event's requests in id order.
func (s *Store) MeetingRequests(ctx context.Context, eventID string) ([]transfer.MeetingRequest, error) {
	var rows []requestRow
	if err := s.db.WithContext(ctx).Where("event_id = ?", eventID).Order("id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err)
	}
	out := make([]transfer.MeetingRequest, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// UpdateMeetingRequest writes r when the stored version is the one before r.Version.
func (s *Store) UpdateMeetingRequest(ctx context.Context, r transfer.MeetingRequest) error {
	row := newRequestRow(r)
	return s.updateVersioned(ctx, &requestRow{}, row.ID, row.Version, map[string]any{
		"status": row.Status, "response_note": row.ResponseNote, "version": row.Version, "updated_at": row.UpdatedAt,
	})
}

type meetingRow struct {
	ID              string `gorm:"primaryKey"`
	EventID         string
	SessionID       string
	Slot            int
	StartsAt        timestamp
	EndsAt          timestamp
	TableNo         int
	ARegistrationID string `gorm:"column:a_registration_id"`
	BRegistrationID string `gorm:"column:b_registration_id"`
	AInstitutionID  string `gorm:"column:a_institution_id"`
	BInstitutionID  string `gorm:"column:b_institution_id"`
	RequestID       string
	OfferID         string
	DemandID        string
	Kind            string
	Score           float64
	Interpreter     string
	Pinned          bool
	Status          string
	Sequence        int
	OutcomeA        string `gorm:"column:outcome_a"`
	NoteA           string `gorm:"column:note_a"`
	OutcomeB        string `gorm:"column:outcome_b"`
	NoteB           string `gorm:"column:note_b"`
	NoShowA         bool   `gorm:"column:no_show_a"`
	NoShowB         bool   `gorm:"column:no_show_b"`
	MatchID         string
	Version         int
	CreatedAt       timestamp
	UpdatedAt       timestamp
}

func (meetingRow) TableName() string { return "event_meetings" }

func newMeetingRow(m transfer.Meeting) meetingRow {
	return meetingRow{ID: m.ID, EventID: m.EventID, SessionID: m.SessionID, Slot: m.Slot, StartsAt: ts(m.StartsAt),
		EndsAt: ts(m.EndsAt), TableNo: m.Table, ARegistrationID: m.ARegistrationID, BRegistrationID: m.BRegistrationID,
		AInstitutionID: m.AInstitutionID, BInstitutionID: m.BInstitutionID, RequestID: m.RequestID, OfferID: m.OfferID,
		DemandID: m.DemandID, Kind: m.Kind, Score: m.Score, Interpreter: m.Interpreter, Pinned: m.Pinned, Status: m.Status,
		Sequence: m.Sequence, OutcomeA: m.OutcomeA, NoteA: m.NoteA, OutcomeB: m.OutcomeB, NoteB: m.NoteB, NoShowA: m.NoShowA,
		NoShowB: m.NoShowB, MatchID: m.MatchID, Version: m.Version, CreatedAt: ts(m.CreatedAt), UpdatedAt: ts(m.UpdatedAt)}
}

func (r meetingRow) domain() transfer.Meeting {
	return transfer.Meeting{ID: r.ID, EventID: r.EventID, SessionID: r.SessionID, Slot: r.Slot, StartsAt: r.StartsAt.Time(),
		EndsAt: r.EndsAt.Time(), Table: r.TableNo, ARegistrationID: r.ARegistrationID, BRegistrationID: r.BRegistrationID,
		AInstitutionID: r.AInstitutionID, BInstitutionID: r.BInstitutionID, RequestID: r.RequestID, OfferID: r.OfferID,
		DemandID: r.DemandID, Kind: r.Kind, Score: r.Score, Interpreter: r.Interpreter, Pinned: r.Pinned, Status: r.Status,
		Sequence: r.Sequence, OutcomeA: r.OutcomeA, NoteA: r.NoteA, OutcomeB: r.OutcomeB, NoteB: r.NoteB, NoShowA: r.NoShowA,
		NoShowB: r.NoShowB, MatchID: r.MatchID, Version: r.Version, CreatedAt: r.CreatedAt.Time(), UpdatedAt: r.UpdatedAt.Time()}
}

type bookingRow struct {
	SessionID string
	Slot      int
	Who       string
	MeetingID string
}

func (bookingRow) TableName() string { return "event_bookings" }

// book writes the three places an active meeting holds: its table and its
// two delegations in its slot. The primary key refuses a second holder.
func (s *Store) book(ctx context.Context, m transfer.Meeting) error {
	if !m.Active() {
		return nil
	}
	rows := []bookingRow{
		{SessionID: m.SessionID, Slot: m.Slot, Who: "table:" + strconv.Itoa(m.Table), MeetingID: m.ID},
		{SessionID: m.SessionID, Slot: m.Slot, Who: m.ARegistrationID, MeetingID: m.ID},
		{SessionID: m.SessionID, Slot: m.Slot, Who: m.BRegistrationID, MeetingID: m.ID},
	}
	return TranslateError(s.db.WithContext(ctx).Create(&rows).Error)
}

// CreateMeeting inserts a meeting and books its places.
func (s *Store) CreateMeeting(ctx context.Context, m transfer.Meeting) error {
	row := newMeetingRow(m)
	if err := TranslateError(s.db.WithContext(ctx).Create(&row).Error); err != nil {
		return err
	}
	return s.book(ctx, m)
}

// CreateMeetings inserts meetings and books their places in multi-row
// batches: a schedule run writes thousands.
func (s *Store) CreateMeetings(ctx context.Context, ms []transfer.Meeting) error {
	if len(ms) == 0 {
		return nil
	}
	rows := make([]meetingRow, len(ms))
	var books []bookingRow
	for i, m := range ms {
		rows[i] = newMeetingRow(m)
		if m.Active() {
			books = append(books,
				bookingRow{SessionID: m.SessionID, Slot: m.Slot, Who: "table:" + strconv.Itoa(m.Table), MeetingID: m.ID},
				bookingRow{SessionID: m.SessionID, Slot: m.Slot, Who: m.ARegistrationID, MeetingID: m.ID},
				bookingRow{SessionID: m.SessionID, Slot: m.Slot, Who: m.BRegistrationID, MeetingID: m.ID})
		}
	}
	db := s.db.WithContext(ctx)
	if err := TranslateError(db.CreateInBatches(&rows, 500).Error); err != nil {
		return err
	}
	if len(books) == 0 {
		return nil
	}
	return TranslateError(db.CreateInBatches(&books, 1000).Error)
}

// MeetingByID finds a meeting.
func (s *Store) MeetingByID(ctx context.Context, id string) (transfer.Meeting, error) {
	var row meetingRow
	if err := s.db.WithContext(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return transfer.Meeting{}, TranslateError(err)
	}
	return row.domain(), nil
}

// Meetings returns an event's meetings, cancelled ones included.
func (s *Store) Meetings(ctx context.Context, eventID string) ([]transfer.Meeting, error) {
	var rows []meetingRow
	if err := s.db.WithContext(ctx).Where("event_id = ?", eventID).Order("starts_at, table_no, id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err)
	}
	out := make([]transfer.Meeting, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// UpdateMeeting writes m when the stored version is the one before
// m.Version, and books its places again.
func (s *Store) UpdateMeeting(ctx context.Context, m transfer.Meeting) error {
	r := newMeetingRow(m)
	err := s.updateVersioned(ctx, &meetingRow{}, r.ID, r.Version, map[string]any{
		"session_id": r.SessionID, "slot": r.Slot, "starts_at": r.StartsAt, "ends_at": r.EndsAt, "table_no": r.TableNo,
		"interpreter": r.Interpreter, "pinned": r.Pinned, "status": r.Status, "sequence": r.Sequence, "outcome_a": r.OutcomeA,
		"note_a": r.NoteA, "outcome_b": r.OutcomeB, "note_b": r.NoteB, "no_show_a": r.NoShowA, "no_show_b": r.NoShowB,
		"match_id": r.MatchID, "version": r.Version, "updated_at": r.UpdatedAt,
	})
	if err != nil {
		return err
	}
	if err := s.ReleaseBookings(ctx, m.ID); err != nil {
		return err
	}
	return s.book(ctx, m)
}

// ReleaseBookings frees the places a meeting holds.
func (s *Store) ReleaseBookings(ctx context.Context, meetingID string) error {
	return TranslateError(s.db.WithContext(ctx).Where("meeting_id = ?", meetingID).Delete(&bookingRow{}).Error)
}

// MatchByPair finds the match record of a demand–offer pair.
func (s *Store) MatchByPair(ctx context.Context, demandID, offerID string) (transfer.Match, error) {
	var row matchRow
	if err := s.db.WithContext(ctx).Take(&row, "demand_id = ? AND offer_id = ?", demandID, offerID).Error; err != nil {
		return transfer.Match{}, TranslateError(err)
	}
	return row.domain()
}

// AgreementsOfEvent returns the agreements that name the event (without
// their parties: the event statistics count by sector and status).
func (s *Store) AgreementsOfEvent(ctx context.Context, eventID string) ([]transfer.Agreement, error) {
	var rows []agreementRow
	if err := s.db.WithContext(ctx).Where("event_id = ?", eventID).Order("id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err)
	}
	out := make([]transfer.Agreement, len(rows))
	for i, r := range rows {
		out[i] = r.domain(nil)
	}
	return out, nil
}

package httpapi

import (
	"encoding/csv"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

type sessionBody struct {
	ID           string         `json:"id,omitempty"` // kept on PATCH to keep the session's meetings (an existing session of this event, once; 422 otherwise); new sessions get one, never sent on creation
	Title        string         `json:"title,omitempty" example:"New energy matchmaking"`
	Sector       string         `json:"sector" example:"new_energy"`
	StartsAt     time.Time      `json:"starts_at" example:"2026-09-18T01:00:00Z"`
	EndsAt       time.Time      `json:"ends_at" example:"2026-09-18T04:00:00Z"`
	SlotMinutes  int            `json:"slot_minutes" example:"20" minimum:"5" maximum:"240"`
	BreakMinutes int            `json:"break_minutes" example:"5" minimum:"0" maximum:"240"`
	Tables       int            `json:"tables" example:"40" minimum:"1" maximum:"1000"`
	Interpreters map[string]int `json:"interpreters,omitempty"` // seats per language tag, e.g. {"zh": 4, "vi": 2}
}

type slotResponse struct {
	Index    int       `json:"index"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
}

type sessionResponse struct {
	sessionBody
	Slots []slotResponse `json:"slots"`
}

func (b sessionBody) domain() transfer.Session {
	return transfer.Session{ID: b.ID, Title: b.Title, Sector: b.Sector, StartsAt: b.StartsAt, EndsAt: b.EndsAt,
		SlotMinutes: b.SlotMinutes, BreakMinutes: b.BreakMinutes, Tables: b.Tables, Interpreters: b.Interpreters}
}

func sessionsOf(bs []sessionBody) []transfer.Session {
	out := make([]transfer.Session, len(bs))
	for i, b := range bs {
		out[i] = b.domain()
	}
	return out
}

type eventRequest struct {
	Name                 string        `json:"name" example:"China-ASEAN Technology Transfer Matchmaking, Nanning" maxLength:"200"`
	Venue                string        `json:"venue,omitempty" example:"Nanning International Convention and Exhibition Center"`
	City                 string        `json:"city,omitempty" example:"Nanning"`
	TimeZone             string        `json:"time_zone" example:"Asia/Shanghai"`
	StartsOn             string        `json:"starts_on" format:"date" example:"2026-09-18"`
	EndsOn               string        `json:"ends_on" format:"date" example:"2026-09-19"`
	Status               string        `json:"status,omitempty" enums:"draft,open" default:"draft"`
	RegistrationOpensAt  *time.Time    `json:"registration_opens_at,omitempty"`
	RegistrationClosesAt *time.Time    `json:"registration_closes_at,omitempty"`
	Sessions             []sessionBody `json:"sessions,omitempty"`
}

func (r eventRequest) domain() transfer.Event {
	return transfer.Event{Name: r.Name, Venue: r.Venue, City: r.City, TimeZone: r.TimeZone, StartsOn: r.StartsOn, EndsOn: r.EndsOn,
		Status: transfer.EventStatus(r.Status), RegistrationOpens: r.RegistrationOpensAt, RegistrationCloses: r.RegistrationClosesAt,
		Sessions: sessionsOf(r.Sessions)}
}

type eventPatch struct {
	Name                 *string             `json:"name,omitempty"`
	Venue                *string             `json:"venue,omitempty"`
	City                 *string             `json:"city,omitempty"`
	TimeZone             *string             `json:"time_zone,omitempty"`
	StartsOn             *string             `json:"starts_on,omitempty" format:"date"`
	EndsOn               *string             `json:"ends_on,omitempty" format:"date"`
	Status               *string             `json:"status,omitempty" enums:"draft,open,agenda_published,finished,cancelled"`
	RegistrationOpensAt  nullable[time.Time] `json:"registration_opens_at" binding:"optional" swaggertype:"string" format:"date-time" extensions:"x-nullable"`
	RegistrationClosesAt nullable[time.Time] `json:"registration_closes_at" binding:"optional" swaggertype:"string" format:"date-time" extensions:"x-nullable"`
	Sessions             *[]sessionBody      `json:"sessions,omitempty"`
}

func (r eventPatch) domain() transfer.EventPatch {
	p := transfer.EventPatch{Name: r.Name, Venue: r.Venue, City: r.City, TimeZone: r.TimeZone, StartsOn: r.StartsOn, EndsOn: r.EndsOn,
		RegistrationOpens: r.RegistrationOpensAt.domain(), RegistrationCloses: r.RegistrationClosesAt.domain()}
	if r.Status != nil {
		st := transfer.EventStatus(*r.Status)
		p.Status = &st
	}
	if r.Sessions != nil {
		ss := sessionsOf(*r.Sessions)
		p.Sessions = &ss
	}
	return p
}

type eventResponse struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	Venue                string            `json:"venue,omitempty"`
	City                 string            `json:"city,omitempty"`
	TimeZone             string            `json:"time_zone"`
	StartsOn             string            `json:"starts_on" format:"date"`
	EndsOn               string            `json:"ends_on" format:"date"`
	Status               string            `json:"status" enums:"draft,open,agenda_published,finished,cancelled"`
	RegistrationOpensAt  *time.Time        `json:"registration_opens_at,omitempty"`
	RegistrationClosesAt *time.Time        `json:"registration_closes_at,omitempty"`
	Sessions             []sessionResponse `json:"sessions"`
	Version              int               `json:"version"`
	CreatedAt            time.Time         `json:"created_at"`
	UpdatedAt            time.Time         `json:"updated_at"`
}

func newEventResponse(e transfer.Event) eventResponse {
	ss := make([]sessionResponse, len(e.Sessions))
	for i, s := range e.Sessions {
		slots := []slotResponse{}
		for _, sl := range s.Slots() {
			slots = append(slots, slotResponse{Index: sl.Index, StartsAt: sl.Start, EndsAt: sl.End})
		}
		ss[i] = sessionResponse{sessionBody: sessionBody{ID: s.ID, Title: s.Title, Sector: s.Sector, StartsAt: s.StartsAt,
			EndsAt: s.EndsAt, SlotMinutes: s.SlotMinutes, BreakMinutes: s.BreakMinutes, Tables: s.Tables,
			Interpreters: s.Interpreters}, Slots: slots}
	}
	return eventResponse{ID: e.ID, Name: e.Name, Venue: e.Venue, City: e.City, TimeZone: e.TimeZone, StartsOn: e.StartsOn,
		EndsOn: e.EndsOn, Status: string(e.Status), RegistrationOpensAt: e.RegistrationOpens,
		RegistrationClosesAt: e.RegistrationCloses, Sessions: ss, Version: e.Version, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

type eventList = listResponse[eventResponse]

// createEvent godoc
//
//	@Summary		Create a matchmaking event
//	@Description	Staff only. An event has an IANA time zone, dates (in that zone), an optional registration window and sessions: a sector, start and end, slot length and breaks, tables, and interpreter seats per language. It starts as draft (or open). Sessions must lie within the event's dates.
//	@ID			createEvent
//	@Tags			events
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string			false	"makes a retry return the first response"
//	@Param			body			body		eventRequest	true	"the event"
//	@Success		201				{object}	eventResponse
//	@Header			201				{string}	Location	"URL of the event"
//	@Header			201				{string}	ETag		"version"
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/events [post]
func (s *Server) createEvent(c echo.Context) error {
	var req eventRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := s.events.CreateEvent(c.Request().Context(), actorOf(c), req.domain())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/events/"+e.ID)
	return writeVersioned(c, http.StatusCreated, e.Version, newEventResponse(e))
}

// listEvents godoc
//
//	@Summary		List events
//	@Description	Staff see every event; everyone else the events past draft.
//	@ID			listEvents
//	@Tags			events
//	@Produce		json
//	@Param			status	query		string	false	"status"	Enums(draft,open,agenda_published,finished,cancelled)
//	@Param			sort	query		string	false	"created_at or starts_on; '-' prefix for descending"	default(created_at)
//	@Param			limit	query		int		false	"page size (max 100)"									default(20)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	eventList
//	@Failure		400		{object}	problem
//	@Failure		401		{object}	problem
//	@Failure		422		{object}	problem
//	@Security		BearerAuth
//	@Router			/events [get]
func (s *Server) listEvents(c echo.Context) error {
	q := newQuery(c)
	p, err := s.events.ListEvents(c.Request().Context(), actorOf(c), transfer.EventFilter{Status: transfer.EventStatus(q.string("status"))}, q.page())
	if err := q.merge(err); err != nil {
		return err
	}
	return writeList(c, p, newEventResponse)
}

// getEvent godoc
//
//	@Summary		Get an event
//	@Description	With its sessions and their slots. A draft answers like a missing event to anyone but staff.
//	@ID			getEvent
//	@Tags			events
//	@Produce		json
//	@Param			id	path		string	true	"event id"
//	@Success		200	{object}	eventResponse
//	@Header			200	{string}	ETag	"version"
//	@Failure		401	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id} [get]
func (s *Server) getEvent(c echo.Context) error {
	e, err := s.events.Event(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, e.Version, newEventResponse(e))
}

// updateEvent godoc
//
//	@Summary		Change an event
//	@Description	Staff only; If-Match honoured (412 when stale). status moves draft → open → agenda_published → finished, or to cancelled from any but finished (which cancels its meetings); another move is 409. Sessions may change only so that every active meeting keeps its slot, table and interpreter seat (409 otherwise): send a session's id to keep it (422 for an id that is not a session of this event, or sent twice); sessions without an id are new and get one from the server.
//	@ID			updateEvent
//	@Tags			events
//	@Accept			json
//	@Produce		json
//	@Param			id			path		string		true	"event id"
//	@Param			If-Match	header		string		false	"ETag of the version you changed"
//	@Param			body		body		eventPatch	true	"fields to change"
//	@Success		200			{object}	eventResponse
//	@Failure		400			{object}	problem
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Failure		409			{object}	problem
//	@Failure		412			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id} [patch]
func (s *Server) updateEvent(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req eventPatch
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := s.events.UpdateEvent(c.Request().Context(), actorOf(c), c.Param("id"), version, req.domain())
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, e.Version, newEventResponse(e))
}

type delegateBody struct {
	Name      string   `json:"name" example:"Nguyen Thi Lan"`
	Role      string   `json:"role,omitempty" example:"Head of R&D"`
	Languages []string `json:"languages" example:"vi,en"`
}

type registrationRequest struct {
	InstitutionID string         `json:"institution_id,omitempty"` // staff name it; partners register their own
	Delegates     []delegateBody `json:"delegates" minItems:"1"`
	ListingIDs    []string       `json:"listing_ids,omitempty"`  // published listings of the institution
	Unavailable   []time.Time    `json:"unavailable,omitempty"`  // starts of slots the delegation cannot attend
	MaxMeetings   int            `json:"max_meetings,omitempty"` // 0: no cap
}

type registrationResponse struct {
	ID            string         `json:"id"`
	EventID       string         `json:"event_id"`
	InstitutionID string         `json:"institution_id"`
	Delegates     []delegateBody `json:"delegates"`
	ListingIDs    []string       `json:"listing_ids"`
	Unavailable   []time.Time    `json:"unavailable,omitempty"`
	MaxMeetings   int            `json:"max_meetings,omitempty"`
	Status        string         `json:"status" enums:"registered,withdrawn"`
	Version       int            `json:"version"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
}

func newRegistrationResponse(r transfer.Registration) registrationResponse {
	ds := make([]delegateBody, len(r.Delegates))
	for i, d := range r.Delegates {
		ds[i] = delegateBody(d)
	}
	ids := r.ListingIDs
	if ids == nil {
		ids = []string{}
	}
	return registrationResponse{ID: r.ID, EventID: r.EventID, InstitutionID: r.InstitutionID, Delegates: ds, ListingIDs: ids,
		Unavailable: r.Unavailable, MaxMeetings: r.MaxMeetings, Status: r.Status, Version: r.Version, CreatedAt: r.CreatedAt,
		UpdatedAt: r.UpdatedAt}
}

type registrationList = listResponse[registrationResponse]

// register godoc
//
//	@Summary		Register a delegation
//	@Description	Staff for any institution (also late, until the event is finished); partners for their own while the event is open and inside its registration window (409 otherwise). Listings brought must be the institution's own and published. Unavailable slots are given by their start. One registration per institution (409).
//	@ID			createRegistration
//	@Tags			events
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string				true	"event id"
//	@Param			Idempotency-Key	header		string				false	"makes a retry return the first response"
//	@Param			body			body		registrationRequest	true	"the delegation"
//	@Success		201				{object}	registrationResponse
//	@Header			201				{string}	Location	"URL of the registration"
//	@Header			201				{string}	ETag		"version"
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/registrations [post]
func (s *Server) register(c echo.Context) error {
	var req registrationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ds := make([]transfer.Delegate, len(req.Delegates))
	for i, d := range req.Delegates {
		ds[i] = transfer.Delegate(d)
	}
	r, err := s.events.Register(c.Request().Context(), actorOf(c), c.Param("id"), transfer.Registration{InstitutionID: req.InstitutionID,
		Delegates: ds, ListingIDs: req.ListingIDs, Unavailable: req.Unavailable, MaxMeetings: req.MaxMeetings})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/events/"+r.EventID+"/registrations/"+r.ID)
	return writeVersioned(c, http.StatusCreated, r.Version, newRegistrationResponse(r))
}

// listRegistrations godoc
//
//	@Summary		List an event's delegations
//	@Description	Staff and partners (analysts: 403, delegates are people). A partner sees of other delegations only the listings it may see (published and public) and not their availability or caps.
//	@ID			listRegistrations
//	@Tags			events
//	@Produce		json
//	@Param			id		path		string	true	"event id"
//	@Param			limit	query		int		false	"page size (max 100)"	default(20)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	registrationList
//	@Failure		400		{object}	problem
//	@Failure		401		{object}	problem
//	@Failure		403		{object}	problem
//	@Failure		404		{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/registrations [get]
func (s *Server) listRegistrations(c echo.Context) error {
	q := newQuery(c)
	p, err := s.events.Registrations(c.Request().Context(), actorOf(c), c.Param("id"), q.page())
	if err := q.merge(err); err != nil {
		return err
	}
	return writeList(c, p, newRegistrationResponse)
}

// getRegistration godoc
//
//	@Summary		Get one delegation of an event
//	@Description	As the list shows it: staff and partners (analysts: 403); a partner sees of other delegations only the listings it may see and not their availability or caps. The Location of a new registration points here.
//	@ID			getRegistration
//	@Tags			events
//	@Produce		json
//	@Param			id				path		string	true	"event id"
//	@Param			registration_id	path		string	true	"registration id"
//	@Success		200				{object}	registrationResponse
//	@Header			200				{string}	ETag	"the registration's version"
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/registrations/{registration_id} [get]
func (s *Server) getRegistration(c echo.Context) error {
	r, err := s.events.Registration(c.Request().Context(), actorOf(c), c.Param("id"), c.Param("registration_id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, r.Version, newRegistrationResponse(r))
}

// getMeetingRequest godoc
//
//	@Summary		Get one meeting request
//	@Description	Staff see every request; partners those their delegation made or was asked (others: 404); analysts 403. The Location of a new request points here.
//	@ID			getMeetingRequest
//	@Tags			events
//	@Produce		json
//	@Param			id			path		string	true	"event id"
//	@Param			request_id	path		string	true	"request id"
//	@Success		200			{object}	meetingRequestResponse
//	@Header			200			{string}	ETag	"the request's version"
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/requests/{request_id} [get]
func (s *Server) getMeetingRequest(c echo.Context) error {
	r, err := s.events.MeetingRequest(c.Request().Context(), actorOf(c), c.Param("id"), c.Param("request_id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, r.Version, newMeetingRequestResponse(r))
}

type registrationPatch struct {
	Delegates   *[]delegateBody `json:"delegates,omitempty"`
	ListingIDs  *[]string       `json:"listing_ids,omitempty"`
	Unavailable *[]time.Time    `json:"unavailable,omitempty"`
	MaxMeetings *int            `json:"max_meetings,omitempty"`
}

// updateRegistration godoc
//
//	@Summary		Change a delegation
//	@Description	Staff or the delegation's own partners, until the event is finished; If-Match honoured. The same rules as at registration. A slot newly marked unavailable that holds one of the delegation's meetings is 409: move or cancel the meeting first.
//	@ID			updateRegistration
//	@Tags			events
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string				true	"event id"
//	@Param			registration_id	path		string				true	"registration id"
//	@Param			If-Match		header		string				false	"ETag of the version you changed"
//	@Param			body			body		registrationPatch	true	"fields to change"
//	@Success		200				{object}	registrationResponse
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem
//	@Failure		412				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/registrations/{registration_id} [patch]
func (s *Server) updateRegistration(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req registrationPatch
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	p := transfer.RegistrationPatch{ListingIDs: req.ListingIDs, Unavailable: req.Unavailable, MaxMeetings: req.MaxMeetings}
	if req.Delegates != nil {
		ds := make([]transfer.Delegate, len(*req.Delegates))
		for i, d := range *req.Delegates {
			ds[i] = transfer.Delegate(d)
		}
		p.Delegates = &ds
	}
	r, err := s.events.UpdateRegistration(c.Request().Context(), actorOf(c), c.Param("id"), c.Param("registration_id"), version, p)
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, r.Version, newRegistrationResponse(r))
}

// withdrawRegistration godoc
//
//	@Summary		Withdraw a delegation
//	@Description	Staff or the delegation's own partners. Its scheduled meetings still to come are cancelled (meeting.cancelled to both sides), which frees their slots and tables; held meetings and meetings with an outcome stay.
//	@ID			withdrawRegistration
//	@Tags			events
//	@Produce		json
//	@Param			id				path		string	true	"event id"
//	@Param			registration_id	path		string	true	"registration id"
//	@Param			Idempotency-Key	header		string	false	"makes a retry return the first response"
//	@Success		200				{object}	registrationResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/registrations/{registration_id}/withdraw [post]
func (s *Server) withdrawRegistration(c echo.Context) error {
	r, err := s.events.WithdrawRegistration(c.Request().Context(), actorOf(c), c.Param("id"), c.Param("registration_id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, r.Version, newRegistrationResponse(r))
}

type meetingRequestBody struct {
	FromRegistrationID string `json:"from_registration_id,omitempty"` // staff asking on a delegation's behalf; partners: their own
	ToRegistrationID   string `json:"to_registration_id"`
	OfferID            string `json:"offer_id,omitempty"`  // an offer–demand pair of the two delegations, optional
	DemandID           string `json:"demand_id,omitempty"` // given with offer_id
	Note               string `json:"note,omitempty" maxLength:"1000"`
}

type meetingRequestResponse struct {
	ID                 string    `json:"id"`
	EventID            string    `json:"event_id"`
	FromRegistrationID string    `json:"from_registration_id"`
	ToRegistrationID   string    `json:"to_registration_id"`
	OfferID            string    `json:"offer_id,omitempty"`
	DemandID           string    `json:"demand_id,omitempty"`
	Note               string    `json:"note,omitempty"`
	Status             string    `json:"status" enums:"pending,accepted,declined"`
	ResponseNote       string    `json:"response_note,omitempty"`
	Version            int       `json:"version"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

func newMeetingRequestResponse(r transfer.MeetingRequest) meetingRequestResponse {
	return meetingRequestResponse{ID: r.ID, EventID: r.EventID, FromRegistrationID: r.FromRegistrationID,
		ToRegistrationID: r.ToRegistrationID, OfferID: r.OfferID, DemandID: r.DemandID, Note: r.Note, Status: r.Status,
		ResponseNote: r.ResponseNote, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

type meetingRequestList = listResponse[meetingRequestResponse]

type answerBody struct {
	Note string `json:"note,omitempty" maxLength:"1000"`
}

// requestMeeting godoc
//
//	@Summary		Ask a delegation for a meeting
//	@Description	A partner asks from its own delegation; staff may ask on any delegation's behalf. Optionally cites an offer–demand pair brought by the two. One request per asker and asked (409).
//	@ID			createMeetingRequest
//	@Tags			events
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string				true	"event id"
//	@Param			Idempotency-Key	header		string				false	"makes a retry return the first response"
//	@Param			body			body		meetingRequestBody	true	"the request"
//	@Success		201				{object}	meetingRequestResponse
//	@Header			201				{string}	Location	"URL of the request"
//	@Header			201				{string}	ETag		"version"
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/requests [post]
func (s *Server) requestMeeting(c echo.Context) error {
	var req meetingRequestBody
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r, err := s.events.RequestMeeting(c.Request().Context(), actorOf(c), c.Param("id"), transfer.MeetingRequest{
		FromRegistrationID: req.FromRegistrationID, ToRegistrationID: req.ToRegistrationID, OfferID: req.OfferID,
		DemandID: req.DemandID, Note: req.Note})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/events/"+r.EventID+"/requests/"+r.ID)
	return writeVersioned(c, http.StatusCreated, r.Version, newMeetingRequestResponse(r))
}

// listMeetingRequests godoc
//
//	@Summary		List meeting requests
//	@Description	Staff see all of the event's requests; a partner those its delegation made or received.
//	@ID			listMeetingRequests
//	@Tags			events
//	@Produce		json
//	@Param			id		path		string	true	"event id"
//	@Param			limit	query		int		false	"page size (max 100)"	default(20)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	meetingRequestList
//	@Failure		400		{object}	problem
//	@Failure		401		{object}	problem
//	@Failure		403		{object}	problem
//	@Failure		404		{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/requests [get]
func (s *Server) listMeetingRequests(c echo.Context) error {
	q := newQuery(c)
	p, err := s.events.MeetingRequests(c.Request().Context(), actorOf(c), c.Param("id"), q.page())
	if err := q.merge(err); err != nil {
		return err
	}
	return writeList(c, p, newMeetingRequestResponse)
}

func (s *Server) answerRequest(c echo.Context, accept bool) error {
	var req answerBody
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	r, err := s.events.AnswerMeetingRequest(c.Request().Context(), actorOf(c), c.Param("id"), c.Param("request_id"), accept, req.Note)
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, r.Version, newMeetingRequestResponse(r))
}

// acceptMeetingRequest godoc
//
//	@Summary		Accept a meeting request
//	@Description	The asked delegation's partners, or staff. An optional note. An answer may be changed later.
//	@ID			acceptMeetingRequest
//	@Tags			events
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string		true	"event id"
//	@Param			request_id		path		string		true	"request id"
//	@Param			Idempotency-Key	header		string		false	"makes a retry return the first response"
//	@Param			body			body		answerBody	false	"a note"
//	@Success		200				{object}	meetingRequestResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/requests/{request_id}/accept [post]
func (s *Server) acceptMeetingRequest(c echo.Context) error { return s.answerRequest(c, true) }

// declineMeetingRequest godoc
//
//	@Summary		Decline a meeting request
//	@Description	The asked delegation's partners, or staff, with an optional note.
//	@ID			declineMeetingRequest
//	@Tags			events
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string		true	"event id"
//	@Param			request_id		path		string		true	"request id"
//	@Param			Idempotency-Key	header		string		false	"makes a retry return the first response"
//	@Param			body			body		answerBody	false	"a note"
//	@Success		200				{object}	meetingRequestResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/requests/{request_id}/decline [post]
func (s *Server) declineMeetingRequest(c echo.Context) error { return s.answerRequest(c, false) }

type scheduleBody struct {
	StartOver bool `json:"start_over,omitempty"` // drop the meetings of earlier runs (pinned ones stay)
}

type leftOutResponse struct {
	ARegistrationID string   `json:"a_registration_id"`
	BRegistrationID string   `json:"b_registration_id"`
	Kind            string   `json:"kind,omitempty" enums:"mutual_request,accepted_request,suggested,manual"`
	RequestIDs      []string `json:"request_ids,omitempty"`
	Reason          string   `json:"reason" example:"no_common_free_slot" enums:"declined,not_accepted,withdrawn,no_common_free_slot,max_meetings_reached,no_table_free,no_interpreter_free,same_institution,fixed_conflict,invalid"`
}

type scheduleResponse struct {
	Event     eventResponse     `json:"event"`
	Created   int               `json:"created"`
	Moved     int               `json:"moved"`
	Kept      int               `json:"kept"`
	Cancelled int               `json:"cancelled"`
	Objective float64           `json:"objective"`
	LeftOut   []leftOutResponse `json:"left_out"`
}

// scheduleEvent godoc
//
//	@Summary		Schedule the agenda
//	@Description	Staff only. Assigns meetings to slots and tables: mutual requests first, then one-sided accepted requests, then the matching engine's suggestions by score, under one meeting per delegation per slot, availability, maximum meetings, tables per slot, interpreter seats when two sides share no language, and never two delegations of one institution. Deterministic for the same input. Meetings already on the agenda stay where they are unless start_over (pinned ones always). Meetings held, marked no-show or with an outcome are never cancelled or moved; with start_over, meetings of earlier runs whose pair is no longer a candidate (request declined, listing confidential or withdrawn) are cancelled. Only pairs of live public listings are suggested. Every request left out says why (declined, not_accepted, withdrawn, no_common_free_slot, max_meetings_reached, no_table_free, no_interpreter_free, same_institution, fixed_conflict, invalid). Changes reach both sides as meeting.scheduled, meeting.changed and meeting.cancelled. An open event becomes agenda_published.
//	@ID			scheduleEvent
//	@Tags			events
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string			true	"event id"
//	@Param			Idempotency-Key	header		string			false	"makes a retry return the first response"
//	@Param			body			body		scheduleBody	false	"options"
//	@Success		200				{object}	scheduleResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/schedule [post]
func (s *Server) scheduleEvent(c echo.Context) error {
	var req scheduleBody
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	res, err := s.events.Schedule(c.Request().Context(), actorOf(c), c.Param("id"), transfer.ScheduleOptions{StartOver: req.StartOver})
	if err != nil {
		return err
	}
	out := scheduleResponse{Event: newEventResponse(res.Event), Created: res.Created, Moved: res.Moved, Kept: res.Kept,
		Cancelled: res.Cancelled, Objective: res.Objective, LeftOut: []leftOutResponse{}}
	for _, l := range res.LeftOut {
		out.LeftOut = append(out.LeftOut, leftOutResponse{ARegistrationID: l.ARegistrationID, BRegistrationID: l.BRegistrationID,
			Kind: l.Kind, RequestIDs: l.RequestIDs, Reason: l.Reason})
	}
	return c.JSON(http.StatusOK, out)
}

type outcomeResponse struct {
	Outcome string `json:"outcome,omitempty" enums:"no_interest,follow_up,negotiating,agreement_expected"`
	Note    string `json:"note,omitempty"`
	NoShow  bool   `json:"no_show,omitempty"`
}

type meetingResponse struct {
	ID              string          `json:"id"`
	EventID         string          `json:"event_id"`
	SessionID       string          `json:"session_id"`
	StartsAt        time.Time       `json:"starts_at"`
	EndsAt          time.Time       `json:"ends_at"`
	Table           int             `json:"table" example:"12"` // 1-based
	ARegistrationID string          `json:"a_registration_id"`
	BRegistrationID string          `json:"b_registration_id"`
	AInstitutionID  string          `json:"a_institution_id"`
	BInstitutionID  string          `json:"b_institution_id"`
	RequestID       string          `json:"request_id,omitempty"`
	OfferID         string          `json:"offer_id,omitempty"`
	DemandID        string          `json:"demand_id,omitempty"`
	Kind            string          `json:"kind" enums:"mutual_request,accepted_request,suggested,manual"`
	Score           float64         `json:"score"`
	Interpreter     string          `json:"interpreter,omitempty"`
	Pinned          bool            `json:"pinned"`
	Status          string          `json:"status" enums:"scheduled,held,no_show,cancelled"`
	Sequence        int             `json:"sequence"`
	OutcomeA        outcomeResponse `json:"outcome_a"`
	OutcomeB        outcomeResponse `json:"outcome_b"`
	MatchID         string          `json:"match_id,omitempty"`
	Version         int             `json:"version"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
}

func newMeetingResponse(m transfer.Meeting) meetingResponse {
	return meetingResponse{ID: m.ID, EventID: m.EventID, SessionID: m.SessionID, StartsAt: m.StartsAt, EndsAt: m.EndsAt,
		Table: m.Table + 1, ARegistrationID: m.ARegistrationID, BRegistrationID: m.BRegistrationID, AInstitutionID: m.AInstitutionID,
		BInstitutionID: m.BInstitutionID, RequestID: m.RequestID, OfferID: m.OfferID, DemandID: m.DemandID, Kind: m.Kind,
		Score: m.Score, Interpreter: m.Interpreter, Pinned: m.Pinned, Status: m.Status, Sequence: m.Sequence,
		OutcomeA: outcomeResponse{Outcome: m.OutcomeA, Note: m.NoteA, NoShow: m.NoShowA},
		OutcomeB: outcomeResponse{Outcome: m.OutcomeB, Note: m.NoteB, NoShow: m.NoShowB},
		MatchID:  m.MatchID, Version: m.Version, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

type meetingList struct {
	Items []meetingResponse `json:"items"`
	Total int64             `json:"total"`
}

// listMeetings godoc
//
//	@Summary		The agenda
//	@Description	Staff see every meeting, partners their own delegation's. table=N gives one table's agenda for the floor staff (staff only). format=csv (or Accept: text/csv) gives the organisers' sheet (staff only). The agenda is bounded by its slots × tables, so it comes whole, not in pages.
//	@ID			listMeetings
//	@Tags			events
//	@Produce		json
//	@Produce		text/csv
//	@Param			id					path		string	true	"event id"
//	@Param			registration_id		query		string	false	"one delegation's meetings"
//	@Param			table				query		int		false	"one table's meetings (1-based; staff)"
//	@Param			include_cancelled	query		bool	false	"also the cancelled meetings"
//	@Param			format				query		string	false	"json or csv"	Enums(json,csv)
//	@Success		200					{object}	meetingList
//	@Failure		401					{object}	problem
//	@Failure		403					{object}	problem
//	@Failure		404					{object}	problem
//	@Failure		406					{object}	problem
//	@Failure		422					{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/meetings [get]
func (s *Server) listMeetings(c echo.Context) error {
	q := newQuery(c)
	f := transfer.MeetingFilter{RegistrationID: q.string("registration_id")}
	if c.QueryParam("table") != "" {
		t := q.int("table")
		f.Table = &t
	}
	if b := q.bool("include_cancelled"); b != nil {
		f.IncludeCancelled = *b
	}
	if err := q.err(); err != nil {
		return err
	}
	asCSV, err := wantsCSV(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	if asCSV && !a.IsStaff() {
		return transfer.Errorf(transfer.ErrForbidden, "the organisers' sheet is for staff")
	}
	_, ms, err := s.events.Meetings(c.Request().Context(), a, c.Param("id"), f)
	if err != nil {
		return err
	}
	if asCSV {
		return writeMeetingsCSV(c, ms)
	}
	out := meetingList{Items: make([]meetingResponse, len(ms)), Total: int64(len(ms))}
	for i, m := range ms {
		out.Items[i] = newMeetingResponse(m)
	}
	return c.JSON(http.StatusOK, out)
}

func writeMeetingsCSV(c echo.Context, ms []transfer.Meeting) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="agenda.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	_ = w.Write([]string{"meeting_id", "session_id", "starts_at", "ends_at", "table", "a_registration_id", "a_institution_id",
		"b_registration_id", "b_institution_id", "kind", "score", "interpreter", "pinned", "status", "outcome_a", "outcome_b"})
	for _, m := range ms {
		_ = w.Write([]string{m.ID, m.SessionID, m.StartsAt.Format(time.RFC3339), m.EndsAt.Format(time.RFC3339),
			strconv.Itoa(m.Table + 1), m.ARegistrationID, m.AInstitutionID, m.BRegistrationID, m.BInstitutionID, m.Kind,
			strconv.FormatFloat(m.Score, 'f', 1, 64), safeCell(m.Interpreter), strconv.FormatBool(m.Pinned), m.Status,
			m.OutcomeA, m.OutcomeB})
	}
	w.Flush()
	return w.Error()
}

type pinBody struct {
	ARegistrationID string    `json:"a_registration_id"`
	BRegistrationID string    `json:"b_registration_id"`
	SessionID       string    `json:"session_id"`
	StartsAt        time.Time `json:"starts_at"`
	Table           int       `json:"table" example:"3"` // 1-based
}

// pinMeeting godoc
//
//	@Summary		Place a meeting by hand
//	@Description	Staff only. The meeting is pinned: schedule runs keep it, start_over too. A delegation or table already busy at that time, a slot a side marked unavailable, or a pair that already meets: 409.
//	@ID			createMeeting
//	@Tags			events
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string	true	"event id"
//	@Param			Idempotency-Key	header		string	false	"makes a retry return the first response"
//	@Param			body			body		pinBody	true	"the meeting"
//	@Success		201				{object}	meetingResponse
//	@Header			201				{string}	Location	"URL of the meeting"
//	@Header			201				{string}	ETag		"version"
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/meetings [post]
func (s *Server) pinMeeting(c echo.Context) error {
	var req pinBody
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	m, err := s.events.PinMeeting(c.Request().Context(), actorOf(c), c.Param("id"), req.ARegistrationID, req.BRegistrationID,
		transfer.MeetingPlace{SessionID: req.SessionID, StartsAt: req.StartsAt, Table: req.Table})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/events/"+m.EventID+"/meetings/"+m.ID)
	return writeVersioned(c, http.StatusCreated, m.Version, newMeetingResponse(m))
}

// getMeeting godoc
//
//	@Summary		Get a meeting
//	@Description	Staff and the meeting's two sides; to anyone else it is missing.
//	@ID			getMeeting
//	@Tags			events
//	@Produce		json
//	@Param			id			path		string	true	"event id"
//	@Param			meeting_id	path		string	true	"meeting id"
//	@Success		200			{object}	meetingResponse
//	@Failure		401			{object}	problem
//	@Failure		404			{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/meetings/{meeting_id} [get]
func (s *Server) getMeeting(c echo.Context) error {
	m, err := s.events.Meeting(c.Request().Context(), actorOf(c), c.Param("id"), c.Param("meeting_id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, m.Version, newMeetingResponse(m))
}

type meetingPatch struct {
	SessionID *string    `json:"session_id,omitempty"`
	StartsAt  *time.Time `json:"starts_at,omitempty"`
	Table     *int       `json:"table,omitempty"`
	Pinned    *bool      `json:"pinned,omitempty"`
	Status    *string    `json:"status,omitempty" enums:"cancelled"`
}

// changeMeeting godoc
//
//	@Summary		Move, pin or cancel a meeting
//	@Description	Staff only; If-Match honoured. A move (session_id, starts_at and table together) pins the meeting; onto a busy delegation or table it is 409. status=cancelled frees its places. Both sides hear of it (meeting.changed, meeting.cancelled) and the meeting's iCalendar SEQUENCE grows.
//	@ID			updateMeeting
//	@Tags			events
//	@Accept			json
//	@Produce		json
//	@Param			id			path		string			true	"event id"
//	@Param			meeting_id	path		string			true	"meeting id"
//	@Param			If-Match	header		string			false	"ETag of the version you changed"
//	@Param			body		body		meetingPatch	true	"what to change"
//	@Success		200			{object}	meetingResponse
//	@Failure		400			{object}	problem
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Failure		409			{object}	problem
//	@Failure		412			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/meetings/{meeting_id} [patch]
func (s *Server) changeMeeting(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req meetingPatch
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ch := transfer.MeetingChange{Pinned: req.Pinned}
	var p transfer.Problems
	if req.Status != nil {
		if *req.Status != transfer.MeetingCancelled {
			p.Add("status", "may only be set to cancelled")
		}
		ch.Cancel = true
	}
	if req.SessionID != nil || req.StartsAt != nil || req.Table != nil {
		if req.SessionID == nil || req.StartsAt == nil || req.Table == nil {
			p.Add("session_id", "a move gives session_id, starts_at and table together")
		} else {
			ch.Place = &transfer.MeetingPlace{SessionID: *req.SessionID, StartsAt: *req.StartsAt, Table: *req.Table}
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	m, err := s.events.ChangeMeeting(c.Request().Context(), actorOf(c), c.Param("id"), c.Param("meeting_id"), version, ch)
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, m.Version, newMeetingResponse(m))
}

type outcomeBody struct {
	RegistrationID string `json:"registration_id,omitempty"` // the side; a partner's own when empty (staff name it)
	Outcome        string `json:"outcome,omitempty" enums:"no_interest,follow_up,negotiating,agreement_expected"`
	Note           string `json:"note,omitempty" maxLength:"2000"`
	NoShow         bool   `json:"no_show,omitempty"` // staff: the side did not come
}

// recordOutcome godoc
//
//	@Summary		Record a meeting's outcome for one side
//	@Description	Each side records its own (staff for any side); staff mark no-shows (no_show: true). agreement_expected creates the match record of the meeting's offer–demand pair at negotiating, or advances an earlier one there; match_id then names it.
//	@ID			recordMeetingOutcome
//	@Tags			events
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string		true	"event id"
//	@Param			meeting_id		path		string		true	"meeting id"
//	@Param			Idempotency-Key	header		string		false	"makes a retry return the first response"
//	@Param			body			body		outcomeBody	true	"the outcome"
//	@Success		200				{object}	meetingResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/meetings/{meeting_id}/outcome [post]
func (s *Server) recordOutcome(c echo.Context) error {
	var req outcomeBody
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	m, err := s.events.RecordOutcome(c.Request().Context(), actorOf(c), c.Param("id"), c.Param("meeting_id"), transfer.Outcome{
		RegistrationID: req.RegistrationID, Outcome: req.Outcome, Note: req.Note, NoShow: req.NoShow})
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, m.Version, newMeetingResponse(m))
}

type agendaListing struct {
	ID    string `json:"id"`
	Kind  string `json:"kind" enums:"offer,demand"`
	Title string `json:"title"`
}

type agendaItem struct {
	meetingResponse
	SessionTitle    string          `json:"session_title,omitempty"`
	SessionSector   string          `json:"session_sector"`
	CounterpartID   string          `json:"counterpart_registration_id"`
	CounterpartName string          `json:"counterpart_name"`
	Delegates       []delegateBody  `json:"counterpart_delegates"`
	Listings        []agendaListing `json:"listings"`
}

type agendaResponse struct {
	EventID        string       `json:"event_id"`
	TimeZone       string       `json:"time_zone"`
	RegistrationID string       `json:"registration_id"`
	Items          []agendaItem `json:"items"`
}

// registrationAgenda godoc
//
//	@Summary		A delegation's agenda
//	@Description	Staff and the delegation's own partners. JSON, or iCalendar (RFC 5545) with format=ics or Accept: text/calendar: one VEVENT per meeting in the event's time zone (VTIMEZONE and TZID), the table, the counterpart and the listings concerned; a UID per meeting that never changes and a SEQUENCE that grows with every move, so that re-importing the file updates the calendar in place. Cancelled meetings stay in the file as STATUS:CANCELLED (in JSON too).
//	@ID			getRegistrationAgenda
//	@Tags			events
//	@Produce		json
//	@Produce		text/calendar
//	@Param			id				path		string	true	"event id"
//	@Param			registration_id	path		string	true	"registration id"
//	@Param			format			query		string	false	"json or ics"	Enums(json,ics)
//	@Success		200				{object}	agendaResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		406				{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/registrations/{registration_id}/agenda [get]
func (s *Server) registrationAgenda(c echo.Context) error {
	ics := false
	switch c.QueryParam("format") {
	case "ics":
		ics = true
	case "json", "":
		for _, part := range strings.Split(c.Request().Header.Get(echo.HeaderAccept), ",") {
			if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/calendar" && c.QueryParam("format") == "" {
				ics = true
			}
		}
	default:
		return &transfer.Error{Kind: errNotAcceptable, Message: "format must be json or ics",
			Fields: []transfer.FieldError{{Field: "format", Message: "must be json or ics"}}}
	}
	ag, err := s.events.Agenda(c.Request().Context(), actorOf(c), c.Param("id"), c.Param("registration_id"))
	if err != nil {
		return err
	}
	if ics {
		c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="agenda.ics"`)
		return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", ag.ICS(time.Now()))
	}
	out := agendaResponse{EventID: ag.Event.ID, TimeZone: ag.Event.TimeZone, RegistrationID: ag.Registration.ID, Items: []agendaItem{}}
	for _, it := range ag.Items {
		ds := make([]delegateBody, len(it.Counterpart.Delegates))
		for i, d := range it.Counterpart.Delegates {
			ds[i] = delegateBody(d)
		}
		ls := []agendaListing{}
		for _, l := range it.Listings {
			ls = append(ls, agendaListing{ID: l.ID, Kind: string(l.Kind), Title: l.Title})
		}
		out.Items = append(out.Items, agendaItem{meetingResponse: newMeetingResponse(it.Meeting), SessionTitle: it.Session.Title,
			SessionSector: it.Session.Sector, CounterpartID: it.Counterpart.ID, CounterpartName: it.CounterpartName,
			Delegates: ds, Listings: ls})
	}
	return c.JSON(http.StatusOK, out)
}

type eventCount struct {
	Key   string `json:"key"`
	Count int64  `json:"count"`
}

type sectorAgreements struct {
	Sector            string `json:"sector"`
	Signed            int64  `json:"signed"`
	Planned           int64  `json:"planned"`
	SignedSuppressed  bool   `json:"signed_suppressed,omitempty"`  // too few to show (the disclosure rule): signed is 0
	PlannedSuppressed bool   `json:"planned_suppressed,omitempty"` // too few to show: planned is 0
}

type eventStatsResponse struct {
	EventID                     string             `json:"event_id"`
	Registrations               int64              `json:"registrations"`
	RegistrationsByCountry      []eventCount       `json:"registrations_by_country"`
	RegistrationsByInstitution  []eventCount       `json:"registrations_by_institution_type"`
	MeetingsRequested           int64              `json:"meetings_requested"`
	RequestsAccepted            int64              `json:"requests_accepted"`
	RequestsDeclined            int64              `json:"requests_declined"`
	MeetingsScheduled           int64              `json:"meetings_scheduled"`
	MeetingsHeld                int64              `json:"meetings_held"`
	MeetingsNoShow              int64              `json:"meetings_no_show"`
	MeetingsCancelled           int64              `json:"meetings_cancelled"`
	Outcomes                    []eventCount       `json:"outcomes"`
	AgreementsBySector          []sectorAgreements `json:"agreements_by_sector"`
	AgreementsSigned            int64              `json:"agreements_signed"`
	AgreementsPlanned           int64              `json:"agreements_planned"`
	AgreementsSignedSuppressed  bool               `json:"agreements_signed_suppressed,omitempty"`  // the disclosure rule blanked agreements_signed (0)
	AgreementsPlannedSuppressed bool               `json:"agreements_planned_suppressed,omitempty"` // the disclosure rule blanked agreements_planned (0)
}

func eventCounts(cs []transfer.Count) []eventCount {
	out := make([]eventCount, len(cs))
	for i, c := range cs {
		out[i] = eventCount{Key: c.Keys[0], Count: c.Count}
	}
	return out
}

// eventStats godoc
//
//	@Summary		Event statistics
//	@Description	Staff and analysts. Registrations by country and institution type; meetings requested, scheduled, held, no-show; outcomes; agreements naming the event, signed (signed, in execution, completed) or planned ("to be signed"), by sector. Disclosure rule as in /stats/agreements: for callers who are not staff, confidential agreements do not count, and sector groups (then the total) of fewer than k agreements (TECHBRIDGE_STATS_MIN_GROUP, default 3) are blanked: count 0 with *_suppressed true (in CSV, an empty value). format=csv (or Accept: text/csv) gives one row per figure: section, key, value.
//	@ID			getEventStats
//	@Tags			events
//	@Produce		json
//	@Produce		text/csv
//	@Param			id		path		string	true	"event id"
//	@Param			format	query		string	false	"json or csv"	Enums(json,csv)
//	@Success		200		{object}	eventStatsResponse
//	@Failure		401		{object}	problem
//	@Failure		403		{object}	problem
//	@Failure		404		{object}	problem
//	@Failure		406		{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/stats [get]
func (s *Server) eventStats(c echo.Context) error {
	asCSV, err := wantsCSV(c)
	if err != nil {
		return err
	}
	st, err := s.events.EventStats(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	out := eventStatsResponse{EventID: st.EventID, Registrations: st.Registrations, RegistrationsByCountry: eventCounts(st.ByCountry),
		RegistrationsByInstitution: eventCounts(st.ByInstitutionType), MeetingsRequested: st.Requested, RequestsAccepted: st.Accepted,
		RequestsDeclined: st.Declined, MeetingsScheduled: st.Scheduled, MeetingsHeld: st.Held, MeetingsNoShow: st.NoShow,
		MeetingsCancelled: st.Cancelled, Outcomes: eventCounts(st.Outcomes), AgreementsBySector: []sectorAgreements{},
		AgreementsSigned: st.AgreementsSigned, AgreementsPlanned: st.AgreementsPlanned,
		AgreementsSignedSuppressed: st.SignedSuppressed, AgreementsPlannedSuppressed: st.PlannedSuppressed}
	for _, a := range st.Agreements {
		out.AgreementsBySector = append(out.AgreementsBySector, sectorAgreements(a))
	}
	if !asCSV {
		return c.JSON(http.StatusOK, out)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="event-statistics.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	row := func(section, key string, v int64) {
		_ = w.Write([]string{section, safeCell(key), strconv.FormatInt(v, 10)})
	}
	hidden := func(section, key string, v int64, suppressed bool) {
		if suppressed {
			_ = w.Write([]string{section, safeCell(key), ""})
		} else {
			row(section, key, v)
		}
	}
	_ = w.Write([]string{"section", "key", "value"})
	row("registrations", "total", out.Registrations)
	for _, r := range out.RegistrationsByCountry {
		row("registrations_by_country", r.Key, r.Count)
	}
	for _, r := range out.RegistrationsByInstitution {
		row("registrations_by_institution_type", r.Key, r.Count)
	}
	row("meetings", "requested", out.MeetingsRequested)
	row("meetings", "scheduled", out.MeetingsScheduled)
	row("meetings", "held", out.MeetingsHeld)
	row("meetings", "no_show", out.MeetingsNoShow)
	row("meetings", "cancelled", out.MeetingsCancelled)
	for _, r := range out.Outcomes {
		row("outcomes", r.Key, r.Count)
	}
	for _, a := range out.AgreementsBySector {
		hidden("agreements_signed", a.Sector, a.Signed, a.SignedSuppressed)
		hidden("agreements_planned", a.Sector, a.Planned, a.PlannedSuppressed)
	}
	hidden("agreements_signed", "total", out.AgreementsSigned, out.AgreementsSignedSuppressed)
	hidden("agreements_planned", "total", out.AgreementsPlanned, out.AgreementsPlannedSuppressed)
	w.Flush()
	return w.Error()
}

type meetingSuggestionResponse struct {
	RegistrationID string  `json:"registration_id"` // the delegation to meet
	InstitutionID  string  `json:"institution_id"`
	Score          float64 `json:"score" example:"78.4"`
	OfferID        string  `json:"offer_id"`
	DemandID       string  `json:"demand_id"`
}

type meetingSuggestionList struct {
	Items []meetingSuggestionResponse `json:"items"`
}

// meetingSuggestions godoc
//
//	@Summary		Suggested meetings for a delegation
//	@Description	Staff and the delegation's own partners. The delegations whose listings the matching engine finds fit the delegation's own best (score ≥ 40), best first, each with its best offer–demand pair. Only pairs of listings the caller may see are shown. These suggestions are the third tier of the schedule's objective.
//	@ID			listMeetingSuggestions
//	@Tags			events
//	@Produce		json
//	@Param			id				path		string	true	"event id"
//	@Param			registration_id	path		string	true	"registration id"
//	@Success		200				{object}	meetingSuggestionList
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Security		BearerAuth
//	@Router			/events/{id}/registrations/{registration_id}/suggestions [get]
func (s *Server) meetingSuggestions(c echo.Context) error {
	ss, err := s.events.Suggestions(c.Request().Context(), actorOf(c), c.Param("id"), c.Param("registration_id"))
	if err != nil {
		return err
	}
	out := meetingSuggestionList{Items: make([]meetingSuggestionResponse, len(ss))}
	for i, x := range ss {
		out.Items[i] = meetingSuggestionResponse(x)
	}
	return c.JSON(http.StatusOK, out)
}

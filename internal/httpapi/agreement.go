package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

type partyBody struct {
	InstitutionID string `json:"institution_id"`
	Role          string `json:"role" enums:"provider,recipient,partner"`
}

type partyResponse struct {
	partyBody
	Country         string `json:"country" example:"CN"`
	InstitutionType string `json:"institution_type" example:"university"`
}

type agreementRequest struct {
	Title        string      `json:"title" example:"Licence of LFP storage cabinets to Con Dao Power" maxLength:"300"`
	Type         string      `json:"type" enums:"development,transfer,licensing,consulting,service,joint_lab,other"`
	Status       string      `json:"status,omitempty" enums:"planned,signed,in_execution,completed,terminated" default:"planned"`
	Sector       string      `json:"sector" example:"new_energy"`
	Subsector    string      `json:"subsector,omitempty" example:"energy_storage"`
	Parties      []partyBody `json:"parties" minItems:"2"`
	MatchID      string      `json:"match_id,omitempty"`
	OfferID      string      `json:"offer_id,omitempty"`
	DemandID     string      `json:"demand_id,omitempty"`
	EventName    string      `json:"event_name,omitempty" example:"China-ASEAN Technology Transfer Matchmaking, Nanning"`
	EventID      string      `json:"event_id,omitempty"`         // the matchmaking event it came from
	EventSession string      `json:"event_session_id,omitempty"` // and its session
	ValueAmount  *int64      `json:"value_amount,omitempty" example:"1500000"`
	Currency     string      `json:"currency,omitempty" example:"CNY"`
	SignedOn     string      `json:"signed_on,omitempty" format:"date" example:"2026-09-18"`
	Confidential bool        `json:"confidential,omitempty"`
}

func parties(ps []partyBody) []transfer.Party {
	out := make([]transfer.Party, len(ps))
	for i, p := range ps {
		out[i] = transfer.Party{InstitutionID: p.InstitutionID, Role: p.Role}
	}
	return out
}

func (r agreementRequest) domain() transfer.Agreement {
	return transfer.Agreement{Title: r.Title, Type: r.Type, Status: r.Status, Sector: r.Sector, Subsector: r.Subsector,
		Parties: parties(r.Parties), MatchID: r.MatchID, OfferID: r.OfferID, DemandID: r.DemandID, EventName: r.EventName,
		EventID: r.EventID, EventSessionID: r.EventSession,
		ValueAmount: r.ValueAmount, Currency: r.Currency, SignedOn: r.SignedOn, Confidential: r.Confidential}
}

type agreementPatch struct {
	Title             *string         `json:"title,omitempty"`
	Type              *string         `json:"type,omitempty"`
	Status            *string         `json:"status,omitempty" enums:"planned,signed,in_execution,completed,terminated"`
	Sector            *string         `json:"sector,omitempty"`
	Subsector         *string         `json:"subsector,omitempty"`
	Parties           *[]partyBody    `json:"parties,omitempty"`
	EventName         *string         `json:"event_name,omitempty"`
	ValueAmount       nullable[int64] `json:"value_amount" binding:"optional" swaggertype:"integer" extensions:"x-nullable"`
	Currency          *string         `json:"currency,omitempty"`
	SignedOn          *string         `json:"signed_on,omitempty" format:"date"`
	TerminationReason *string         `json:"termination_reason,omitempty"`
	Confidential      *bool           `json:"confidential,omitempty"`
	Confirmed         *bool           `json:"confirmed,omitempty"` // staff confirm a partner's proposal
}

func (r agreementPatch) domain() transfer.AgreementPatch {
	p := transfer.AgreementPatch{Title: r.Title, Type: r.Type, Status: r.Status, Sector: r.Sector, Subsector: r.Subsector,
		EventName: r.EventName, ValueAmount: r.ValueAmount.domain(), Currency: r.Currency, SignedOn: r.SignedOn,
		TerminationReason: r.TerminationReason, Confidential: r.Confidential, Confirmed: r.Confirmed}
	if r.Parties != nil {
		ps := parties(*r.Parties)
		p.Parties = &ps
	}
	return p
}

type agreementResponse struct {
	ID                string          `json:"id"`
	Title             string          `json:"title"`
	Type              string          `json:"type"`
	Status            string          `json:"status"`
	Sector            string          `json:"sector"`
	Subsector         string          `json:"subsector,omitempty"`
	Parties           []partyResponse `json:"parties"`
	MatchID           string          `json:"match_id,omitempty"`
	OfferID           string          `json:"offer_id,omitempty"`
	DemandID          string          `json:"demand_id,omitempty"`
	EventName         string          `json:"event_name,omitempty"`
	EventID           string          `json:"event_id,omitempty"`
	EventSessionID    string          `json:"event_session_id,omitempty"`
	ValueAmount       *int64          `json:"value_amount,omitempty"`
	Currency          string          `json:"currency,omitempty"`
	SignedOn          string          `json:"signed_on,omitempty" format:"date"`
	Confidential      bool            `json:"confidential"`
	Confirmed         bool            `json:"confirmed"`
	TerminationReason string          `json:"termination_reason,omitempty"`
	Version           int             `json:"version"`
	CreatedAt         time.Time       `json:"created_at"`
	UpdatedAt         time.Time       `json:"updated_at"`
}

func newAgreementResponse(g transfer.Agreement) agreementResponse {
	ps := make([]partyResponse, len(g.Parties))
	for i, p := range g.Parties {
		ps[i] = partyResponse{partyBody: partyBody{InstitutionID: p.InstitutionID, Role: p.Role}, Country: p.Country,
			InstitutionType: p.InstitutionType}
	}
	return agreementResponse{ID: g.ID, Title: g.Title, Type: g.Type, Status: g.Status, Sector: g.Sector, Subsector: g.Subsector,
		Parties: ps, MatchID: g.MatchID, OfferID: g.OfferID, DemandID: g.DemandID, EventName: g.EventName,
		EventID: g.EventID, EventSessionID: g.EventSessionID,
		ValueAmount: g.ValueAmount, Currency: g.Currency, SignedOn: g.SignedOn, Confidential: g.Confidential,
		Confirmed: g.Confirmed, TerminationReason: g.TerminationReason, Version: g.Version, CreatedAt: g.CreatedAt,
		UpdatedAt: g.UpdatedAt}
}

type agreementList = listResponse[agreementResponse]

// createAgreement godoc
//
//	@Summary		Record an agreement
//	@Description	Staff record agreements; a partner may propose one its institution is party to (confirmed: false until staff confirm it with PATCH). At least two distinct parties; value_amount and currency together or neither; signed_on once signed, never while planned, between 1950-01-01 and a year from today. offer_id and demand_id must name a listing of that kind that the caller may see, past draft and not rejected, of one of the parties (a hidden id answers exactly like a missing one). A match gets one agreement. With match_id the match moves to agreed in the same transaction. Agreements are never deleted.
//	@ID			createAgreement
//	@Tags			agreements
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string				false	"makes a retry return the first response"
//	@Param			body			body		agreementRequest	true	"the agreement"
//	@Success		201				{object}	agreementResponse
//	@Header			201				{string}	Location	"URL of the agreement"
//	@Header			201				{string}	ETag		"version"
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		409				{object}	problem	"the match is declined or closed, or already has an agreement"
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/agreements [post]
func (s *Server) createAgreement(c echo.Context) error {
	var req agreementRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	g, err := s.agreements.CreateAgreement(c.Request().Context(), actorOf(c), req.domain())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/agreements/"+g.ID)
	return writeVersioned(c, http.StatusCreated, g.Version, newAgreementResponse(g))
}

// listAgreements godoc
//
//	@Summary		List agreements
//	@Description	Staff see every agreement; partners their own plus others' confirmed, non-confidential ones; analysts the confirmed, non-confidential ones.
//	@ID			listAgreements
//	@Tags			agreements
//	@Produce		json
//	@Param			status			query		string	false	"status"	Enums(planned,signed,in_execution,completed,terminated)
//	@Param			type			query		string	false	"type"		Enums(development,transfer,licensing,consulting,service,joint_lab,other)
//	@Param			sector			query		string	false	"sector"
//	@Param			country			query		string	false	"a party's country"
//	@Param			institution_id	query		string	false	"a party"
//	@Param			signed_from		query		string	false	"signed on or after (YYYY-MM-DD)"
//	@Param			signed_to		query		string	false	"signed on or before (YYYY-MM-DD)"
//	@Param			match_id		query		string	false	"recorded from this match"
//	@Param			sort			query		string	false	"created_at, updated_at or signed_on; '-' prefix for descending"	default(created_at)
//	@Param			limit			query		int		false	"page size (max 100)"												default(20)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Success		200				{object}	agreementList
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/agreements [get]
func (s *Server) listAgreements(c echo.Context) error {
	q := newQuery(c)
	f := transfer.AgreementFilter{Status: q.string("status"), Type: q.string("type"), Sector: q.string("sector"),
		Country: q.string("country"), InstitutionID: q.string("institution_id"), MatchID: q.string("match_id"),
		SignedFrom: q.string("signed_from"), SignedTo: q.string("signed_to")}
	p, err := s.agreements.ListAgreements(c.Request().Context(), actorOf(c), f, q.page())
	if err := q.merge(err); err != nil {
		return err
	}
	return writeList(c, p, newAgreementResponse)
}

// getAgreement godoc
//
//	@Summary		Get an agreement
//	@Description	A confidential agreement answers like a missing one to anyone but staff and its parties.
//	@ID			getAgreement
//	@Tags			agreements
//	@Produce		json
//	@Param			id	path		string	true	"agreement id"
//	@Success		200	{object}	agreementResponse
//	@Header			200	{string}	ETag	"version"
//	@Failure		401	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/agreements/{id} [get]
func (s *Server) getAgreement(c echo.Context) error {
	g, err := s.agreements.Agreement(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, g.Version, newAgreementResponse(g))
}

// updateAgreement godoc
//
//	@Summary		Change an agreement
//	@Description	Staff only, and If-Match is required (428 without it, 412 when stale). Status moves only forward (planned → signed → in_execution → completed); any status may become terminated, with a termination_reason. Mistakes are corrected here; there is no DELETE.
//	@ID			updateAgreement
//	@Tags			agreements
//	@Accept			json
//	@Produce		json
//	@Param			id			path		string			true	"agreement id"
//	@Param			If-Match	header		string			true	"ETag of the version you changed"
//	@Param			body		body		agreementPatch	true	"fields to change"
//	@Success		200			{object}	agreementResponse
//	@Failure		400			{object}	problem
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Failure		412			{object}	problem
//	@Failure		422			{object}	problem
//	@Failure		428			{object}	problem
//	@Security		BearerAuth
//	@Router			/agreements/{id} [patch]
func (s *Server) updateAgreement(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req agreementPatch
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	g, err := s.agreements.UpdateAgreement(c.Request().Context(), actorOf(c), c.Param("id"), version, req.domain())
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, g.Version, newAgreementResponse(g))
}

// agreementHistory godoc
//
//	@Summary		An agreement's audit trail
//	@Description	Staff and the parties. Every change, written in the transaction of the change, oldest first.
//	@ID			listAgreementHistory
//	@Tags			agreements
//	@Produce		json
//	@Param			id	path		string	true	"agreement id"
//	@Success		200	{object}	historyResponse
//	@Failure		401	{object}	problem
//	@Failure		403	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/agreements/{id}/history [get]
func (s *Server) agreementHistory(c echo.Context) error {
	evs, err := s.agreements.AgreementHistory(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newHistory(evs))
}

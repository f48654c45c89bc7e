package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

// counterpartSummary is the other listing of a suggested match, in brief.
type counterpartSummary struct {
	ID            string    `json:"id"`
	InstitutionID string    `json:"institution_id"`
	Title         string    `json:"title"`
	Summary       string    `json:"summary"`
	Language      string    `json:"language" example:"zh"`
	Sector        string    `json:"sector"`
	Subsector     string    `json:"subsector,omitempty"`
	TRL           int       `json:"trl" example:"7"` // an offer's TRL, or a demand's minimum
	TransferModes []string  `json:"transfer_modes"`
	Visibility    string    `json:"visibility"`
	PublishedAt   time.Time `json:"published_at"`
	// Shown, when the caller asks for languages (lang or Accept-Language),
	// is the text to show first and its language.
	Shown *shownText `json:"shown,omitempty"`
}

func newCounterpart(l transfer.Listing) counterpartSummary {
	c := counterpartSummary{ID: l.ID, InstitutionID: l.InstitutionID, Title: l.Title, Summary: l.Summary, Language: l.Language,
		Sector: l.Sector, Subsector: l.Subsector, TRL: l.TRL, TransferModes: l.TransferModes, Visibility: l.Visibility}
	if l.PublishedAt != nil {
		c.PublishedAt = *l.PublishedAt
	}
	return c
}

// component is one part of a score: its value 0–1 and its weight.
type component struct {
	Score  float64 `json:"score" example:"0.8"`
	Weight float64 `json:"weight" example:"0.3"`
}

func components(cs map[string]transfer.ScorePart) map[string]component {
	out := make(map[string]component, len(cs))
	for k, c := range cs {
		out[k] = component(c)
	}
	return out
}

type suggestionResponse struct {
	OfferID    string               `json:"offer_id,omitempty"`
	DemandID   string               `json:"demand_id,omitempty"`
	Score      float64              `json:"score" example:"82.5"`
	Components map[string]component `json:"components"`
	Reasons    []string             `json:"reasons" example:"same subsector: energy storage,TRL 7 meets required 6"`
	Offer      *counterpartSummary  `json:"offer,omitempty"`
	Demand     *counterpartSummary  `json:"demand,omitempty"`
}

type suggestionList struct {
	AlgorithmVersion string               `json:"algorithm_version" example:"m2-440d7d81"`
	Items            []suggestionResponse `json:"items"`
}

func (s *Server) suggestMatches(c echo.Context, kind transfer.Kind) error {
	q := newQuery(c)
	mq := transfer.MatchQuery{Limit: q.limit(), MinScore: q.float("min_score"), Country: q.string("country"), Sector: q.string("sector")}
	want := wantedLanguages(c, q)
	got, err := s.matching.SuggestMatches(c.Request().Context(), actorOf(c), kind, c.Param("id"), mq)
	if err := q.merge(err); err != nil {
		return err
	}
	out := suggestionList{AlgorithmVersion: s.matching.MatchingVersion(), Items: make([]suggestionResponse, len(got))}
	for i, g := range got {
		r := suggestionResponse{Score: g.Score, Components: components(g.Components), Reasons: g.Reasons}
		cp := newCounterpart(g.Listing)
		cp.Shown = newShown(g.Listing, want)
		if kind == transfer.KindDemand {
			r.OfferID, r.Offer = g.Listing.ID, &cp
		} else {
			r.DemandID, r.Demand = g.Listing.ID, &cp
		}
		out.Items[i] = r
	}
	return c.JSON(http.StatusOK, out)
}

// demandMatches godoc
//
//	@Summary		Offers that match a demand
//	@Description	Ranks published, unexpired offers for the demand: score 0–100, its components (each a score 0–1 and its weight), reasons a person can read, and a summary of each offer. Works across languages through the concept lexicon. Staff may ask for any demand, a partner for its own institution's; a partner never sees another institution's confidential offer. Offers of the demand's own institution are never matched.
//	@ID			listDemandMatches
//	@Tags			matching
//	@Produce		json
//	@Param			id			path		string	true	"demand id"
//	@Param			limit		query		int		false	"how many (max 100)"	default(20)
//	@Param			min_score	query		number	false	"lowest score, 0–100"
//	@Param			country		query		string	false	"offering institution's country"
//	@Param			sector		query		string	false	"offer sector"
//	@Param			lang			query		string	false	"languages to show first, comma-separated (else Accept-Language); each item's shown says which was shown"
//	@Param			Accept-Language	header		string	false	"languages to show first when lang is absent"
//	@Success		200			{object}	suggestionList
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/demands/{id}/matches [get]
func (s *Server) demandMatches(c echo.Context) error { return s.suggestMatches(c, transfer.KindDemand) }

// offerMatches godoc
//
//	@Summary		Demands that match an offer
//	@Description	Ranks published, unexpired demands for the offer, as GET /demands/{id}/matches does the other way round.
//	@ID			listOfferMatches
//	@Tags			matching
//	@Produce		json
//	@Param			id			path		string	true	"offer id"
//	@Param			limit		query		int		false	"how many (max 100)"	default(20)
//	@Param			min_score	query		number	false	"lowest score, 0–100"
//	@Param			country		query		string	false	"requesting institution's country"
//	@Param			sector		query		string	false	"demand sector"
//	@Param			lang			query		string	false	"languages to show first, comma-separated (else Accept-Language); each item's shown says which was shown"
//	@Param			Accept-Language	header		string	false	"languages to show first when lang is absent"
//	@Success		200			{object}	suggestionList
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/offers/{id}/matches [get]
func (s *Server) offerMatches(c echo.Context) error { return s.suggestMatches(c, transfer.KindOffer) }

type interestResponse struct {
	Interested bool      `json:"interested"`
	Note       string    `json:"note,omitempty"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

func newInterest(in *transfer.Interest) *interestResponse {
	if in == nil {
		return nil
	}
	return &interestResponse{Interested: in.Interested, Note: in.Note, By: in.By, At: in.At}
}

type matchResponse struct {
	ID                  string               `json:"id"`
	DemandID            string               `json:"demand_id"`
	OfferID             string               `json:"offer_id"`
	DemandInstitutionID string               `json:"demand_institution_id"`
	OfferInstitutionID  string               `json:"offer_institution_id"`
	Sector              string               `json:"sector"`
	Score               float64              `json:"score"`
	Components          map[string]component `json:"components"`
	Reasons             []string             `json:"reasons"`
	AlgorithmVersion    string               `json:"algorithm_version"`
	Status              string               `json:"status" enums:"suggested,introduced,negotiating,agreed,declined,closed"`
	StatusReason        string               `json:"status_reason,omitempty"`
	DemandInterest      *interestResponse    `json:"demand_interest,omitempty"`
	OfferInterest       *interestResponse    `json:"offer_interest,omitempty"`
	Version             int                  `json:"version"`
	CreatedAt           time.Time            `json:"created_at"`
	UpdatedAt           time.Time            `json:"updated_at"`
}

func newMatchResponse(m transfer.Match) matchResponse {
	return matchResponse{ID: m.ID, DemandID: m.DemandID, OfferID: m.OfferID, DemandInstitutionID: m.DemandInstitutionID,
		OfferInstitutionID: m.OfferInstitutionID, Sector: m.Sector, Score: m.Score, Components: components(m.Components),
		Reasons: m.Reasons, AlgorithmVersion: m.AlgorithmVersion, Status: string(m.Status), StatusReason: m.StatusReason,
		DemandInterest: newInterest(m.DemandInterest), OfferInterest: newInterest(m.OfferInterest), Version: m.Version,
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

type createMatchRequest struct {
	DemandID string `json:"demand_id"`
	OfferID  string `json:"offer_id"`
}

type updateMatchRequest struct {
	Status string `json:"status" enums:"introduced,negotiating,agreed,declined,closed"`
	Reason string `json:"reason,omitempty"`
}

type interestRequest struct {
	Interested *bool  `json:"interested"`
	Note       string `json:"note,omitempty" maxLength:"2000"`
	Side       string `json:"side,omitempty" enums:"demand,offer"` // staff only: the side answered for
}

type matchList = listResponse[matchResponse]

// createMatch godoc
//
//	@Summary		Follow up a match
//	@Description	Records a demand–offer pair and freezes its score, components, reasons and algorithm version. Staff may pair any live listings; a partner pairs its own listing with one it can see, which records its interest. A pair is recorded once: a second create is 409.
//	@ID			createMatch
//	@Tags			matching
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string				false	"makes a retry return the first response"
//	@Param			body			body		createMatchRequest	true	"the pair"
//	@Success		201				{object}	matchResponse
//	@Header			201				{string}	Location	"URL of the match"
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		409				{object}	problem	"already matched"
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/matches [post]
func (s *Server) createMatch(c echo.Context) error {
	var req createMatchRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	m, err := s.matching.CreateMatch(c.Request().Context(), actorOf(c), req.DemandID, req.OfferID)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/matches/"+m.ID)
	return writeVersioned(c, http.StatusCreated, m.Version, newMatchResponse(m))
}

// listMatches godoc
//
//	@Summary		List matches
//	@Description	Staff see every match; a partner the matches its institution is a party to.
//	@ID			listMatches
//	@Tags			matching
//	@Produce		json
//	@Param			status			query		string	false	"status"	Enums(suggested,introduced,negotiating,agreed,declined,closed)
//	@Param			sector			query		string	false	"sector"
//	@Param			institution_id	query		string	false	"either party"
//	@Param			min_score		query		number	false	"lowest frozen score"
//	@Param			sort			query		string	false	"created_at, updated_at or score; '-' prefix for descending"	default(created_at)
//	@Param			limit			query		int		false	"page size (max 100)"										default(20)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Success		200				{object}	matchList
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/matches [get]
func (s *Server) listMatches(c echo.Context) error {
	q := newQuery(c)
	f := transfer.MatchFilter{Status: transfer.MatchStatus(q.string("status")), Sector: q.string("sector"),
		InstitutionID: q.string("institution_id"), MinScore: q.float("min_score")}
	p, err := s.matching.ListMatches(c.Request().Context(), actorOf(c), f, q.page())
	if err := q.merge(err); err != nil {
		return err
	}
	return writeList(c, p, newMatchResponse)
}

// getMatch godoc
//
//	@Summary	Get a match
//	@Description	One match: the demand-offer pair, its frozen score and components, status and each side's interest. Partners see the matches their institution is party to.
//	@ID			getMatch
//	@Tags		matching
//	@Produce	json
//	@Param		id	path		string	true	"match id"
//	@Success	200	{object}	matchResponse
//	@Header		200	{string}	ETag	"version"
//	@Failure	401	{object}	problem
//	@Failure	403	{object}	problem
//	@Failure	404	{object}	problem
//	@Security	BearerAuth
//	@Router		/matches/{id} [get]
func (s *Server) getMatch(c echo.Context) error {
	m, err := s.matching.Match(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, m.Version, newMatchResponse(m))
}

// updateMatch godoc
//
//	@Summary		Move a match along
//	@Description	Staff only: suggested → introduced → negotiating → agreed, or declined (with a reason) or closed from any open status. Other moves are 409. With If-Match, a stale version is 412.
//	@ID			updateMatch
//	@Tags			matching
//	@Accept			json
//	@Produce		json
//	@Param			id			path		string				true	"match id"
//	@Param			If-Match	header		string				false	"ETag of the version you saw"
//	@Param			body		body		updateMatchRequest	true	"the new status"
//	@Success		200			{object}	matchResponse
//	@Failure		400			{object}	problem
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Failure		409			{object}	problem
//	@Failure		412			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/matches/{id} [patch]
func (s *Server) updateMatch(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req updateMatchRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	m, err := s.matching.MoveMatch(c.Request().Context(), actorOf(c), c.Param("id"), version, transfer.MatchStatus(req.Status), req.Reason)
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, m.Version, newMatchResponse(m))
}

// matchInterest godoc
//
//	@Summary		Say yes or no to a match
//	@Description	A party records its side's interest with an optional note; staff answer for a side they name.
//	@ID			recordMatchInterest
//	@Tags			matching
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string			true	"match id"
//	@Param			Idempotency-Key	header		string			false	"makes a retry return the first response"
//	@Param			body			body		interestRequest	true	"the answer"
//	@Success		200				{object}	matchResponse
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem	"the match is closed"
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/matches/{id}/interest [post]
func (s *Server) matchInterest(c echo.Context) error {
	var req interestRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Interested == nil {
		return transfer.Problems{{Field: "interested", Message: "is required: true or false"}}.Err()
	}
	m, err := s.matching.RecordInterest(c.Request().Context(), actorOf(c), c.Param("id"), req.Side, *req.Interested, req.Note)
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, m.Version, newMatchResponse(m))
}

// matchHistory godoc
//
//	@Summary		A match's audit trail
//	@Description	Staff and the parties. Every change, oldest first.
//	@ID			listMatchHistory
//	@Tags			matching
//	@Produce		json
//	@Param			id	path		string	true	"match id"
//	@Success		200	{object}	historyResponse
//	@Failure		401	{object}	problem
//	@Failure		403	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/matches/{id}/history [get]
func (s *Server) matchHistory(c echo.Context) error {
	evs, err := s.matching.MatchHistory(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newHistory(evs))
}

package httpapi

import (
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

type demandRequest struct {
	InstitutionID string `json:"institution_id,omitempty"` // staff: required; partners: their own or empty
	listingFields
	MinTRL          int      `json:"min_trl,omitempty" minimum:"0" maximum:"9" example:"6"`
	SourceCountries []string `json:"source_countries,omitempty" example:"CN"`
	BudgetMin       *int64   `json:"budget_min,omitempty" example:"100000"`
	BudgetMax       *int64   `json:"budget_max,omitempty" example:"300000"`
	Deadline        *string  `json:"deadline,omitempty" format:"date-time"`
}

func (r demandRequest) input() transfer.ListingInput {
	var in transfer.ListingInput
	l := &in.Listing
	r.listingFields.domain(l)
	l.InstitutionID, l.TRL, l.Countries = r.InstitutionID, r.MinTRL, r.SourceCountries
	l.AmountMin, l.AmountMax = r.BudgetMin, r.BudgetMax
	l.EndsAt = parseTime(&in.Problems, "deadline", r.Deadline)
	return in
}

type demandPatch struct {
	listingPatchFields
	MinTRL          *int             `json:"min_trl,omitempty" minimum:"0" maximum:"9"`
	SourceCountries *[]string        `json:"source_countries,omitempty"`
	BudgetMin       nullable[int64]  `json:"budget_min" binding:"optional" swaggertype:"integer" extensions:"x-nullable"`
	BudgetMax       nullable[int64]  `json:"budget_max" binding:"optional" swaggertype:"integer" extensions:"x-nullable"`
	Deadline        nullable[string] `json:"deadline" binding:"optional" swaggertype:"string" format:"date-time" extensions:"x-nullable"`
}

func (r demandPatch) patch() transfer.ListingPatch {
	p := r.listingPatchFields.domain()
	p.TRL, p.Countries = r.MinTRL, r.SourceCountries
	p.AmountMin, p.AmountMax = r.BudgetMin.domain(), r.BudgetMax.domain()
	p.EndsAt = parseNullableTime(&p.Problems, "deadline", r.Deadline)
	return p
}

type demandResponse struct {
	listingMeta
	listingFields
	MinTRL          int        `json:"min_trl"`
	SourceCountries []string   `json:"source_countries"`
	BudgetMin       *int64     `json:"budget_min,omitempty"`
	BudgetMax       *int64     `json:"budget_max,omitempty"`
	Deadline        *time.Time `json:"deadline,omitempty"`
}

func newDemandResponse(l transfer.Listing) demandResponse {
	return demandResponse{listingMeta: newListingMeta(l), listingFields: newListingFields(l), MinTRL: l.TRL,
		SourceCountries: l.Countries, BudgetMin: l.AmountMin, BudgetMax: l.AmountMax, Deadline: l.EndsAt}
}

type demandList = listResponse[demandResponse]

// createDemand godoc
//
//	@Summary		Draft a demand
//	@Description	Partners draft demands (technologies they need) for their own institution (institution_id may be omitted; another institution's id is refused); staff name the institution. The demand starts as a draft; submit it for review. Send an Idempotency-Key to make retries safe.
//	@ID			createDemand
//	@Tags			demands
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string			false	"makes a retried create return the first response instead of creating again"
//	@Param			body			body		demandRequest	true	"the demand"
//	@Success		201				{object}	demandResponse
//	@Header			201				{string}	Location	"URL of the new demand"
//	@Header			201				{string}	ETag		"version"
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		409				{object}	problem	"the same Idempotency-Key is still being processed"
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/demands [post]
func (s *Server) createDemand(c echo.Context) error {
	return createListing[demandRequest](s, c, transfer.KindDemand)
}

// listDemands godoc
//
//	@Summary		List demands
//	@Description	Staff see every demand. Others see published, unexpired public demands, plus (partners) every demand of their own institution, whatever its status. With updated_since, a partner's integration gets every change to its own institution's listings since then, withdrawals and expiries included; others' listings appear only while published.
//	@ID			listDemands
//	@Tags			demands
//	@Produce		json
//	@Param			sector			query		string	false	"sector"
//	@Param			subsector		query		string	false	"subsector"
//	@Param			country			query		string	false	"country of the demanding institution (ISO 3166-1 alpha-2)"
//	@Param			institution_id	query		string	false	"demanding institution"
//	@Param			status			query		string	false	"status"	Enums(draft,pending_review,published,rejected,withdrawn,expired)
//	@Param			transfer_mode	query		string	false	"demands wanting this transfer mode"	Enums(licensing,assignment,joint_development,technical_service,equity_cooperation)
//	@Param			language		query		string	false	"language of the demand's text"
//	@Param			q				query		string	false	"words in title, summary or keywords, any first-class language (Han and Thai need no spaces; accents and case are ignored; the last word may be unfinished); every word must be present. Words too common to tell listings apart (technology, new, 系统…) are left out, so a query of only such words finds nothing; a Han or Thai run is found as written (锂电池 does not find 锂离子电池: put a space between words to ask for each)"
//	@Param			updated_since	query		string	false	"RFC 3339 time: demands changed at or after it"
//	@Param			sort			query		string	false	"created_at, updated_at, title, trl (min_trl) or relevance (with q only: listings with more of the words in their title first, then the newest); '-' prefix for descending; default relevance with q, else created_at"
//	@Param			limit			query		int		false	"page size (max 100)"												default(20)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			lang			query		string	false	"languages to show first, comma-separated (else Accept-Language); each item's shown says which was shown"
//	@Param			Accept-Language	header		string	false	"languages to show first when lang is absent"
//	@Success		200				{object}	demandList
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/demands [get]
func (s *Server) listDemands(c echo.Context) error { return s.listListings(c, transfer.KindDemand) }

// getDemand godoc
//
//	@Summary		Get a demand
//	@Description	A demand the caller may not see (another institution's draft or confidential demand) answers exactly like a missing one.
//	@ID			getDemand
//	@Tags			demands
//	@Produce		json
//	@Param			id	path		string	true	"demand id"
//	@Success		200	{object}	demandResponse
//	@Header			200	{string}	ETag	"version"
//	@Failure		401	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/demands/{id} [get]
func (s *Server) getDemand(c echo.Context) error { return s.getListing(c, transfer.KindDemand) }

// updateDemand godoc
//
//	@Summary		Change a demand
//	@Description	Owner or staff. Send only the fields to change; null clears budget_min, budget_max and deadline. With If-Match, a stale version answers 412. Withdrawn and expired demands cannot change (409).
//	@ID			updateDemand
//	@Tags			demands
//	@Accept			json
//	@Produce		json
//	@Param			id			path		string		true	"demand id"
//	@Param			If-Match	header		string		false	"ETag of the version you changed"
//	@Param			body		body		demandPatch	true	"fields to change"
//	@Success		200			{object}	demandResponse
//	@Failure		400			{object}	problem
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Failure		409			{object}	problem
//	@Failure		412			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/demands/{id} [patch]
func (s *Server) updateDemand(c echo.Context) error {
	return patchListing[demandPatch](s, c, transfer.KindDemand)
}

// submitDemand godoc
//
//	@Summary		Submit a demand for review
//	@Description	Owner or staff; from draft or rejected to pending_review.
//	@ID			submitDemand
//	@Tags			demands
//	@Produce		json
//	@Param			id				path		string	true	"demand id"
//	@Param			If-Match		header		string	false	"ETag of the version you saw"
//	@Param			Idempotency-Key	header		string	false	"makes a retry return the first response"
//	@Success		200				{object}	demandResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem	"not a draft or rejected demand"
//	@Failure		412				{object}	problem
//	@Security		BearerAuth
//	@Router			/demands/{id}/submit [post]
func (s *Server) submitDemand(c echo.Context) error {
	return s.moveListing(c, transfer.KindDemand, transfer.MoveSubmit)
}

// publishDemand godoc
//
//	@Summary		Publish a demand
//	@Description	Staff; from pending_review to published. Published, unexpired demands are matched and visible to every signed-in caller unless confidential.
//	@ID			publishDemand
//	@Tags			demands
//	@Produce		json
//	@Param			id				path		string	true	"demand id"
//	@Param			If-Match		header		string	false	"ETag of the version you reviewed"
//	@Param			Idempotency-Key	header		string	false	"makes a retry return the first response"
//	@Success		200				{object}	demandResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem	"not pending review"
//	@Failure		412				{object}	problem
//	@Failure		422				{object}	problem	"already past the deadline"
//	@Security		BearerAuth
//	@Router			/demands/{id}/publish [post]
func (s *Server) publishDemand(c echo.Context) error {
	return s.moveListing(c, transfer.KindDemand, transfer.MovePublish)
}

// rejectDemand godoc
//
//	@Summary		Reject a demand
//	@Description	Staff; from pending_review to rejected, with a reason the owner sees. The owner may fix the demand and submit it again.
//	@ID			rejectDemand
//	@Tags			demands
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string		true	"demand id"
//	@Param			If-Match		header		string		false	"ETag of the version you reviewed"
//	@Param			Idempotency-Key	header		string		false	"makes a retry return the first response"
//	@Param			body			body		moveRequest	true	"the reason"
//	@Success		200				{object}	demandResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem
//	@Failure		412				{object}	problem
//	@Failure		422				{object}	problem	"no reason"
//	@Security		BearerAuth
//	@Router			/demands/{id}/reject [post]
func (s *Server) rejectDemand(c echo.Context) error {
	return s.moveListing(c, transfer.KindDemand, transfer.MoveReject)
}

// withdrawDemand godoc
//
//	@Summary		Withdraw a demand
//	@Description	Owner or staff; from any open status to withdrawn, for good. The reason is optional.
//	@ID			withdrawDemand
//	@Tags			demands
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string		true	"demand id"
//	@Param			If-Match		header		string		false	"ETag of the version you saw"
//	@Param			Idempotency-Key	header		string		false	"makes a retry return the first response"
//	@Param			body			body		moveRequest	false	"an optional reason"
//	@Success		200				{object}	demandResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem
//	@Failure		412				{object}	problem
//	@Security		BearerAuth
//	@Router			/demands/{id}/withdraw [post]
func (s *Server) withdrawDemand(c echo.Context) error {
	return s.moveListing(c, transfer.KindDemand, transfer.MoveWithdraw)
}

// demandHistory godoc
//
//	@Summary		A demand's audit trail
//	@Description	Staff only. Every change, oldest first: who, when, and each changed field's old and new value.
//	@ID			listDemandHistory
//	@Tags			demands
//	@Produce		json
//	@Param			id	path		string	true	"demand id"
//	@Success		200	{object}	historyResponse
//	@Failure		401	{object}	problem
//	@Failure		403	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/demands/{id}/history [get]
func (s *Server) demandHistory(c echo.Context) error { return s.listingHistory(c, transfer.KindDemand) }

// importDemands godoc
//
//	@Summary		Import demands
//	@Description	Staff only. The body is a JSON array of demands (as for POST /demands, institution_id required) or a CSV file whose header row names the same fields; list cells (keywords, transfer_modes, source_countries) separate values with ';'. Every row is validated; the valid ones are created in one transaction, as drafts unless publish=true. With atomic=true nothing is created unless every row is valid (422 listing rows[N].field errors). At most 50,000 rows.
//	@ID			importDemands
//	@Tags			demands
//	@Accept			json
//	@Accept			text/csv
//	@Produce		json
//	@Param			atomic			query		bool			false	"all or nothing"
//	@Param			publish			query		bool			false	"create the rows as published"
//	@Param			Idempotency-Key	header		string			false	"makes a retried import return the first response"
//	@Param			body			body		[]demandRequest	true	"demands"
//	@Success		200				{object}	importResponse
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		413				{object}	problem
//	@Failure		415				{object}	problem
//	@Failure		422				{object}	problem
//	@Failure		503				{object}	problem	"too many imports at once; retry after Retry-After"
//	@Security		BearerAuth
//	@Router			/demands/import [post]
func (s *Server) importDemands(c echo.Context) error {
	return importListings[demandRequest](s, c, transfer.KindDemand)
}

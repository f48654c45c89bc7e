package httpapi

import (
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

type offerRequest struct {
	InstitutionID string `json:"institution_id,omitempty"` // staff: required; partners: their own or empty
	listingFields
	TRL             int      `json:"trl" minimum:"1" maximum:"9" example:"7"`
	IPStatus        string   `json:"ip_status" enums:"none,know_how,patent_pending,patent_granted"`
	TargetCountries []string `json:"target_countries,omitempty" example:"TH"`
	PriceMin        *int64   `json:"price_min,omitempty" example:"800000"`
	PriceMax        *int64   `json:"price_max,omitempty" example:"2000000"`
	ExpiresAt       *string  `json:"expires_at,omitempty" format:"date-time"`
}

func (r offerRequest) input() transfer.ListingInput {
	var in transfer.ListingInput
	l := &in.Listing
	r.listingFields.domain(l)
	l.InstitutionID, l.TRL, l.IPStatus, l.Countries = r.InstitutionID, r.TRL, r.IPStatus, r.TargetCountries
	l.AmountMin, l.AmountMax = r.PriceMin, r.PriceMax
	l.EndsAt = parseTime(&in.Problems, "expires_at", r.ExpiresAt)
	return in
}

type offerPatch struct {
	listingPatchFields
	TRL             *int             `json:"trl,omitempty" minimum:"1" maximum:"9"`
	IPStatus        *string          `json:"ip_status,omitempty" enums:"none,know_how,patent_pending,patent_granted"`
	TargetCountries *[]string        `json:"target_countries,omitempty"`
	PriceMin        nullable[int64]  `json:"price_min" binding:"optional" swaggertype:"integer" extensions:"x-nullable"`
	PriceMax        nullable[int64]  `json:"price_max" binding:"optional" swaggertype:"integer" extensions:"x-nullable"`
	ExpiresAt       nullable[string] `json:"expires_at" binding:"optional" swaggertype:"string" format:"date-time" extensions:"x-nullable"`
}

func (r offerPatch) patch() transfer.ListingPatch {
	p := r.listingPatchFields.domain()
	p.TRL, p.IPStatus, p.Countries = r.TRL, r.IPStatus, r.TargetCountries
	p.AmountMin, p.AmountMax = r.PriceMin.domain(), r.PriceMax.domain()
	p.EndsAt = parseNullableTime(&p.Problems, "expires_at", r.ExpiresAt)
	return p
}

type offerResponse struct {
	listingMeta
	listingFields
	TRL             int        `json:"trl"`
	IPStatus        string     `json:"ip_status"`
	TargetCountries []string   `json:"target_countries"`
	PriceMin        *int64     `json:"price_min,omitempty"`
	PriceMax        *int64     `json:"price_max,omitempty"`
	ExpiresAt       *time.Time `json:"expires_at,omitempty"`
}

func newOfferResponse(l transfer.Listing) offerResponse {
	return offerResponse{listingMeta: newListingMeta(l), listingFields: newListingFields(l), TRL: l.TRL,
		IPStatus: l.IPStatus, TargetCountries: l.Countries, PriceMin: l.AmountMin, PriceMax: l.AmountMax, ExpiresAt: l.EndsAt}
}

type offerList = listResponse[offerResponse]

// createOffer godoc
//
//	@Summary		Draft an offer
//	@Description	Partners draft offers for their own institution (institution_id may be omitted; another institution's id is refused); staff name the institution. The offer starts as a draft; submit it for review. Send an Idempotency-Key to make retries safe.
//	@ID			createOffer
//	@Tags			offers
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string			false	"makes a retried create return the first response instead of creating again"
//	@Param			body			body		offerRequest	true	"the offer"
//	@Success		201				{object}	offerResponse
//	@Header			201				{string}	Location	"URL of the new offer"
//	@Header			201				{string}	ETag		"version"
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		409				{object}	problem	"the same Idempotency-Key is still being processed"
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/offers [post]
func (s *Server) createOffer(c echo.Context) error {
	return createListing[offerRequest](s, c, transfer.KindOffer)
}

// listOffers godoc
//
//	@Summary		List offers
//	@Description	Staff see every offer. Others see published, unexpired public offers, plus (partners) every offer of their own institution, whatever its status. With updated_since, a partner's integration gets every change to its own institution's listings since then, withdrawals and expiries included; others' listings appear only while published.
//	@ID			listOffers
//	@Tags			offers
//	@Produce		json
//	@Param			sector			query		string	false	"sector"
//	@Param			subsector		query		string	false	"subsector"
//	@Param			country			query		string	false	"country of the offering institution (ISO 3166-1 alpha-2)"
//	@Param			institution_id	query		string	false	"offering institution"
//	@Param			status			query		string	false	"status"	Enums(draft,pending_review,published,rejected,withdrawn,expired)
//	@Param			trl_min			query		int		false	"lowest TRL"
//	@Param			trl_max			query		int		false	"highest TRL"
//	@Param			transfer_mode	query		string	false	"offers accepting this transfer mode"	Enums(licensing,assignment,joint_development,technical_service,equity_cooperation)
//	@Param			language		query		string	false	"language of the offer's text"
//	@Param			q				query		string	false	"words in title, summary or keywords, any first-class language (Han and Thai need no spaces; accents and case are ignored; the last word may be unfinished); every word must be present. Words too common to tell listings apart (technology, new, 系统…) are left out, so a query of only such words finds nothing; a Han or Thai run is found as written (锂电池 does not find 锂离子电池: put a space between words to ask for each)"
//	@Param			updated_since	query		string	false	"RFC 3339 time: offers changed at or after it"
//	@Param			sort			query		string	false	"created_at, updated_at, title, trl or relevance (with q only: listings with more of the words in their title first, then the newest); '-' prefix for descending; default relevance with q, else created_at"
//	@Param			limit			query		int		false	"page size (max 100)"												default(20)
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			lang			query		string	false	"languages to show first, comma-separated (else Accept-Language); each item's shown says which was shown"
//	@Param			Accept-Language	header		string	false	"languages to show first when lang is absent"
//	@Success		200				{object}	offerList
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/offers [get]
func (s *Server) listOffers(c echo.Context) error { return s.listListings(c, transfer.KindOffer) }

// getOffer godoc
//
//	@Summary		Get an offer
//	@Description	An offer the caller may not see (another institution's draft or confidential offer) answers exactly like a missing one.
//	@ID			getOffer
//	@Tags			offers
//	@Produce		json
//	@Param			id	path		string	true	"offer id"
//	@Success		200	{object}	offerResponse
//	@Header			200	{string}	ETag	"version"
//	@Failure		401	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/offers/{id} [get]
func (s *Server) getOffer(c echo.Context) error { return s.getListing(c, transfer.KindOffer) }

// updateOffer godoc
//
//	@Summary		Change an offer
//	@Description	Owner or staff. Send only the fields to change; null clears price_min, price_max and expires_at. With If-Match, a stale version answers 412. Withdrawn and expired offers cannot change (409).
//	@ID			updateOffer
//	@Tags			offers
//	@Accept			json
//	@Produce		json
//	@Param			id			path		string		true	"offer id"
//	@Param			If-Match	header		string		false	"ETag of the version you changed"
//	@Param			body		body		offerPatch	true	"fields to change"
//	@Success		200			{object}	offerResponse
//	@Failure		400			{object}	problem
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Failure		409			{object}	problem
//	@Failure		412			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/offers/{id} [patch]
func (s *Server) updateOffer(c echo.Context) error {
	return patchListing[offerPatch](s, c, transfer.KindOffer)
}

// submitOffer godoc
//
//	@Summary		Submit an offer for review
//	@Description	Owner or staff; from draft or rejected to pending_review.
//	@ID			submitOffer
//	@Tags			offers
//	@Produce		json
//	@Param			id				path		string	true	"offer id"
//	@Param			If-Match		header		string	false	"ETag of the version you saw"
//	@Param			Idempotency-Key	header		string	false	"makes a retry return the first response"
//	@Success		200				{object}	offerResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem	"not a draft or rejected offer"
//	@Failure		412				{object}	problem
//	@Security		BearerAuth
//	@Router			/offers/{id}/submit [post]
func (s *Server) submitOffer(c echo.Context) error {
	return s.moveListing(c, transfer.KindOffer, transfer.MoveSubmit)
}

// publishOffer godoc
//
//	@Summary		Publish an offer
//	@Description	Staff; from pending_review to published. Published, unexpired offers are matched and visible to every signed-in caller unless confidential.
//	@ID			publishOffer
//	@Tags			offers
//	@Produce		json
//	@Param			id				path		string	true	"offer id"
//	@Param			If-Match		header		string	false	"ETag of the version you reviewed"
//	@Param			Idempotency-Key	header		string	false	"makes a retry return the first response"
//	@Success		200				{object}	offerResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem	"not pending review"
//	@Failure		412				{object}	problem
//	@Failure		422				{object}	problem	"already past expires_at"
//	@Security		BearerAuth
//	@Router			/offers/{id}/publish [post]
func (s *Server) publishOffer(c echo.Context) error {
	return s.moveListing(c, transfer.KindOffer, transfer.MovePublish)
}

// rejectOffer godoc
//
//	@Summary		Reject an offer
//	@Description	Staff; from pending_review to rejected, with a reason the owner sees. The owner may fix the offer and submit it again.
//	@ID			rejectOffer
//	@Tags			offers
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string		true	"offer id"
//	@Param			If-Match		header		string		false	"ETag of the version you reviewed"
//	@Param			Idempotency-Key	header		string		false	"makes a retry return the first response"
//	@Param			body			body		moveRequest	true	"the reason"
//	@Success		200				{object}	offerResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem
//	@Failure		412				{object}	problem
//	@Failure		422				{object}	problem	"no reason"
//	@Security		BearerAuth
//	@Router			/offers/{id}/reject [post]
func (s *Server) rejectOffer(c echo.Context) error {
	return s.moveListing(c, transfer.KindOffer, transfer.MoveReject)
}

// withdrawOffer godoc
//
//	@Summary		Withdraw an offer
//	@Description	Owner or staff; from any open status to withdrawn, for good. The reason is optional.
//	@ID			withdrawOffer
//	@Tags			offers
//	@Accept			json
//	@Produce		json
//	@Param			id				path		string		true	"offer id"
//	@Param			If-Match		header		string		false	"ETag of the version you saw"
//	@Param			Idempotency-Key	header		string		false	"makes a retry return the first response"
//	@Param			body			body		moveRequest	false	"an optional reason"
//	@Success		200				{object}	offerResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem
//	@Failure		412				{object}	problem
//	@Security		BearerAuth
//	@Router			/offers/{id}/withdraw [post]
func (s *Server) withdrawOffer(c echo.Context) error {
	return s.moveListing(c, transfer.KindOffer, transfer.MoveWithdraw)
}

// offerHistory godoc
//
//	@Summary		An offer's audit trail
//	@Description	Staff only. Every change, oldest first: who, when, and each changed field's old and new value.
//	@ID			listOfferHistory
//	@Tags			offers
//	@Produce		json
//	@Param			id	path		string	true	"offer id"
//	@Success		200	{object}	historyResponse
//	@Failure		401	{object}	problem
//	@Failure		403	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/offers/{id}/history [get]
func (s *Server) offerHistory(c echo.Context) error { return s.listingHistory(c, transfer.KindOffer) }

// importOffers godoc
//
//	@Summary		Import offers
//	@Description	Staff only. The body is a JSON array of offers (as for POST /offers, institution_id required) or a CSV file whose header row names the same fields; list cells (keywords, transfer_modes, target_countries) separate values with ';'. Every row is validated; the valid ones are created in one transaction, as drafts unless publish=true. With atomic=true nothing is created unless every row is valid (422 listing rows[N].field errors). At most 50,000 rows.
//	@ID			importOffers
//	@Tags			offers
//	@Accept			json
//	@Accept			text/csv
//	@Produce		json
//	@Param			atomic			query		bool			false	"all or nothing"
//	@Param			publish			query		bool			false	"create the rows as published"
//	@Param			Idempotency-Key	header		string			false	"makes a retried import return the first response"
//	@Param			body			body		[]offerRequest	true	"offers"
//	@Success		200				{object}	importResponse
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		413				{object}	problem
//	@Failure		415				{object}	problem
//	@Failure		422				{object}	problem
//	@Failure		503				{object}	problem	"too many imports at once; retry after Retry-After"
//	@Security		BearerAuth
//	@Router			/offers/import [post]
func (s *Server) importOffers(c echo.Context) error {
	return importListings[offerRequest](s, c, transfer.KindOffer)
}

package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Offers and demands share their handlers: the wire types differ per kind
// (offer.go, demand.go), the flow does not.

// listingFields are the fields offers and demands share on the wire.
type listingFields struct {
	Title         string   `json:"title" example:"Lithium iron phosphate battery storage for micro-grids" maxLength:"200"`
	Summary       string   `json:"summary" maxLength:"500"`
	Description   string   `json:"description,omitempty" maxLength:"10000"`
	Language      string   `json:"language" example:"en"`
	Sector        string   `json:"sector" example:"new_energy"`
	Subsector     string   `json:"subsector,omitempty" example:"energy_storage"`
	Keywords      []string `json:"keywords,omitempty" maxItems:"10"`
	TransferModes []string `json:"transfer_modes,omitempty" example:"licensing"`
	Currency      string   `json:"currency,omitempty" example:"CNY"`
	Visibility    string   `json:"visibility,omitempty" enums:"public,confidential" default:"public"`
	// Translations are the text in further languages, by language tag.
	Translations map[string]translationBody `json:"translations,omitempty"`
}

func (f listingFields) domain(l *transfer.Listing) {
	l.Title, l.Summary, l.Description, l.Language = f.Title, f.Summary, f.Description, f.Language
	l.Sector, l.Subsector, l.Keywords, l.TransferModes = f.Sector, f.Subsector, f.Keywords, f.TransferModes
	l.Currency, l.Visibility = f.Currency, f.Visibility
	l.Translations = translationsDomain(f.Translations)
}

func newListingFields(l transfer.Listing) listingFields {
	return listingFields{Title: l.Title, Summary: l.Summary, Description: l.Description, Language: l.Language,
		Sector: l.Sector, Subsector: l.Subsector, Keywords: l.Keywords, TransferModes: l.TransferModes,
		Currency: l.Currency, Visibility: l.Visibility, Translations: newTranslationBodies(l.Translations)}
}

// listingMeta is what the service adds to a listing.
type listingMeta struct {
	ID            string     `json:"id"`
	InstitutionID string     `json:"institution_id"`
	Status        string     `json:"status" enums:"draft,pending_review,published,rejected,withdrawn,expired"`
	StatusReason  string     `json:"status_reason,omitempty"`
	PublishedAt   *time.Time `json:"published_at,omitempty"`
	Version       int        `json:"version"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	// Shown, in lists when the caller asks for languages (lang or
	// Accept-Language), is the text to show first and its language.
	Shown *shownText `json:"shown,omitempty"`
}

func newListingMeta(l transfer.Listing) listingMeta {
	return listingMeta{ID: l.ID, InstitutionID: l.InstitutionID, Status: string(l.Status), StatusReason: l.StatusReason,
		PublishedAt: l.PublishedAt, Version: l.Version, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}
}

// listingPatchFields are the shared fields of a PATCH; absent fields stay.
type listingPatchFields struct {
	Title         *string   `json:"title,omitempty"`
	Summary       *string   `json:"summary,omitempty"`
	Description   *string   `json:"description,omitempty"`
	Language      *string   `json:"language,omitempty"`
	Sector        *string   `json:"sector,omitempty"`
	Subsector     *string   `json:"subsector,omitempty"`
	Keywords      *[]string `json:"keywords,omitempty"`
	TransferModes *[]string `json:"transfer_modes,omitempty"`
	Currency      *string   `json:"currency,omitempty"`
	Visibility    *string   `json:"visibility,omitempty" enums:"public,confidential"`
	// Translations by language tag: an object replaces that language's
	// translation, null removes it, languages not sent stay.
	Translations map[string]*translationBody `json:"translations,omitempty" extensions:"x-nullable-values"`
}

func (f listingPatchFields) domain() transfer.ListingPatch {
	return transfer.ListingPatch{Title: f.Title, Summary: f.Summary, Description: f.Description, Language: f.Language,
		Sector: f.Sector, Subsector: f.Subsector, Keywords: f.Keywords, TransferModes: f.TransferModes,
		Currency: f.Currency, Visibility: f.Visibility, Translations: translationPatch(f.Translations)}
}

// nullable is a PATCH field that null clears.
type nullable[T any] struct {
	set   bool
	value *T
}

// UnmarshalJSON records that the field was sent, and whether as null.
func (n *nullable[T]) UnmarshalJSON(b []byte) error {
	n.set = true
	if string(b) == "null" {
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	n.value = &v
	return nil
}

func (n nullable[T]) domain() transfer.Optional[T] {
	return transfer.Optional[T]{Set: n.set, Value: n.value}
}

// parseTime reads an RFC 3339 timestamp field, noting a problem when it is not one.
func parseTime(p *transfer.Problems, field string, s *string) *time.Time {
	if s == nil || *s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		p.Add(field, "must be an RFC 3339 timestamp such as 2027-06-30T00:00:00Z")
		return nil
	}
	return &t
}

func parseNullableTime(p *transfer.Problems, field string, n nullable[string]) transfer.Optional[time.Time] {
	if !n.set || n.value == nil {
		return transfer.Optional[time.Time]{Set: n.set}
	}
	t := parseTime(p, field, n.value)
	return transfer.Optional[time.Time]{Set: t != nil, Value: t}
}

// The kinds' wire types implement these.
type listingRequest interface {
	input() transfer.ListingInput
}

type listingPatchRequest interface {
	patch() transfer.ListingPatch
}

// listingResponse shapes a listing for its kind.
func listingResponse(l transfer.Listing) any {
	if l.Kind == transfer.KindDemand {
		return newDemandResponse(l)
	}
	return newOfferResponse(l)
}

// listingResponseIn is listingResponse with the text shown first in the
// languages wanted (none: no shown text).
func listingResponseIn(l transfer.Listing, want []string) any {
	if l.Kind == transfer.KindDemand {
		r := newDemandResponse(l)
		r.Shown = newShown(l, want)
		return r
	}
	r := newOfferResponse(l)
	r.Shown = newShown(l, want)
	return r
}

func listingPath(kind transfer.Kind) string { return "/api/v1/" + string(kind) + "s/" }

func createListing[R listingRequest](s *Server, c echo.Context, kind transfer.Kind) error {
	var req R
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	l, err := s.listings.CreateListing(c.Request().Context(), actorOf(c), kind, req.input())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, listingPath(kind)+l.ID)
	return writeVersioned(c, http.StatusCreated, l.Version, listingResponse(l))
}

func (s *Server) getListing(c echo.Context, kind transfer.Kind) error {
	l, err := s.listings.Listing(c.Request().Context(), actorOf(c), kind, c.Param("id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, l.Version, listingResponse(l))
}

func patchListing[P listingPatchRequest](s *Server, c echo.Context, kind transfer.Kind) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req P
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	l, err := s.listings.UpdateListing(c.Request().Context(), actorOf(c), kind, c.Param("id"), version, req.patch())
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, l.Version, listingResponse(l))
}

type moveRequest struct {
	Reason string `json:"reason,omitempty" example:"duplicate of an existing offer" maxLength:"1000"`
}

// moveListing applies a lifecycle move; the body with a reason is optional.
func (s *Server) moveListing(c echo.Context, kind transfer.Kind, move transfer.Move) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req moveRequest
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	l, err := s.listings.MoveListing(c.Request().Context(), actorOf(c), kind, c.Param("id"), move, version, req.Reason)
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, l.Version, listingResponse(l))
}

func (s *Server) listListings(c echo.Context, kind transfer.Kind) error {
	q := newQuery(c)
	f := transfer.ListingFilter{Kind: kind, Sector: q.string("sector"), Subsector: q.string("subsector"),
		Country: q.string("country"), InstitutionID: q.string("institution_id"), Status: transfer.Status(q.string("status")),
		TRLMin: q.int("trl_min"), TRLMax: q.int("trl_max"), TransferMode: q.string("transfer_mode"),
		Language: q.string("language"), Q: q.string("q"), UpdatedSince: q.time("updated_since")}
	pr := q.page()
	want := wantedLanguages(c, q)
	p, err := s.listings.ListListings(c.Request().Context(), actorOf(c), f, pr)
	if err := q.merge(err); err != nil {
		return err
	}
	return writeList(c, p, func(l transfer.Listing) any { return listingResponseIn(l, want) })
}

type auditEventResponse struct {
	ID        string                     `json:"id"`
	Action    string                     `json:"action" example:"published"`
	ActorID   string                     `json:"actor_id,omitempty"`
	ActorKind string                     `json:"actor_kind,omitempty" enums:"user,client,system"`
	ActorRole string                     `json:"actor_role,omitempty"`
	At        time.Time                  `json:"at"`
	Changes   map[string]transfer.Change `json:"changes"`
}

type historyResponse struct {
	Items []auditEventResponse `json:"items"`
}

func (s *Server) listingHistory(c echo.Context, kind transfer.Kind) error {
	evs, err := s.listings.ListingHistory(c.Request().Context(), actorOf(c), kind, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newHistory(evs))
}

func newHistory(evs []transfer.AuditEvent) historyResponse {
	out := historyResponse{Items: make([]auditEventResponse, len(evs))}
	for i, e := range evs {
		out.Items[i] = auditEventResponse{ID: e.ID, Action: e.Action, ActorID: e.ActorID, ActorKind: string(e.ActorKind),
			ActorRole: string(e.ActorRole), At: e.At, Changes: e.Changes}
	}
	return out
}

package httpapi

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

// lexicon serves the staff-managed concept lexicon of the matching engine.
type lexicon interface {
	ListLexicon(ctx context.Context, a transfer.Actor, q string, limit int, cursor string) (transfer.Page[transfer.LexiconConcept], error)
	LexiconConcept(ctx context.Context, a transfer.Actor, id string) (transfer.LexiconConcept, error)
	CreateLexiconConcept(ctx context.Context, a transfer.Actor, c transfer.LexiconConcept) (transfer.LexiconConcept, error)
	UpdateLexiconConcept(ctx context.Context, a transfer.Actor, id string, ifMatch int, patch transfer.LexiconPatch) (transfer.LexiconConcept, error)
	RetireLexiconConcept(ctx context.Context, a transfer.Actor, id string, ifMatch int) (transfer.LexiconConcept, error)
	LexiconConceptHistory(ctx context.Context, a transfer.Actor, id string) ([]transfer.AuditEvent, error)
	ExportLexicon(ctx context.Context, a transfer.Actor) (string, error)
	ImportLexicon(ctx context.Context, a transfer.Actor, text string) (transfer.LexiconImport, error)
	MatchingVersion() string
}

// maxLexiconImportBytes bounds an imported lexicon file (the shipped one,
// 600 concepts, is about 200 kB).
const maxLexiconImportBytes = 1 << 20

type conceptRequest struct {
	ID         string              `json:"id" example:"seaweed_processing" maxLength:"64"`
	Subsectors []string            `json:"subsectors" example:"agri_processing"`
	Terms      map[string][]string `json:"terms"` // language (zh, en, id, vi, th, ms) → terms, the common one first
}

type conceptPatch struct {
	Subsectors *[]string           `json:"subsectors,omitempty"`
	Terms      map[string][]string `json:"terms,omitempty"` // each language sent replaces that language's terms
}

type conceptResponse struct {
	ID         string              `json:"id"`
	Subsectors []string            `json:"subsectors"`
	Terms      map[string][]string `json:"terms"`
	Origin     string              `json:"origin" enums:"shipped,staff"`
	Retired    bool                `json:"retired"`
	Version    int                 `json:"version"`
	CreatedAt  *time.Time          `json:"created_at,omitempty"`
	UpdatedAt  *time.Time          `json:"updated_at,omitempty"`
}

func newConceptResponse(c transfer.LexiconConcept) conceptResponse {
	r := conceptResponse{ID: c.ID, Subsectors: c.Subsectors, Terms: c.Terms, Origin: c.Origin, Retired: c.Retired, Version: c.Version}
	if !c.CreatedAt.IsZero() {
		r.CreatedAt, r.UpdatedAt = &c.CreatedAt, &c.UpdatedAt
	}
	return r
}

type conceptList = listResponse[conceptResponse]

type lexiconImportResponse struct {
	Created          int    `json:"created"`
	Updated          int    `json:"updated"`
	Unchanged        int    `json:"unchanged"`
	AlgorithmVersion string `json:"algorithm_version" example:"m3-1a2b3c4d"`
}

// listLexicon godoc
//
//	@Summary		List the lexicon's concepts
//	@Description	Staff only. The concept lexicon in force: the shipped concepts in file order (origin shipped, or staff once changed), then those staff added. Retired concepts are listed with retired=true; they match nothing.
//	@ID			listLexiconConcepts
//	@Tags			lexicon
//	@Produce		json
//	@Param			q		query		string	false	"concepts whose id or a term contains this (case-insensitive)"
//	@Param			limit	query		int		false	"page size, 1 to 100 (else 422)"	default(20)	minimum(1)	maximum(100)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	conceptList
//	@Failure		400		{object}	problem
//	@Failure		401		{object}	problem
//	@Failure		403		{object}	problem
//	@Failure		422		{object}	problem
//	@Security		BearerAuth
//	@Router			/lexicon/concepts [get]
func (s *Server) listLexicon(c echo.Context) error {
	q := newQuery(c)
	limit := q.strictPage().Limit
	if err := q.merge(nil); err != nil {
		return err
	}
	p, err := s.lexicon.ListLexicon(c.Request().Context(), actorOf(c), q.string("q"), limit, q.string("cursor"))
	if err != nil {
		return err
	}
	return writeList(c, p, newConceptResponse)
}

// createLexiconConcept godoc
//
//	@Summary		Add a concept to the lexicon
//	@Description	Staff only. Terms in all six languages (zh, en, id, vi, th, ms), the common one first. A term another concept has in the same language is refused (422 naming that concept). Every API process applies the change to its matching index within about two seconds, and algorithm_version changes with it.
//	@ID			createLexiconConcept
//	@Tags			lexicon
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string			false	"makes a retried create return the first response"
//	@Param			body			body		conceptRequest	true	"the concept"
//	@Success		201				{object}	conceptResponse
//	@Header			201				{string}	Location	"URL of the new concept"
//	@Header			201				{string}	ETag		"version"
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		409				{object}	problem	"the id is taken"
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/lexicon/concepts [post]
func (s *Server) createLexiconConcept(c echo.Context) error {
	var req conceptRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	got, err := s.lexicon.CreateLexiconConcept(c.Request().Context(), actorOf(c),
		transfer.LexiconConcept{ID: req.ID, Subsectors: req.Subsectors, Terms: req.Terms})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/lexicon/concepts/"+got.ID)
	return writeVersioned(c, http.StatusCreated, got.Version, newConceptResponse(got))
}

// getLexiconConcept godoc
//
//	@Summary		Get a lexicon concept
//	@Description	Staff only.
//	@ID			getLexiconConcept
//	@Tags			lexicon
//	@Produce		json
//	@Param			id	path		string	true	"concept id"
//	@Success		200	{object}	conceptResponse
//	@Header			200	{string}	ETag	"version"
//	@Failure		401	{object}	problem
//	@Failure		403	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/lexicon/concepts/{id} [get]
func (s *Server) getLexiconConcept(c echo.Context) error {
	got, err := s.lexicon.LexiconConcept(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, got.Version, newConceptResponse(got))
}

// updateLexiconConcept godoc
//
//	@Summary		Change a lexicon concept
//	@Description	Staff only; shipped concepts too. subsectors replaces the list; each language in terms replaces that language's terms. With If-Match, a stale version answers 412. A retired concept cannot change (409).
//	@ID			updateLexiconConcept
//	@Tags			lexicon
//	@Accept			json
//	@Produce		json
//	@Param			id			path		string			true	"concept id"
//	@Param			If-Match	header		string			false	"ETag of the version you changed"
//	@Param			body		body		conceptPatch	true	"fields to change"
//	@Success		200			{object}	conceptResponse
//	@Failure		400			{object}	problem
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Failure		409			{object}	problem
//	@Failure		412			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/lexicon/concepts/{id} [patch]
func (s *Server) updateLexiconConcept(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req conceptPatch
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	got, err := s.lexicon.UpdateLexiconConcept(c.Request().Context(), actorOf(c), c.Param("id"), version,
		transfer.LexiconPatch{Subsectors: req.Subsectors, Terms: req.Terms})
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, got.Version, newConceptResponse(got))
}

// retireLexiconConcept godoc
//
//	@Summary		Retire a lexicon concept
//	@Description	Staff only. The concept stops matching in every process within about two seconds; it stays listed (retired) and its id stays taken. Importing it without the line "retired = true" brings it back.
//	@ID			retireLexiconConcept
//	@Tags			lexicon
//	@Produce		json
//	@Param			id				path		string	true	"concept id"
//	@Param			If-Match		header		string	false	"ETag of the version you saw"
//	@Param			Idempotency-Key	header		string	false	"makes a retry return the first response"
//	@Success		200				{object}	conceptResponse
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		404				{object}	problem
//	@Failure		409				{object}	problem	"retired already"
//	@Failure		412				{object}	problem
//	@Security		BearerAuth
//	@Router			/lexicon/concepts/{id}/retire [post]
func (s *Server) retireLexiconConcept(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	got, err := s.lexicon.RetireLexiconConcept(c.Request().Context(), actorOf(c), c.Param("id"), version)
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, got.Version, newConceptResponse(got))
}

// lexiconConceptHistory godoc
//
//	@Summary		A lexicon concept's audit trail
//	@Description	Staff only. Every change, oldest first: who, when, and the subsectors, terms and retired flag before and after.
//	@ID			listLexiconConceptHistory
//	@Tags			lexicon
//	@Produce		json
//	@Param			id	path		string	true	"concept id"
//	@Success		200	{object}	historyResponse
//	@Failure		401	{object}	problem
//	@Failure		403	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/lexicon/concepts/{id}/history [get]
func (s *Server) lexiconConceptHistory(c echo.Context) error {
	evs, err := s.lexicon.LexiconConceptHistory(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newHistory(evs))
}

// exportLexicon godoc
//
//	@Summary		Export the lexicon
//	@Description	Staff only. The whole lexicon, retired concepts with the line "retired = true", in the lexicon.txt format of the repository (internal/match/lexicon.txt; docs/matching.md describes it).
//	@ID			exportLexicon
//	@Tags			lexicon
//	@Produce		json
//	@Produce		plain
//	@Success		200	{string}	string	"lexicon.txt"
//	@Failure		401	{object}	problem
//	@Failure		403	{object}	problem
//	@Security		BearerAuth
//	@Router			/lexicon/export [get]
func (s *Server) exportLexicon(c echo.Context) error {
	text, err := s.lexicon.ExportLexicon(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="lexicon.txt"`)
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", []byte(text))
}

// importLexicon godoc
//
//	@Summary		Import lexicon concepts
//	@Description	Staff only. A text/plain body in the lexicon.txt format; all of it applies or none: new ids are added, known ones (shipped or added, retired ones too) take the file's subsectors and terms; "retired = true" retires a concept, and a retired one listed without it comes back. What GET /lexicon/export writes imports unchanged. At most 5000 concepts and 1 MiB. Errors name the file's line, or the concept and term (a term another concept has: 422 naming it).
//	@ID			importLexicon
//	@Tags			lexicon
//	@Accept			plain
//	@Produce		json
//	@Param			Idempotency-Key	header		string	false	"makes a retried import return the first response"
//	@Param			body			body		string	true	"concepts in the lexicon.txt format"
//	@Success		200				{object}	lexiconImportResponse
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		403				{object}	problem
//	@Failure		413				{object}	problem
//	@Failure		415				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/lexicon/import [post]
func (s *Server) importLexicon(c echo.Context) error {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" && !hasMediaType(ct, "text/plain") {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "send the lexicon as text/plain")
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxLexiconImportBytes+1))
	if err != nil {
		return err
	}
	if len(body) > maxLexiconImportBytes {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "a lexicon import is at most 1 MiB")
	}
	res, err := s.lexicon.ImportLexicon(c.Request().Context(), actorOf(c), string(body))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, lexiconImportResponse{Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged,
		AlgorithmVersion: s.lexicon.MatchingVersion()})
}

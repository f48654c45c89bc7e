package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

type institutionResponse struct {
	ID           string    `json:"id"`
	Name         string    `json:"name" example:"Guangxi University"`
	LocalName    string    `json:"local_name,omitempty" example:"广西大学"`
	Country      string    `json:"country" example:"CN"`
	Type         string    `json:"type" example:"university"`
	Sectors      []string  `json:"sectors" example:"new_energy,modern_agriculture"`
	Website      string    `json:"website,omitempty" example:"https://www.gxu.edu.cn"`
	Description  string    `json:"description,omitempty"`
	ContactEmail string    `json:"contact_email,omitempty" example:"tto@gxu.edu.cn"` // only to staff and the institution itself
	Verified     bool      `json:"verified"`
	Version      int       `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func newInstitutionResponse(in transfer.Institution) institutionResponse {
	return institutionResponse{ID: in.ID, Name: in.Name, LocalName: in.LocalName, Country: in.Country, Type: in.Type,
		Sectors: in.Sectors, Website: in.Website, Description: in.Description, ContactEmail: in.ContactEmail,
		Verified: in.Verified, Version: in.Version, CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt}
}

type createInstitutionRequest struct {
	Name         string   `json:"name" example:"Guangxi University" maxLength:"200"`
	LocalName    string   `json:"local_name,omitempty" example:"广西大学" maxLength:"200"`
	Country      string   `json:"country" example:"CN"`
	Type         string   `json:"type" enums:"enterprise,university,research_institute,government_agency,tech_transfer_agency,incubator_park,joint_lab"`
	Sectors      []string `json:"sectors,omitempty" example:"new_energy"`
	Website      string   `json:"website,omitempty" example:"https://www.gxu.edu.cn"`
	Description  string   `json:"description,omitempty" maxLength:"5000"`
	ContactEmail string   `json:"contact_email,omitempty" example:"tto@gxu.edu.cn"`
	Verified     bool     `json:"verified,omitempty"`
}

func (r createInstitutionRequest) domain() transfer.Institution {
	return transfer.Institution{Name: r.Name, LocalName: r.LocalName, Country: r.Country, Type: r.Type,
		Sectors: r.Sectors, Website: r.Website, Description: r.Description, ContactEmail: r.ContactEmail, Verified: r.Verified}
}

type updateInstitutionRequest struct {
	Name         *string   `json:"name,omitempty"`
	LocalName    *string   `json:"local_name,omitempty"`
	Country      *string   `json:"country,omitempty"`
	Type         *string   `json:"type,omitempty"`
	Sectors      *[]string `json:"sectors,omitempty"`
	Website      *string   `json:"website,omitempty"`
	Description  *string   `json:"description,omitempty"`
	ContactEmail *string   `json:"contact_email,omitempty"`
	Verified     *bool     `json:"verified,omitempty"` // staff only
}

func (r updateInstitutionRequest) domain() transfer.InstitutionPatch {
	return transfer.InstitutionPatch{Name: r.Name, LocalName: r.LocalName, Country: r.Country, Type: r.Type,
		Sectors: r.Sectors, Website: r.Website, Description: r.Description, ContactEmail: r.ContactEmail, Verified: r.Verified}
}

type institutionList = listResponse[institutionResponse]

// createInstitution godoc
//
//	@Summary		Create an institution
//	@Description	Staff only. Every invalid field is listed in one 422 response.
//	@ID			createInstitution
//	@Tags			institutions
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string	false	"makes a retried create return the first response instead of creating again"
//	@Param			body	body		createInstitutionRequest	true	"the institution"
//	@Success		201		{object}	institutionResponse
//	@Header			201		{string}	Location	"URL of the new institution"
//	@Header			201		{string}	ETag		"version"
//	@Failure		400		{object}	problem
//	@Failure		401		{object}	problem
//	@Failure		403		{object}	problem
//	@Failure		422		{object}	problem
//	@Security		BearerAuth
//	@Router			/institutions [post]
func (s *Server) createInstitution(c echo.Context) error {
	var req createInstitutionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	in, err := s.institutions.CreateInstitution(c.Request().Context(), actorOf(c), req.domain())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/institutions/"+in.ID)
	return writeVersioned(c, http.StatusCreated, in.Version, newInstitutionResponse(in))
}

// listInstitutions godoc
//
//	@Summary		List institutions
//	@Description	Contact emails are shown only to staff and to the institution's own partners.
//	@ID			listInstitutions
//	@Tags			institutions
//	@Produce		json
//	@Param			country		query		string	false	"ISO 3166-1 alpha-2 code"
//	@Param			type		query		string	false	"institution type"	Enums(enterprise,university,research_institute,government_agency,tech_transfer_agency,incubator_park,joint_lab)
//	@Param			sector		query		string	false	"institutions active in this sector"
//	@Param			verified	query		bool	false	"only verified (true) or unverified (false)"
//	@Param			sort		query		string	false	"created_at or name, '-' prefix for descending"	default(created_at)
//	@Param			limit		query		int		false	"page size (max 100)"								default(20)
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	institutionList
//	@Failure		400			{object}	problem
//	@Failure		401			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/institutions [get]
func (s *Server) listInstitutions(c echo.Context) error {
	q := newQuery(c)
	f := transfer.InstitutionFilter{Country: q.string("country"), Type: q.string("type"), Sector: q.string("sector"),
		Verified: q.bool("verified")}
	pr := q.page()
	p, err := s.institutions.ListInstitutions(c.Request().Context(), actorOf(c), f, pr)
	if err := q.merge(err); err != nil {
		return err
	}
	return writeList(c, p, newInstitutionResponse)
}

// getInstitution godoc
//
//	@Summary	Get an institution
//	@Description	One institution. contact_email is left out for analysts and for partners of other institutions.
//	@ID			getInstitution
//	@Tags		institutions
//	@Produce	json
//	@Param		id	path		string	true	"institution id"
//	@Success	200	{object}	institutionResponse
//	@Header		200	{string}	ETag	"version"
//	@Failure	401	{object}	problem
//	@Failure	404	{object}	problem
//	@Security	BearerAuth
//	@Router		/institutions/{id} [get]
func (s *Server) getInstitution(c echo.Context) error {
	in, err := s.institutions.Institution(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, in.Version, newInstitutionResponse(in))
}

// updateInstitution godoc
//
//	@Summary		Change an institution
//	@Description	Staff change any institution; a partner only its own, and never `verified`. Send only the fields to change. With If-Match, a stale version answers 412.
//	@ID			updateInstitution
//	@Tags			institutions
//	@Accept			json
//	@Produce		json
//	@Param			id			path		string						true	"institution id"
//	@Param			If-Match	header		string						false	"ETag of the version you changed"
//	@Param			body		body		updateInstitutionRequest	true	"fields to change"
//	@Success		200			{object}	institutionResponse
//	@Failure		400			{object}	problem
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Failure		412			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/institutions/{id} [patch]
func (s *Server) updateInstitution(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req updateInstitutionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	in, err := s.institutions.UpdateInstitution(c.Request().Context(), actorOf(c), c.Param("id"), version, req.domain())
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, in.Version, newInstitutionResponse(in))
}

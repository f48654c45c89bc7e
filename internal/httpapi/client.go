package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

type clientResponse struct {
	ClientID      string     `json:"client_id"`
	InstitutionID string     `json:"institution_id"`
	Name          string     `json:"name" example:"ERP integration"`
	CreatedAt     time.Time  `json:"created_at"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
}

func newClientResponse(c transfer.Client) clientResponse {
	return clientResponse{ClientID: c.ID, InstitutionID: c.InstitutionID, Name: c.Name, CreatedAt: c.CreatedAt, RevokedAt: c.RevokedAt}
}

type createClientRequest struct {
	Name string `json:"name" example:"ERP integration" maxLength:"100"`
}

type createClientResponse struct {
	clientResponse
	ClientSecret  string `json:"client_secret" example:"tbs_..."` // shown once, never again
	TokenEndpoint string `json:"token_endpoint" example:"/api/v1/oauth/token"`
}

type clientList struct {
	Items []clientResponse `json:"items"`
	Total int64            `json:"total"`
}

// createClient godoc
//
//	@Summary		Create a machine client for an institution
//	@Description	Staff only. The response carries the client secret once; it is stored hashed and cannot be shown again. The client then calls POST /oauth/token with grant_type=client_credentials.
//	@ID			createClient
//	@Tags			clients
//	@Accept			json
//	@Produce		json
//	@Param			id		path		string				true	"institution id"
//	@Param			body	body		createClientRequest	true	"a name to recognise the client by"
//	@Success		201		{object}	createClientResponse
//	@Header			201		{string}	Location	"URL of the institution's clients"
//	@Failure		400		{object}	problem
//	@Failure		401		{object}	problem
//	@Failure		403		{object}	problem
//	@Failure		404		{object}	problem
//	@Failure		422		{object}	problem
//	@Security		BearerAuth
//	@Router			/institutions/{id}/clients [post]
func (s *Server) createClient(c echo.Context) error {
	var req createClientRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	cl, secret, err := s.institutions.CreateClient(c.Request().Context(), actorOf(c), c.Param("id"), req.Name)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/institutions/"+cl.InstitutionID+"/clients")
	return c.JSON(http.StatusCreated, createClientResponse{clientResponse: newClientResponse(cl), ClientSecret: secret,
		TokenEndpoint: "/api/v1/oauth/token"})
}

// listClients godoc
//
//	@Summary		List an institution's machine clients
//	@Description	Staff, or the institution's own partners. Secrets are never listed.
//	@ID			listClients
//	@Tags			clients
//	@Produce		json
//	@Param			id	path		string	true	"institution id"
//	@Success		200	{object}	clientList
//	@Failure		401	{object}	problem
//	@Failure		403	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/institutions/{id}/clients [get]
func (s *Server) listClients(c echo.Context) error {
	cs, err := s.institutions.Clients(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	out := clientList{Items: make([]clientResponse, len(cs)), Total: int64(len(cs))}
	for i, cl := range cs {
		out.Items[i] = newClientResponse(cl)
	}
	return c.JSON(http.StatusOK, out)
}

// revokeClient godoc
//
//	@Summary		Revoke a machine client
//	@Description	Staff, or the institution's own partners. The client can get no new tokens; tokens already issued lapse within their lifetime.
//	@ID			revokeClient
//	@Tags			clients
//	@Param			id			path	string	true	"institution id"
//	@Param			client_id	path	string	true	"client id"
//	@Success		204
//	@Failure		401	{object}	problem
//	@Failure		403	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/institutions/{id}/clients/{client_id} [delete]
func (s *Server) revokeClient(c echo.Context) error {
	if err := s.institutions.RevokeClient(c.Request().Context(), actorOf(c), c.Param("id"), c.Param("client_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

type endpointRequest struct {
	InstitutionID string   `json:"institution_id,omitempty"` // staff: required; partners: their own or empty
	URL           string   `json:"url" example:"https://erp.partner.example/techbridge/events"`
	Events        []string `json:"events" example:"listing.published,match.created"`
	Description   string   `json:"description,omitempty" maxLength:"500"`
}

type endpointPatch struct {
	URL         *string   `json:"url,omitempty"`
	Events      *[]string `json:"events,omitempty"`
	Description *string   `json:"description,omitempty"`
	Paused      *bool     `json:"paused,omitempty"` // false also re-enables an endpoint disabled by a 410
}

type endpointResponse struct {
	ID             string     `json:"id"`
	InstitutionID  string     `json:"institution_id"`
	URL            string     `json:"url"`
	Events         []string   `json:"events"`
	Description    string     `json:"description,omitempty"`
	Paused         bool       `json:"paused"`
	DisabledReason string     `json:"disabled_reason,omitempty"`
	Secret         string     `json:"secret,omitempty" example:"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"` // only when created or rotated
	PreviousUntil  *time.Time `json:"previous_secret_valid_until,omitempty"`
	Version        int        `json:"version"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

func newEndpointResponse(e transfer.Endpoint) endpointResponse {
	return endpointResponse{ID: e.ID, InstitutionID: e.InstitutionID, URL: e.URL, Events: e.Events, Description: e.Description,
		Paused: e.Paused, DisabledReason: e.DisabledReason, Secret: e.Secret, PreviousUntil: e.PreviousUntil,
		Version: e.Version, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

type endpointList struct {
	Items []endpointResponse `json:"items"`
	Total int                `json:"total"`
}

type attemptResponse struct {
	Attempt    int       `json:"attempt"`
	StatusCode int       `json:"status_code,omitempty"`
	Error      string    `json:"error,omitempty"`
	DurationMS int       `json:"duration_ms"`
	At         time.Time `json:"at"`
}

type deliveryResponse struct {
	ID            string            `json:"id"`
	EventID       string            `json:"event_id"`
	EventType     string            `json:"event_type,omitempty"`
	Status        string            `json:"status" enums:"pending,succeeded,failed"`
	Attempts      int               `json:"attempts"`
	NextAttemptAt *time.Time        `json:"next_attempt_at,omitempty"`
	LastStatus    int               `json:"last_status_code,omitempty"`
	LastError     string            `json:"last_error,omitempty"`
	History       []attemptResponse `json:"history"`
	CreatedAt     time.Time         `json:"created_at"`
}

func newDeliveryResponse(d transfer.Delivery) deliveryResponse {
	out := deliveryResponse{ID: d.ID, EventID: d.EventID, EventType: d.EventType, Status: d.Status, Attempts: d.Attempts,
		NextAttemptAt: d.NextAttemptAt, LastStatus: d.LastStatus, LastError: d.LastError, CreatedAt: d.CreatedAt,
		History: []attemptResponse{}}
	for _, a := range d.History {
		out.History = append(out.History, attemptResponse(a))
	}
	return out
}

type deliveryList = listResponse[deliveryResponse]

// createWebhook godoc
//
//	@Summary		Register a webhook endpoint
//	@Description	Partners register receivers for their own institution; staff name the institution. The response carries the signing secret (whsec_…) once. Every delivery is a POST with webhook-id, webhook-timestamp and webhook-signature headers (Standard Webhooks). URLs must be http(s) and may not point at private, loopback, link-local or multicast addresses, checked again at every connection.
//	@ID			createWebhook
//	@Tags			webhooks
//	@Accept			json
//	@Produce		json
//	@Param			body	body		endpointRequest	true	"the endpoint"
//	@Success		201		{object}	endpointResponse
//	@Failure		400		{object}	problem
//	@Failure		401		{object}	problem
//	@Failure		403		{object}	problem
//	@Failure		422		{object}	problem
//	@Security		BearerAuth
//	@Router			/webhooks [post]
func (s *Server) createWebhook(c echo.Context) error {
	var req endpointRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := s.webhooks.CreateEndpoint(c.Request().Context(), actorOf(c), transfer.Endpoint{InstitutionID: req.InstitutionID,
		URL: req.URL, Events: req.Events, Description: req.Description})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/webhooks/"+e.ID)
	return writeVersioned(c, http.StatusCreated, e.Version, newEndpointResponse(e))
}

// listWebhooks godoc
//
//	@Summary	List webhook endpoints
//	@Description	The caller's institution's webhook endpoints (staff and admins: every endpoint). Signing secrets are never listed.
//	@ID			listWebhooks
//	@Tags		webhooks
//	@Produce	json
//	@Param		institution_id	query		string	false	"staff: one institution's"
//	@Success	200				{object}	endpointList
//	@Failure	401				{object}	problem
//	@Failure	403				{object}	problem
//	@Security	BearerAuth
//	@Router		/webhooks [get]
func (s *Server) listWebhooks(c echo.Context) error {
	q := newQuery(c)
	if err := q.err(); err != nil {
		return err
	}
	es, err := s.webhooks.Endpoints(c.Request().Context(), actorOf(c), q.string("institution_id"))
	if err != nil {
		return err
	}
	out := endpointList{Items: make([]endpointResponse, len(es)), Total: len(es)}
	for i, e := range es {
		out.Items[i] = newEndpointResponse(e)
	}
	return c.JSON(http.StatusOK, out)
}

// getWebhook godoc
//
//	@Summary	Get a webhook endpoint
//	@Description	One webhook endpoint; another institution's endpoint answers like a missing one.
//	@ID			getWebhook
//	@Tags		webhooks
//	@Produce	json
//	@Param		id	path		string	true	"endpoint id"
//	@Success	200	{object}	endpointResponse
//	@Failure	401	{object}	problem
//	@Failure	404	{object}	problem
//	@Security	BearerAuth
//	@Router		/webhooks/{id} [get]
func (s *Server) getWebhook(c echo.Context) error {
	e, err := s.webhooks.Endpoint(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, e.Version, newEndpointResponse(e))
}

// updateWebhook godoc
//
//	@Summary		Change a webhook endpoint
//	@Description	URL, events, description, or paused. Deliveries to a paused endpoint wait; paused=false also re-enables an endpoint disabled after a 410.
//	@ID			updateWebhook
//	@Tags			webhooks
//	@Accept			json
//	@Produce		json
//	@Param			id			path		string			true	"endpoint id"
//	@Param			If-Match	header		string			false	"ETag of the version you changed"
//	@Param			body		body		endpointPatch	true	"fields to change"
//	@Success		200			{object}	endpointResponse
//	@Failure		400			{object}	problem
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Failure		412			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/webhooks/{id} [patch]
func (s *Server) updateWebhook(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req endpointPatch
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := s.webhooks.UpdateEndpoint(c.Request().Context(), actorOf(c), c.Param("id"), version,
		transfer.EndpointPatch{URL: req.URL, Events: req.Events, Description: req.Description, Paused: req.Paused})
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, e.Version, newEndpointResponse(e))
}

// deleteWebhook godoc
//
//	@Summary	Delete a webhook endpoint
//	@Description	Removes the endpoint; nothing more is delivered to it.
//	@ID			deleteWebhook
//	@Tags		webhooks
//	@Param		id	path	string	true	"endpoint id"
//	@Success	204
//	@Failure	401	{object}	problem
//	@Failure	404	{object}	problem
//	@Security	BearerAuth
//	@Router		/webhooks/{id} [delete]
func (s *Server) deleteWebhook(c echo.Context) error {
	if err := s.webhooks.DeleteEndpoint(c.Request().Context(), actorOf(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// rotateWebhookSecret godoc
//
//	@Summary		Rotate the signing secret
//	@Description	The response carries the new secret once. For 24 hours deliveries carry two signatures, old and new, so a receiver can switch without losing any.
//	@ID			rotateWebhookSecret
//	@Tags			webhooks
//	@Produce		json
//	@Param			id	path		string	true	"endpoint id"
//	@Success		200	{object}	endpointResponse
//	@Failure		401	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/webhooks/{id}/rotate-secret [post]
func (s *Server) rotateWebhookSecret(c echo.Context) error {
	e, err := s.webhooks.RotateSecret(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, e.Version, newEndpointResponse(e))
}

// testWebhook godoc
//
//	@Summary		Send a ping
//	@Description	Queues a "ping" event to this endpoint; see its deliveries for the outcome.
//	@ID			testWebhook
//	@Tags			webhooks
//	@Produce		json
//	@Param			id	path		string	true	"endpoint id"
//	@Param			Idempotency-Key	header		string	false	"makes a retry return the first response instead of sending again"
//	@Success		202	{object}	deliveryResponse
//	@Failure		401	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/webhooks/{id}/test [post]
func (s *Server) testWebhook(c echo.Context) error {
	d, err := s.webhooks.TestEndpoint(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, newDeliveryResponse(d))
}

// webhookDeliveries godoc
//
//	@Summary		An endpoint's deliveries
//	@Description	Newest first, each with its attempts: status code, duration, error, and the next retry. Receivers' response bodies are never stored or shown.
//	@ID			listWebhookDeliveries
//	@Tags			webhooks
//	@Produce		json
//	@Param			id		path		string	true	"endpoint id"
//	@Param			limit	query		int		false	"page size (max 100)"	default(20)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	deliveryList
//	@Failure		401		{object}	problem
//	@Failure		404		{object}	problem
//	@Security		BearerAuth
//	@Router			/webhooks/{id}/deliveries [get]
func (s *Server) webhookDeliveries(c echo.Context) error {
	q := newQuery(c)
	p, err := s.webhooks.Deliveries(c.Request().Context(), actorOf(c), c.Param("id"), q.page())
	if err := q.merge(err); err != nil {
		return err
	}
	return writeList(c, p, newDeliveryResponse)
}

// redeliverWebhook godoc
//
//	@Summary		Send a delivery again
//	@Description	Queues the same event again, with the same webhook-id.
//	@ID			redeliverWebhookDelivery
//	@Tags			webhooks
//	@Produce		json
//	@Param			id			path		string	true	"endpoint id"
//	@Param			delivery_id	path		string	true	"delivery id"
//	@Param			Idempotency-Key	header		string	false	"makes a retry return the first response instead of sending again"
//	@Success		202			{object}	deliveryResponse
//	@Failure		401			{object}	problem
//	@Failure		404			{object}	problem
//	@Security		BearerAuth
//	@Router			/webhooks/{id}/deliveries/{delivery_id}/redeliver [post]
func (s *Server) redeliverWebhook(c echo.Context) error {
	d, err := s.webhooks.Redeliver(c.Request().Context(), actorOf(c), c.Param("id"), c.Param("delivery_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, newDeliveryResponse(d))
}

package httpapi

import (
	"bytes"
	htmltemplate "html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Saved searches, notifications and e-mail settings (issue 16).

type savedSearchRequest struct {
	Name         string `json:"name" example:"Solar storage in Vietnam" maxLength:"200"`
	Type         string `json:"type" enums:"search,watch" example:"search"`
	Kind         string `json:"kind,omitempty" enums:"offer,demand" example:"offer"` // search: the listings searched
	Sector       string `json:"sector,omitempty" example:"new_energy"`
	Subsector    string `json:"subsector,omitempty" example:"energy_storage"`
	Country      string `json:"country,omitempty" example:"CN"` // of the listing's institution
	TRLMin       int    `json:"trl_min,omitempty"`
	TRLMax       int    `json:"trl_max,omitempty"`
	TransferMode string `json:"transfer_mode,omitempty"`
	Language     string `json:"language,omitempty"`
	Q            string `json:"q,omitempty" example:"battery"`
	ListingID    string `json:"listing_id,omitempty"` // watch: one of your institution's listings
	MinScore     *int   `json:"min_score,omitempty"`  // watch: 0–100, default 60
}

// savedSearchPatch: a filter sent as null is cleared.
type savedSearchPatch struct {
	Name         *string          `json:"name,omitempty"`
	Sector       nullable[string] `json:"sector" binding:"optional" swaggertype:"string" extensions:"x-nullable"`
	Subsector    nullable[string] `json:"subsector" binding:"optional" swaggertype:"string" extensions:"x-nullable"`
	Country      nullable[string] `json:"country" binding:"optional" swaggertype:"string" extensions:"x-nullable"`
	TRLMin       nullable[int]    `json:"trl_min" binding:"optional" swaggertype:"integer" extensions:"x-nullable"`
	TRLMax       nullable[int]    `json:"trl_max" binding:"optional" swaggertype:"integer" extensions:"x-nullable"`
	TransferMode nullable[string] `json:"transfer_mode" binding:"optional" swaggertype:"string" extensions:"x-nullable"`
	Language     nullable[string] `json:"language" binding:"optional" swaggertype:"string" extensions:"x-nullable"`
	Q            nullable[string] `json:"q" binding:"optional" swaggertype:"string" extensions:"x-nullable"`
	MinScore     *int             `json:"min_score,omitempty"`
}

// orZero is a nullable PATCH field as a pointer: nil when not sent, the
// zero value (no filter) when sent as null.
func orZero[T any](n nullable[T]) *T {
	if !n.set {
		return nil
	}
	if n.value == nil {
		return new(T)
	}
	return n.value
}

type savedSearchResponse struct {
	ID            string    `json:"id"`
	OwnerID       string    `json:"owner_id"`
	InstitutionID string    `json:"institution_id,omitempty"`
	Name          string    `json:"name"`
	Type          string    `json:"type" enums:"search,watch"`
	Kind          string    `json:"kind" enums:"offer,demand"`
	Sector        string    `json:"sector,omitempty"`
	Subsector     string    `json:"subsector,omitempty"`
	Country       string    `json:"country,omitempty"`
	TRLMin        int       `json:"trl_min,omitempty"`
	TRLMax        int       `json:"trl_max,omitempty"`
	TransferMode  string    `json:"transfer_mode,omitempty"`
	Language      string    `json:"language,omitempty"`
	Q             string    `json:"q,omitempty"`
	ListingID     string    `json:"listing_id,omitempty"`
	MinScore      int       `json:"min_score,omitempty"`
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func newSavedSearchResponse(ss transfer.SavedSearch) savedSearchResponse {
	return savedSearchResponse{ID: ss.ID, OwnerID: ss.OwnerID, InstitutionID: ss.InstitutionID, Name: ss.Name, Type: ss.Type,
		Kind: string(ss.Kind), Sector: ss.Sector, Subsector: ss.Subsector, Country: ss.Country, TRLMin: ss.TRLMin, TRLMax: ss.TRLMax,
		TransferMode: ss.TransferMode, Language: ss.Language, Q: ss.Q, ListingID: ss.WatchListingID, MinScore: ss.MinScore,
		Version: ss.Version, CreatedAt: ss.CreatedAt, UpdatedAt: ss.UpdatedAt}
}

type savedSearchList = listResponse[savedSearchResponse]

// createSavedSearch godoc
//
//	@Summary		Save a search or watch a listing
//	@Description	type=search keeps the list filters and text q over offers or demands (kind); type=watch follows one of your institution's listings (listing_id) and alerts when a new counterpart scores at least min_score (default 60). Each new listing that fits raises one alert.matched notification, once ever per search and listing, and only for listings the owner may see. One owner keeps at most 100.
//	@ID			createSavedSearch
//	@Tags			notifications
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string				false	"makes a retry return the first response instead of creating again"
//	@Param			body			body		savedSearchRequest	true	"the search"
//	@Success		201				{object}	savedSearchResponse
//	@Failure		400				{object}	problem
//	@Failure		401				{object}	problem
//	@Failure		409				{object}	problem
//	@Failure		422				{object}	problem
//	@Security		BearerAuth
//	@Router			/saved-searches [post]
func (s *Server) createSavedSearch(c echo.Context) error {
	var req savedSearchRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ss, err := s.alerts.CreateSavedSearch(c.Request().Context(), actorOf(c), transfer.SavedSearchInput{Name: req.Name,
		Type: req.Type, Kind: transfer.Kind(req.Kind), Sector: req.Sector, Subsector: req.Subsector, Country: req.Country,
		TRLMin: req.TRLMin, TRLMax: req.TRLMax, TransferMode: req.TransferMode, Language: req.Language, Q: req.Q,
		WatchListingID: req.ListingID, MinScore: req.MinScore})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/saved-searches/"+ss.ID)
	return writeVersioned(c, http.StatusCreated, ss.Version, newSavedSearchResponse(ss))
}

// listSavedSearches godoc
//
//	@Summary		List saved searches
//	@Description	Your own; partners see their institution's; staff see everyone's (owner_id narrows).
//	@ID			listSavedSearches
//	@Tags			notifications
//	@Produce		json
//	@Param			type		query		string	false	"search or watch"
//	@Param			owner_id	query		string	false	"staff: one owner's"
//	@Param			limit		query		int		false	"page size, 1 to 100 (else 422)"	default(20)	minimum(1)	maximum(100)
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	savedSearchList
//	@Failure		400			{object}	problem
//	@Failure		401			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/saved-searches [get]
func (s *Server) listSavedSearches(c echo.Context) error {
	q := newQuery(c)
	p, err := s.alerts.ListSavedSearches(c.Request().Context(), actorOf(c),
		transfer.SavedSearchFilter{Type: q.string("type"), OwnerID: q.string("owner_id")}, q.strictPage())
	if err := q.merge(err); err != nil {
		return err
	}
	return writeList(c, p, newSavedSearchResponse)
}

// getSavedSearch godoc
//
//	@Summary	Get a saved search
//	@Description	A search you may not see answers like a missing one.
//	@ID			getSavedSearch
//	@Tags		notifications
//	@Produce	json
//	@Param		id	path		string	true	"saved search id"
//	@Success	200	{object}	savedSearchResponse
//	@Failure	401	{object}	problem
//	@Failure	404	{object}	problem
//	@Security	BearerAuth
//	@Router		/saved-searches/{id} [get]
func (s *Server) getSavedSearch(c echo.Context) error {
	ss, err := s.alerts.SavedSearch(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, ss.Version, newSavedSearchResponse(ss))
}

// updateSavedSearch godoc
//
//	@Summary		Change a saved search
//	@Description	Its owner or staff change the name and filters (a watch: min_score). Type, kind and the watched listing stay.
//	@ID			updateSavedSearch
//	@Tags			notifications
//	@Accept			json
//	@Produce		json
//	@Param			id			path		string				true	"saved search id"
//	@Param			If-Match	header		string				false	"ETag of the version you changed"
//	@Param			body		body		savedSearchPatch	true	"fields to change"
//	@Success		200			{object}	savedSearchResponse
//	@Failure		400			{object}	problem
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Failure		412			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/saved-searches/{id} [patch]
func (s *Server) updateSavedSearch(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req savedSearchPatch
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ss, err := s.alerts.UpdateSavedSearch(c.Request().Context(), actorOf(c), c.Param("id"), version, transfer.SavedSearchPatch{
		Name: req.Name, Sector: orZero(req.Sector), Subsector: orZero(req.Subsector), Country: orZero(req.Country),
		TRLMin: orZero(req.TRLMin), TRLMax: orZero(req.TRLMax), TransferMode: orZero(req.TransferMode),
		Language: orZero(req.Language), Q: orZero(req.Q), MinScore: req.MinScore})
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, ss.Version, newSavedSearchResponse(ss))
}

// deleteSavedSearch godoc
//
//	@Summary	Delete a saved search
//	@Description	Its owner or staff; no more alerts come from it. With If-Match, a stale version answers 412.
//	@ID			deleteSavedSearch
//	@Tags		notifications
//	@Param		id			path	string	true	"saved search id"
//	@Param		If-Match	header	string	false	"the ETag read: refuses with 412 when the search changed since"
//	@Success	204
//	@Failure	400	{object}	problem
//	@Failure	401	{object}	problem
//	@Failure	403	{object}	problem
//	@Failure	404	{object}	problem
//	@Failure	412	{object}	problem
//	@Security	BearerAuth
//	@Router		/saved-searches/{id} [delete]
func (s *Server) deleteSavedSearch(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.alerts.DeleteSavedSearch(c.Request().Context(), actorOf(c), c.Param("id"), version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type notificationResponse struct {
	ID        string         `json:"id"`
	Type      string         `json:"type" example:"alert.matched"`
	Title     string         `json:"title"`
	Body      string         `json:"body,omitempty"`
	Data      map[string]any `json:"data"`
	Read      bool           `json:"read"`
	ReadAt    *time.Time     `json:"read_at,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
}

func newNotificationResponse(n transfer.Notification) notificationResponse {
	d := n.Data
	if d == nil {
		d = map[string]any{}
	}
	return notificationResponse{ID: n.ID, Type: n.Type, Title: n.Title, Body: n.Body, Data: d, Read: n.ReadAt != nil,
		ReadAt: n.ReadAt, CreatedAt: n.CreatedAt}
}

type notificationList = listResponse[notificationResponse]

type unreadCount struct {
	Unread int64 `json:"unread"`
}

type markedCount struct {
	Marked int64 `json:"marked"`
}

// listNotifications godoc
//
//	@Summary		Your notifications
//	@Description	Newest first: alerts from saved searches (alert.matched) and workflow events (listing.published, listing.rejected with the reason, listing.submitted for staff, match.introduced, match.interest, agreement.recorded, and for the delegations of a matchmaking event meeting.scheduled, meeting.changed, meeting.cancelled).
//	@ID			listNotifications
//	@Tags			notifications
//	@Produce		json
//	@Param			unread	query		bool	false	"only unread ones"
//	@Param			limit	query		int		false	"page size, 1 to 100 (else 422)"	default(20)	minimum(1)	maximum(100)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	notificationList
//	@Failure		400		{object}	problem
//	@Failure		401		{object}	problem
//	@Failure		422		{object}	problem
//	@Security		BearerAuth
//	@Router			/notifications [get]
func (s *Server) listNotifications(c echo.Context) error {
	q := newQuery(c)
	p, err := s.alerts.Notifications(c.Request().Context(), actorOf(c), transfer.NotificationFilter{UnreadOnly: q.flag("unread")}, q.strictPage())
	if err := q.merge(err); err != nil {
		return err
	}
	return writeList(c, p, newNotificationResponse)
}

// unreadNotifications godoc
//
//	@Summary	Count unread notifications
//	@ID			countUnreadNotifications
//	@Tags		notifications
//	@Produce	json
//	@Success	200	{object}	unreadCount
//	@Failure	401	{object}	problem
//	@Security	BearerAuth
//	@Router		/notifications/unread-count [get]
func (s *Server) unreadNotifications(c echo.Context) error {
	n, err := s.alerts.UnreadNotifications(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, unreadCount{Unread: n})
}

// readNotification godoc
//
//	@Summary	Mark a notification read
//	@ID			markNotificationRead
//	@Tags		notifications
//	@Produce	json
//	@Param		id				path		string	true	"notification id"
//	@Param		Idempotency-Key	header		string	false	"makes a retry return the first response"
//	@Success	200				{object}	notificationResponse
//	@Failure	401				{object}	problem
//	@Failure	404				{object}	problem
//	@Security	BearerAuth
//	@Router		/notifications/{id}/read [post]
func (s *Server) readNotification(c echo.Context) error {
	n, err := s.alerts.MarkNotificationRead(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newNotificationResponse(n))
}

// readAllNotifications godoc
//
//	@Summary	Mark all notifications read
//	@ID			markAllNotificationsRead
//	@Tags		notifications
//	@Produce	json
//	@Param		Idempotency-Key	header		string	false	"makes a retry return the first response"
//	@Success	200				{object}	markedCount
//	@Failure	401				{object}	problem
//	@Security	BearerAuth
//	@Router		/notifications/read-all [post]
func (s *Server) readAllNotifications(c echo.Context) error {
	n, err := s.alerts.MarkAllNotificationsRead(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, markedCount{Marked: n})
}

type notificationSettingsResponse struct {
	EmailMode   string `json:"email_mode" enums:"instant,daily,weekly,none"`
	Language    string `json:"language" enums:"en,zh-Hans"`
	MailEnabled bool   `json:"mail_enabled"` // false: this server sends no e-mail (no SMTP configured)
	Version     int    `json:"version"`
}

type notificationSettingsPatch struct {
	EmailMode *string `json:"email_mode,omitempty" enums:"instant,daily,weekly,none"`
	Language  *string `json:"language,omitempty" enums:"en,zh-Hans"`
}

func (s *Server) newSettingsResponse(ns transfer.NotificationSettings) notificationSettingsResponse {
	return notificationSettingsResponse{EmailMode: ns.EmailMode, Language: ns.Language, MailEnabled: s.alerts.MailEnabled(),
		Version: ns.Version}
}

// getNotificationSettings godoc
//
//	@Summary		Your e-mail settings
//	@Description	How notifications reach you by e-mail: each at once (instant), a daily or weekly digest, or none; in English or Simplified Chinese. The default is a daily digest in English. Machine clients receive no e-mail (403).
//	@ID			getNotificationSettings
//	@Tags			notifications
//	@Produce		json
//	@Success		200	{object}	notificationSettingsResponse
//	@Failure		401	{object}	problem
//	@Failure		403	{object}	problem
//	@Security		BearerAuth
//	@Router			/me/notification-settings [get]
func (s *Server) getNotificationSettings(c echo.Context) error {
	ns, err := s.alerts.NotificationSettingsOf(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, ns.Version, s.newSettingsResponse(ns))
}

// updateNotificationSettings godoc
//
//	@Summary	Change your e-mail settings
//	@ID			updateNotificationSettings
//	@Tags		notifications
//	@Accept		json
//	@Produce	json
//	@Param		If-Match	header		string						false	"ETag of the version you changed (\"0\" for settings never saved)"
//	@Param		body		body		notificationSettingsPatch	true	"fields to change"
//	@Success	200			{object}	notificationSettingsResponse
//	@Failure	400			{object}	problem
//	@Failure	401			{object}	problem
//	@Failure	403			{object}	problem
//	@Failure	412			{object}	problem
//	@Failure	422			{object}	problem
//	@Security	BearerAuth
//	@Router		/me/notification-settings [patch]
func (s *Server) updateNotificationSettings(c echo.Context) error {
	// Settings never saved are sent with ETag "0": that tag is accepted
	// back, and answers 412 once they have been saved.
	h, err := ifMatchHeader(c)
	if err != nil {
		return err
	}
	version := transfer.IfMatchUnsaved
	if h != etag(0) {
		if version, err = ifMatch(c); err != nil {
			return err
		}
	}
	var req notificationSettingsPatch
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ns, err := s.alerts.UpdateNotificationSettings(c.Request().Context(), actorOf(c), version,
		transfer.NotificationSettingsPatch{EmailMode: req.EmailMode, Language: req.Language})
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, ns.Version, s.newSettingsResponse(ns))
}

// unsubscribe godoc
//
//	@Summary		One-click unsubscribe
//	@Description	The target of the List-Unsubscribe header of every e-mail (RFC 8058): a POST with the signed token turns the person's e-mail off, with no login. Mail clients send the body List-Unsubscribe=One-Click; the body is not needed.
//	@ID			unsubscribe
//	@Tags			notifications
//	@Description	The confirmation page's button posts the form field from=page and gets a short HTML page back (200) instead of 204.
//	@ID			unsubscribe
//	@Tags			notifications
//	@Accept			x-www-form-urlencoded
//	@Produce		json
//	@Produce		html
//	@Param			token	query	string	true	"the token of the e-mail's link"
//	@Success		200	{string}	string	"from=page: the page saying e-mail is off"
//	@Success		204
//	@Failure		422	{object}	problem
//	@Router			/unsubscribe [post]
func (s *Server) unsubscribe(c echo.Context) error {
	if err := s.alerts.Unsubscribe(c.Request().Context(), c.QueryParam("token")); err != nil {
		return err
	}
	if c.FormValue("from") == "page" {
		return unsubscribePageWrite(c, unsubscribeView{Done: true})
	}
	return c.NoContent(http.StatusNoContent)
}

// unsubscribePage godoc
//
//	@Summary		Unsubscribe page
//	@Description	The letter's unsubscribe link opened in a browser: a small page whose button POSTs to the same address (a GET changes nothing, so that link scanners cannot unsubscribe anyone).
//	@ID			unsubscribePage
//	@Tags			notifications
//	@Produce		json
//	@Produce		html
//	@Param			token	query		string	true	"the token of the e-mail's link"
//	@Success		200		{string}	string	"the confirmation page"
//	@Failure		422		{object}	problem
//	@Router			/unsubscribe [get]
func (s *Server) unsubscribePage(c echo.Context) error {
	token := c.QueryParam("token")
	if _, err := s.alerts.CheckUnsubscribeToken(token); err != nil {
		return err
	}
	return unsubscribePageWrite(c, unsubscribeView{Action: "/api/v1/unsubscribe?token=" + url.QueryEscape(token)})
}

type unsubscribeView struct {
	Action string
	Done   bool
}

var unsubscribeTemplate = htmltemplate.Must(htmltemplate.New("unsubscribe").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>techbridge: e-mail</title></head><body>
{{if .Done}}<p>You will receive no more e-mail from techbridge. 您将不再收到 techbridge 的邮件。</p>
{{else}}<p>Stop the e-mail of techbridge? 停止接收 techbridge 的邮件？</p>
<form method="post" action="{{.Action}}"><input type="hidden" name="from" value="page">
<button type="submit">Unsubscribe / 退订</button></form>{{end}}
</body></html>
`))

func unsubscribePageWrite(c echo.Context, v unsubscribeView) error {
	var b bytes.Buffer
	if err := unsubscribeTemplate.Execute(&b, v); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(http.StatusOK, b.Bytes())
}

type mailResponse struct {
	ID            string     `json:"id"`
	MessageID     string     `json:"message_id"`
	UserID        string     `json:"user_id"`
	To            string     `json:"to"`
	Subject       string     `json:"subject"`
	Status        string     `json:"status" enums:"pending,sent,failed"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
}

func newMailResponse(m transfer.Mail) mailResponse {
	return mailResponse{ID: m.ID, MessageID: m.MessageID, UserID: m.UserID, To: m.To, Subject: m.Subject, Status: m.Status,
		Attempts: m.Attempts, NextAttemptAt: m.NextAttemptAt, LastError: m.LastError, CreatedAt: m.CreatedAt, SentAt: m.SentAt}
}

type mailList = listResponse[mailResponse]

// listMail godoc
//
//	@Summary		The mail outbox (staff)
//	@Description	Newest first: every e-mail with its attempts and the last SMTP error; status=failed shows what gave up, status=pending what waits for a retry.
//	@ID			listMailDeliveries
//	@Tags			notifications
//	@Produce		json
//	@Param			status	query		string	false	"pending, sent or failed"
//	@Param			limit	query		int		false	"page size, 1 to 100 (else 422)"	default(20)	minimum(1)	maximum(100)
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	mailList
//	@Failure		400		{object}	problem
//	@Failure		401		{object}	problem
//	@Failure		403		{object}	problem
//	@Failure		422		{object}	problem
//	@Security		BearerAuth
//	@Router			/mail/deliveries [get]
func (s *Server) listMail(c echo.Context) error {
	q := newQuery(c)
	p, err := s.alerts.MailDeliveries(c.Request().Context(), actorOf(c), transfer.MailFilter{Status: q.string("status")}, q.strictPage())
	if err := q.merge(err); err != nil {
		return err
	}
	return writeList(c, p, newMailResponse)
}

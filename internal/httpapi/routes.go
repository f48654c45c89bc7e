package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	_ "github.com/techbridge/techbridge/api" // the generated spec, registered with swag
)

// routes registers the whole API surface and the middleware around it.
func (s *Server) routes(cfg Config) {
	e := s.echo
	e.Use(
		requestID,
		s.observe,
		s.recoverPanics,
		securityHeaders,
	)
	if len(cfg.CORSOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  cfg.CORSOrigins,
			AllowMethods:  []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete},
			AllowHeaders:  []string{echo.HeaderAuthorization, echo.HeaderContentType, "If-Match", "Idempotency-Key", echo.HeaderXRequestID},
			ExposeHeaders: []string{"ETag", echo.HeaderLocation, "Link", echo.HeaderXRequestID, echo.HeaderRetryAfter, "Idempotent-Replayed"},
			MaxAge:        600,
		}))
	}

	// Text that is not valid UTF-8 or holds NUL, in a path, query or header,
	// is refused before any route sees it.
	e.Use(checkRequestText)

	// A change that lost a race for its row without If-Match runs again.
	e.Use(retryLostRace)

	// Every route declares how it is reached; nothing about it is decided
	// elsewhere by looking at its path:
	//   - the body limit: cfg.BodyLimit, imports 64 MB (50,000 rows), and
	//     only cfg.ImportSlots imports read at once (s.fewImports), so that
	//     their bodies cannot fill the memory;
	//   - s.authenticate reads a bearer token when one is sent (a token sent
	//     but invalid is refused even where none is needed); the OAuth token
	//     endpoint does not read one: it authenticates clients with Basic;
	//   - requireActor refuses anonymous callers, requireAdmin non-admins;
	//   - s.idempotent honours Idempotency-Key. POSTs whose answers are
	//     credentials (tokens, client and webhook secrets) do not: replaying
	//     them would keep those credentials in the database in clear text.
	small := middleware.BodyLimit(cfg.BodyLimit)
	large := middleware.BodyLimit("64M")
	public := []echo.MiddlewareFunc{small, s.authenticate}
	signedIn := []echo.MiddlewareFunc{small, s.authenticate, requireActor}
	write := []echo.MiddlewareFunc{small, s.authenticate, requireActor, s.idempotent}
	admin := []echo.MiddlewareFunc{small, s.authenticate, requireActor, requireAdmin}
	adminWrite := []echo.MiddlewareFunc{small, s.authenticate, requireActor, requireAdmin, s.idempotent}
	bulkWrite := []echo.MiddlewareFunc{large, s.authenticate, requireActor, s.fewImports, s.idempotent}
	credentials := signedIn // POSTs that answer with credentials: never replayed

	e.GET("/healthz", s.healthz, public...)
	e.HEAD("/healthz", s.healthz, public...) // load balancers probe with HEAD
	e.GET("/readyz", s.readyz, public...)
	e.HEAD("/readyz", s.readyz, public...)
	e.GET("/metrics", s.metrics.handler, public...)
	e.GET("/swagger/*", swaggerUI(), public...)
	e.GET("/openapi.json", s.openAPI, public...)
	e.GET("/problems/:type", s.problemType, public...)
	if cfg.Console != nil { // the staff console: static files, it calls the API like any client
		toConsole := func(c echo.Context) error { return c.Redirect(http.StatusFound, "/console/") }
		e.GET("/", toConsole)
		e.GET("/console", toConsole)
		e.GET("/console/*", echo.WrapHandler(cfg.Console))
		e.HEAD("/console/*", echo.WrapHandler(cfg.Console))
	}

	// Route-level middleware, not group middleware: an Echo group with
	// middleware registers a catch-all that would turn 405 into 404.
	v1 := e.Group("/api/v1")
	v1.POST("/auth/login", s.login, public...)
	v1.POST("/auth/refresh", s.refresh, public...)
	v1.POST("/auth/logout", s.logout, public...)
	v1.POST("/oauth/token", s.oauthToken, small)
	v1.GET("/me", s.me, signedIn...)
	v1.POST("/me/password", s.changePassword, credentials...)

	v1.POST("/users", s.createUser, adminWrite...)
	v1.GET("/users", s.listUsers, admin...)
	v1.GET("/users/:id", s.getUser, admin...)
	v1.PATCH("/users/:id", s.updateUser, admin...)
	v1.POST("/users/:id/unlock", s.unlockUser, adminWrite...)

	v1.POST("/institutions", s.createInstitution, write...)
	v1.GET("/institutions", s.listInstitutions, signedIn...)
	v1.GET("/institutions/:id", s.getInstitution, signedIn...)
	v1.PATCH("/institutions/:id", s.updateInstitution, signedIn...)
	v1.POST("/institutions/:id/clients", s.createClient, credentials...)
	v1.GET("/institutions/:id/clients", s.listClients, signedIn...)
	v1.DELETE("/institutions/:id/clients/:client_id", s.revokeClient, signedIn...)

	v1.GET("/vocabulary", s.vocabulary, public...)

	v1.POST("/offers", s.createOffer, write...)
	v1.GET("/offers", s.listOffers, signedIn...)
	v1.POST("/offers/import", s.importOffers, bulkWrite...)
	v1.GET("/offers/:id", s.getOffer, signedIn...)
	v1.PATCH("/offers/:id", s.updateOffer, signedIn...)
	v1.POST("/offers/:id/submit", s.submitOffer, write...)
	v1.POST("/offers/:id/publish", s.publishOffer, write...)
	v1.POST("/offers/:id/reject", s.rejectOffer, write...)
	v1.POST("/offers/:id/withdraw", s.withdrawOffer, write...)
	v1.GET("/offers/:id/history", s.offerHistory, signedIn...)
	v1.GET("/offers/:id/matches", s.offerMatches, signedIn...)

	v1.POST("/demands", s.createDemand, write...)
	v1.GET("/demands", s.listDemands, signedIn...)
	v1.POST("/demands/import", s.importDemands, bulkWrite...)
	v1.GET("/demands/:id", s.getDemand, signedIn...)
	v1.PATCH("/demands/:id", s.updateDemand, signedIn...)
	v1.POST("/demands/:id/submit", s.submitDemand, write...)
	v1.POST("/demands/:id/publish", s.publishDemand, write...)
	v1.POST("/demands/:id/reject", s.rejectDemand, write...)
	v1.POST("/demands/:id/withdraw", s.withdrawDemand, write...)
	v1.GET("/demands/:id/history", s.demandHistory, signedIn...)
	v1.GET("/demands/:id/matches", s.demandMatches, signedIn...)

	v1.POST("/matches", s.createMatch, write...)
	v1.GET("/matches", s.listMatches, signedIn...)
	v1.GET("/matches/:id", s.getMatch, signedIn...)
	v1.PATCH("/matches/:id", s.updateMatch, signedIn...)
	v1.POST("/matches/:id/interest", s.matchInterest, write...)
	v1.GET("/matches/:id/history", s.matchHistory, signedIn...)

	v1.POST("/agreements", s.createAgreement, write...)
	v1.GET("/agreements", s.listAgreements, signedIn...)
	v1.GET("/agreements/:id", s.getAgreement, signedIn...)
	v1.PATCH("/agreements/:id", s.updateAgreement, signedIn...)
	v1.GET("/agreements/:id/history", s.agreementHistory, signedIn...)

	v1.GET("/stats/agreements", s.agreementStats, signedIn...)
	v1.GET("/stats/overview", s.statsOverview, signedIn...)

	v1.GET("/lexicon/concepts", s.listLexicon, signedIn...)
	v1.POST("/lexicon/concepts", s.createLexiconConcept, write...)
	v1.GET("/lexicon/concepts/:id", s.getLexiconConcept, signedIn...)
	v1.PATCH("/lexicon/concepts/:id", s.updateLexiconConcept, signedIn...)
	v1.POST("/lexicon/concepts/:id/retire", s.retireLexiconConcept, write...)
	v1.GET("/lexicon/concepts/:id/history", s.lexiconConceptHistory, signedIn...)
	v1.GET("/lexicon/export", s.exportLexicon, signedIn...)
	v1.POST("/lexicon/import", s.importLexicon, write...)
	v1.POST("/events", s.createEvent, write...)
	v1.GET("/events", s.listEvents, signedIn...)
	v1.GET("/events/:id", s.getEvent, signedIn...)
	v1.PATCH("/events/:id", s.updateEvent, signedIn...)
	v1.POST("/events/:id/registrations", s.register, write...)
	v1.GET("/events/:id/registrations", s.listRegistrations, signedIn...)
	v1.GET("/events/:id/registrations/:registration_id", s.getRegistration, signedIn...)
	v1.PATCH("/events/:id/registrations/:registration_id", s.updateRegistration, signedIn...)
	v1.POST("/events/:id/registrations/:registration_id/withdraw", s.withdrawRegistration, write...)
	v1.GET("/events/:id/registrations/:registration_id/agenda", s.registrationAgenda, signedIn...)
	v1.GET("/events/:id/registrations/:registration_id/suggestions", s.meetingSuggestions, signedIn...)
	v1.POST("/events/:id/requests", s.requestMeeting, write...)
	v1.GET("/events/:id/requests", s.listMeetingRequests, signedIn...)
	v1.GET("/events/:id/requests/:request_id", s.getMeetingRequest, signedIn...)
	v1.POST("/events/:id/requests/:request_id/accept", s.acceptMeetingRequest, write...)
	v1.POST("/events/:id/requests/:request_id/decline", s.declineMeetingRequest, write...)
	v1.POST("/events/:id/schedule", s.scheduleEvent, write...)
	v1.GET("/events/:id/meetings", s.listMeetings, signedIn...)
	v1.POST("/events/:id/meetings", s.pinMeeting, write...)
	v1.GET("/events/:id/meetings/:meeting_id", s.getMeeting, signedIn...)
	v1.PATCH("/events/:id/meetings/:meeting_id", s.changeMeeting, signedIn...)
	v1.POST("/events/:id/meetings/:meeting_id/outcome", s.recordOutcome, write...)
	v1.GET("/events/:id/stats", s.eventStats, signedIn...)

	v1.POST("/webhooks", s.createWebhook, credentials...) // the answer carries the signing secret
	v1.GET("/webhooks", s.listWebhooks, signedIn...)
	v1.GET("/webhooks/:id", s.getWebhook, signedIn...)
	v1.PATCH("/webhooks/:id", s.updateWebhook, signedIn...)
	v1.DELETE("/webhooks/:id", s.deleteWebhook, signedIn...)
	v1.POST("/webhooks/:id/rotate-secret", s.rotateWebhookSecret, credentials...)
	v1.POST("/webhooks/:id/test", s.testWebhook, write...)
	v1.GET("/webhooks/:id/deliveries", s.webhookDeliveries, signedIn...)
	v1.POST("/webhooks/:id/deliveries/:delivery_id/redeliver", s.redeliverWebhook, write...)

	v1.POST("/saved-searches", s.createSavedSearch, write...)
	v1.GET("/saved-searches", s.listSavedSearches, signedIn...)
	v1.GET("/saved-searches/:id", s.getSavedSearch, signedIn...)
	v1.PATCH("/saved-searches/:id", s.updateSavedSearch, signedIn...)
	v1.DELETE("/saved-searches/:id", s.deleteSavedSearch, signedIn...)
	v1.GET("/notifications", s.listNotifications, signedIn...)
	v1.GET("/notifications/unread-count", s.unreadNotifications, signedIn...)
	v1.POST("/notifications/read-all", s.readAllNotifications, write...)
	v1.POST("/notifications/:id/read", s.readNotification, write...)
	v1.GET("/me/notification-settings", s.getNotificationSettings, signedIn...)
	v1.PATCH("/me/notification-settings", s.updateNotificationSettings, signedIn...)
	v1.POST("/unsubscribe", s.unsubscribe, public...) // RFC 8058 one-click: the signed token is the authority
	v1.GET("/unsubscribe", s.unsubscribePage, public...)
	v1.GET("/mail/deliveries", s.listMail, signedIn...)
}

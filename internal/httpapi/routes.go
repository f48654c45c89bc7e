package httpapi

import (
	"net/http"
	"strings"

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
	e.Use(
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: cfg.BodyLimit, Skipper: isImport}),
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "64M", Skipper: notImport}), // 50,000 rows
		s.authenticate,
		s.idempotent,
	)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metrics.handler)
	e.GET("/swagger/*", swaggerUI())
	e.GET("/openapi.json", s.openAPI)
	e.GET("/problems/:type", s.problemType)

	// Route-level middleware, not group middleware: an Echo group with
	// middleware registers a catch-all that would turn 405 into 404.
	v1 := e.Group("/api/v1")
	v1.POST("/auth/login", s.login)
	v1.POST("/auth/refresh", s.refresh)
	v1.POST("/auth/logout", s.logout)
	v1.POST("/oauth/token", s.oauthToken)
	v1.GET("/me", s.me, requireActor)
	v1.POST("/me/password", s.changePassword, requireActor)

	v1.POST("/users", s.createUser, requireActor, requireAdmin)
	v1.GET("/users", s.listUsers, requireActor, requireAdmin)
	v1.GET("/users/:id", s.getUser, requireActor, requireAdmin)
	v1.PATCH("/users/:id", s.updateUser, requireActor, requireAdmin)

	v1.POST("/institutions", s.createInstitution, requireActor)
	v1.GET("/institutions", s.listInstitutions, requireActor)
	v1.GET("/institutions/:id", s.getInstitution, requireActor)
	v1.PATCH("/institutions/:id", s.updateInstitution, requireActor)
	v1.POST("/institutions/:id/clients", s.createClient, requireActor)
	v1.GET("/institutions/:id/clients", s.listClients, requireActor)
	v1.DELETE("/institutions/:id/clients/:client_id", s.revokeClient, requireActor)

	v1.GET("/vocabulary", s.vocabulary)

	v1.POST("/offers", s.createOffer, requireActor)
	v1.GET("/offers", s.listOffers, requireActor)
	v1.POST("/offers/import", s.importOffers, requireActor)
	v1.GET("/offers/:id", s.getOffer, requireActor)
	v1.PATCH("/offers/:id", s.updateOffer, requireActor)
	v1.POST("/offers/:id/submit", s.submitOffer, requireActor)
	v1.POST("/offers/:id/publish", s.publishOffer, requireActor)
	v1.POST("/offers/:id/reject", s.rejectOffer, requireActor)
	v1.POST("/offers/:id/withdraw", s.withdrawOffer, requireActor)
	v1.GET("/offers/:id/history", s.offerHistory, requireActor)
	v1.GET("/offers/:id/matches", s.offerMatches, requireActor)

	v1.POST("/demands", s.createDemand, requireActor)
	v1.GET("/demands", s.listDemands, requireActor)
	v1.POST("/demands/import", s.importDemands, requireActor)
	v1.GET("/demands/:id", s.getDemand, requireActor)
	v1.PATCH("/demands/:id", s.updateDemand, requireActor)
	v1.POST("/demands/:id/submit", s.submitDemand, requireActor)
	v1.POST("/demands/:id/publish", s.publishDemand, requireActor)
	v1.POST("/demands/:id/reject", s.rejectDemand, requireActor)
	v1.POST("/demands/:id/withdraw", s.withdrawDemand, requireActor)
	v1.GET("/demands/:id/history", s.demandHistory, requireActor)
	v1.GET("/demands/:id/matches", s.demandMatches, requireActor)

	v1.POST("/matches", s.createMatch, requireActor)
	v1.GET("/matches", s.listMatches, requireActor)
	v1.GET("/matches/:id", s.getMatch, requireActor)
	v1.PATCH("/matches/:id", s.updateMatch, requireActor)
	v1.POST("/matches/:id/interest", s.matchInterest, requireActor)
	v1.GET("/matches/:id/history", s.matchHistory, requireActor)

	v1.POST("/agreements", s.createAgreement, requireActor)
	v1.GET("/agreements", s.listAgreements, requireActor)
	v1.GET("/agreements/:id", s.getAgreement, requireActor)
	v1.PATCH("/agreements/:id", s.updateAgreement, requireActor)
	v1.GET("/agreements/:id/history", s.agreementHistory, requireActor)

	v1.GET("/stats/agreements", s.agreementStats, requireActor)
	v1.GET("/stats/overview", s.statsOverview, requireActor)

	v1.POST("/webhooks", s.createWebhook, requireActor)
	v1.GET("/webhooks", s.listWebhooks, requireActor)
	v1.GET("/webhooks/:id", s.getWebhook, requireActor)
	v1.PATCH("/webhooks/:id", s.updateWebhook, requireActor)
	v1.DELETE("/webhooks/:id", s.deleteWebhook, requireActor)
	v1.POST("/webhooks/:id/rotate-secret", s.rotateWebhookSecret, requireActor)
	v1.POST("/webhooks/:id/test", s.testWebhook, requireActor)
	v1.GET("/webhooks/:id/deliveries", s.webhookDeliveries, requireActor)
	v1.POST("/webhooks/:id/deliveries/:delivery_id/redeliver", s.redeliverWebhook, requireActor)
}

// Imports get a larger body limit than every other route.
func isImport(c echo.Context) bool  { return strings.HasSuffix(c.Path(), "/import") }
func notImport(c echo.Context) bool { return !isImport(c) }

package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	echoSwagger "github.com/swaggo/echo-swagger"

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
			ExposeHeaders: []string{"ETag", echo.HeaderLocation, "Link", echo.HeaderXRequestID, echo.HeaderRetryAfter},
			MaxAge:        600,
		}))
	}
	e.Use(middleware.BodyLimit(cfg.BodyLimit), s.authenticate)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metrics.handler)
	e.GET("/swagger/*", echoSwagger.WrapHandler)

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
}

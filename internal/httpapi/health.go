package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

type healthResponse struct {
	Status  string `json:"status" enums:"ok,ready" example:"ok"`
	Version string `json:"version,omitempty" example:"1.0.0"`
}

// healthz godoc
//
//	@Summary		Liveness
//	@Description	Answers 200 while the process serves HTTP; it does not touch the database.
//	@ID			checkHealth
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	healthResponse
//	@Router			/healthz [get]
//	@Router			/healthz [head]
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, healthResponse{Status: "ok", Version: s.version})
}

// readyz godoc
//
//	@Summary		Readiness
//	@Description	Answers 200 when the matching index is built and the database answers, 503 otherwise (detail "building index" while the index builds at start).
//	@ID			checkReadiness
//	@Tags			operations
//	@Produce		json
//	@Success		200	{object}	healthResponse
//	@Failure		503	{object}	problem
//	@Router			/readyz [get]
//	@Router			/readyz [head]
func (s *Server) readyz(c echo.Context) error {
	if s.draining.Load() {
		return transfer.Errorf(transfer.ErrUnavailable, "shutting down")
	}
	if err := s.readiness.Ready(c.Request().Context()); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, healthResponse{Status: "ready", Version: s.version})
}

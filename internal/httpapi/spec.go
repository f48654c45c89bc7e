package httpapi

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"

	"github.com/techbridge/techbridge/api"
)

// openAPI serves the OpenAPI 3.1 document, the contract partners generate
// clients from. It is public, like the Swagger UI that reads it.
func (s *Server) openAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, "application/json", api.OpenAPI)
}

// problemType describes one problem type, so that a problem's type URI,
// resolved against the API's origin, leads to what it means.
func (s *Server) problemType(c echo.Context) error {
	uri := "/problems/" + c.Param("type")
	for _, t := range ProblemTypes {
		if t.URI == uri {
			return c.String(http.StatusOK, fmt.Sprintf("%s\n\n%d %s\n\n%s\n", t.URI, t.Status, t.Title, t.Description))
		}
	}
	return echo.ErrNotFound
}

// swaggerUI serves Swagger UI over the OpenAPI 3.1 document, the one that
// knows the oauth2 and bearer schemes; swag's 2.0 document stays selectable.
func swaggerUI() echo.HandlerFunc {
	return echoSwagger.EchoWrapHandler(func(c *echoSwagger.Config) {
		c.URLs = []string{"/openapi.json", "doc.json"}
	}, echoSwagger.PersistAuthorization(true))
}

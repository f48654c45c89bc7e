package api

import _ "embed"

// OpenAPI is the OpenAPI 3.1 document (openapi.json) that cmd/specgen derives
// from the swag output; the server publishes it at /openapi.json and Swagger UI
// reads it from there. This file is written by hand: swag leaves it alone.
//
//go:embed openapi.json
var OpenAPI []byte

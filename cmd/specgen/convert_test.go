package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestConvert checks on the real swag output what conversion alone would
// get wrong; the httpapi contract test checks the result against traffic.
func TestConvert(t *testing.T) {
	raw, err := os.ReadFile("../../api/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := convert(raw)
	if err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != "/" {
		t.Fatalf("openapi %s, servers %+v", doc.OpenAPI, doc.Servers)
	}
	oauth := doc.Components.SecuritySchemes["oauth2"].Value
	if oauth.Flows.ClientCredentials.TokenURL != "/api/v1/oauth/token" {
		t.Errorf("oauth2 token URL %q", oauth.Flows.ClientCredentials.TokenURL)
	}
	if b := doc.Components.SecuritySchemes["bearerAuth"].Value; b.Type != "http" || b.Scheme != "bearer" {
		t.Errorf("bearer scheme %+v", b)
	}
	op := func(method, path string) *openapi3.Operation {
		t.Helper()
		o := doc.Paths.Find(path).GetOperation(method)
		if o == nil {
			t.Fatalf("no %s %s", method, path)
		}
		return o
	}
	if s := op("POST", "/api/v1/auth/login").Security; s == nil || len(*s) != 0 {
		t.Errorf("login security %v, want []", s)
	}
	if s := op("GET", "/healthz").Security; s == nil || len(*s) != 0 {
		t.Errorf("healthz security %v, want [] (and no /api/v1 prefix)", s)
	}
	create := op("POST", "/api/v1/demands")
	if create.OperationID != "createDemand" || len(*create.Security) != 2 {
		t.Errorf("createDemand: id %q, security %v", create.OperationID, create.Security)
	}
	created := create.Responses.Status(201).Value
	for _, h := range []string{"Location", "ETag", "Idempotent-Replayed", "X-Request-ID"} {
		if created.Headers[h] == nil {
			t.Errorf("createDemand 201 lacks %s", h)
		}
	}
	for _, code := range []int{400, 401, 409, 413, 415, 422, 500, 503} {
		r := create.Responses.Status(code)
		if r == nil || r.Value.Content.Get("application/problem+json") == nil {
			t.Errorf("createDemand %d is not a problem response", code)
			continue
		}
		if !strings.Contains(*r.Value.Description, "/problems/") {
			t.Errorf("createDemand %d names no problem type: %q", code, *r.Value.Description)
		}
	}
	if h := op("GET", "/api/v1/offers").Responses.Status(200).Value.Headers; h["Link"] == nil {
		t.Error("listOffers 200 lacks Link")
	}
	csvIn := op("POST", "/api/v1/offers/import").RequestBody.Value.Content.Get("text/csv")
	if csvIn == nil || !csvIn.Schema.Value.Type.Is("string") {
		t.Errorf("import CSV body %+v", csvIn)
	}
	csvOut := op("GET", "/api/v1/stats/agreements").Responses.Status(200).Value.Content.Get("text/csv")
	if csvOut == nil || !csvOut.Schema.Value.Type.Is("string") {
		t.Errorf("statistics CSV %+v", csvOut)
	}
	req := doc.Components.Schemas["DemandRequest"].Value
	for _, f := range []string{"title", "summary", "language", "sector"} {
		if !slices.Contains(req.Required, f) {
			t.Errorf("DemandRequest.%s is not required", f)
		}
	}
	if ref := req.Properties["sector"].Ref; ref != "#/components/schemas/Sector" {
		t.Errorf("DemandRequest.sector is %q, not the Sector vocabulary", ref)
	}
	if n := len(doc.Components.Schemas["CountryCode"].Value.Enum); n < 240 {
		t.Errorf("CountryCode has %d values", n)
	}
	if f := doc.Components.Schemas["DemandResponse"].Value.Properties["created_at"].Value; f.Format != "date-time" || !f.ReadOnly {
		t.Errorf("DemandResponse.created_at: format %q, readOnly %v", f.Format, f.ReadOnly)
	}
	if types := doc.Components.Schemas["YearRow"].Value.Properties["year"].Value.Type; !types.Includes("null") {
		t.Errorf("YearRow.year is not nullable: %v", types)
	}
}

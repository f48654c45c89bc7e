//go:build ignore

// A partner's Go client for techbridge, generated from the OpenAPI document
// with oapi-codegen: the README walk-through's partner steps. It is built
// (and, with TECHBRIDGE_URL set, run) by docs/contract/go-client-check.sh,
// which generates the techbridge package beside it; the build tag keeps it
// out of this repository's own build.
package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"

	"golang.org/x/oauth2"

	"example.com/partner/techbridge"
)

func main() {
	ctx := context.Background()
	base := getenv("TECHBRIDGE_URL", "http://localhost:8080")

	// People log in; machine clients would use golang.org/x/oauth2/clientcredentials
	// with TokenURL base+"/api/v1/oauth/token" instead, and the same client below.
	anon, err := techbridge.NewClientWithResponses(base)
	if err != nil {
		log.Fatal(err)
	}
	login, err := anon.LoginWithResponse(ctx, techbridge.LoginRequest{
		Email: getenv("TECHBRIDGE_EMAIL", "admin@localhost"), Password: os.Getenv("TECHBRIDGE_PASSWORD")})
	if err != nil {
		log.Fatal(err)
	}
	if login.JSON200 == nil {
		log.Fatalf("login: %d %s", login.StatusCode(), login.Body)
	}
	httpClient := oauth2.NewClient(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: login.JSON200.AccessToken}))
	api, err := techbridge.NewClientWithResponses(base, techbridge.WithHTTPClient(httpClient))
	if err != nil {
		log.Fatal(err)
	}

	inst, err := api.CreateInstitutionWithResponse(ctx, nil, techbridge.CreateInstitutionJSONRequestBody{
		Name: "Con Dao Power", Country: "VN", Type: "enterprise", Sectors: &[]techbridge.Sector{"new_energy"}})
	if err != nil || inst.JSON201 == nil {
		log.Fatalf("institution: %v %s", err, body(inst.HTTPResponse, inst.Body))
	}
	key := "example-" + inst.JSON201.Id
	demand, err := api.CreateDemandWithResponse(ctx, &techbridge.CreateDemandParams{IdempotencyKey: &key},
		techbridge.DemandRequest{
			InstitutionId: &inst.JSON201.Id,
			Title:         "Battery energy storage for an island grid",
			Summary:       "We need lithium battery storage to stabilise the diesel and solar micro-grid on Con Dao island",
			Language:      "en",
			Sector:        "new_energy",
			Subsector:     ptr(techbridge.Subsector("energy_storage")),
			TransferModes: &[]techbridge.TransferMode{"licensing"},
		})
	if err != nil || demand.JSON201 == nil {
		log.Fatalf("demand: %v %s", err, body(demand.HTTPResponse, demand.Body))
	}
	id := demand.JSON201.Id
	fmt.Printf("demand %s, ETag %s\n", id, demand.HTTPResponse.Header.Get("ETag"))

	// Errors are problem documents with a stable type.
	missing, err := api.GetOfferWithResponse(ctx, "00000000-0000-0000-0000-000000000000")
	if err != nil {
		log.Fatal(err)
	}
	if p := missing.ApplicationproblemJSON404; p == nil || p.Type != "/problems/not-found" {
		log.Fatalf("want a /problems/not-found problem, got %d %s", missing.StatusCode(), missing.Body)
	}
	fmt.Printf("missing offer: %d %s\n", missing.StatusCode(), missing.ApplicationproblemJSON404.Type)
}

func body(r *http.Response, b []byte) string {
	if r == nil {
		return ""
	}
	return fmt.Sprintf("%d %s", r.StatusCode, b)
}

func getenv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func ptr[T any](v T) *T { return &v }

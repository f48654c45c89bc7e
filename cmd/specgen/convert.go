package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3conv"

	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/transfer"
)

const (
	problemSchema = "Problem"
	problemJSON   = "application/problem+json"
	refSchemas    = "#/components/schemas/"
	refHeaders    = "#/components/headers/"
)

// basePath is where the API lives; rootPaths are served at the root of the
// host instead (swag puts every path under its one @BasePath).
const basePath = "/api/v1"

var rootPaths = map[string]bool{"/healthz": true, "/readyz": true}

// convert turns swag's Swagger 2.0 document into the published OpenAPI 3.1 one.
func convert(raw []byte) (*openapi3.T, error) {
	raw, err := renameDefinitions(raw)
	if err != nil {
		return nil, err
	}
	var doc2 openapi2.T
	if err := json.Unmarshal(raw, &doc2); err != nil {
		return nil, fmt.Errorf("read swagger 2.0: %w", err)
	}
	doc, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, fmt.Errorf("convert to 3.0: %w", err)
	}
	// One relative server, the root of the host that serves the document,
	// and full paths (/api/v1/offers): generated clients take a single base
	// URL (oapi-codegen and openapi-fetch ignore path-level servers, which
	// /healthz and /readyz would need under a /api/v1 server), and Prism's
	// validating proxy forwards the request path unchanged, so it finds no
	// operation under a server with a path.
	doc.Servers = openapi3.Servers{{URL: "/", Description: "the host that serves this document"}}
	paths := openapi3.NewPaths()
	for path, item := range doc.Paths.Map() {
		if !rootPaths[path] {
			path = basePath + path
		}
		paths.Set(path, item)
	}
	doc.Paths = paths
	securitySchemes(doc)
	headers(doc)
	vocabs := vocabularies()
	for name, ref := range doc.Components.Schemas {
		schema(name, ref.Value, vocabs)
	}
	for name, v := range vocabs {
		doc.Components.Schemas[name] = &openapi3.SchemaRef{Value: v}
	}
	defer func() { // vocabularies no schema or parameter uses are left out
		b, _ := json.Marshal(doc)
		for name := range vocabs {
			if !strings.Contains(string(b), `"`+refSchemas+name+`"`) {
				delete(doc.Components.Schemas, name)
			}
		}
	}()
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if err := operation(doc, path, method, op, vocabs); err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, path, err)
			}
		}
	}
	openapi3conv.Upgrade(doc)
	// Upgrade names the newest 3.x it knows; the forms it writes are 3.1's,
	// and 3.1 is what today's generators and linters read.
	doc.OpenAPI = "3.1.0"
	return doc, nil
}

// schemaNames renames the schemas whose names generators would give to
// something else: oapi-codegen names the response wrapper of operation
// createClient CreateClientResponse, and its constructor NewClient.
var schemaNames = map[string]string{"CreateClientResponse": "ClientWithSecret"}

// renameDefinitions drops swag's Go package prefixes (httpapi.offerResponse
// becomes OfferResponse), so that generated types get plain names.
func renameDefinitions(raw []byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	defs, _ := doc["definitions"].(map[string]any)
	names := slices.Sorted(maps.Keys(defs))
	pairs := []string{}
	for _, old := range names {
		name := old[strings.LastIndexByte(old, '.')+1:]
		name = strings.ToUpper(name[:1]) + name[1:]
		if n, ok := schemaNames[name]; ok {
			name = n
		}
		pairs = append(pairs, `"#/definitions/`+old+`"`, `"#/definitions/`+name+`"`)
		renamed := defs[old]
		delete(defs, old)
		defs[name] = renamed
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return []byte(strings.NewReplacer(pairs...).Replace(string(b))), nil
}

func securitySchemes(doc *openapi3.T) {
	doc.Components.SecuritySchemes = openapi3.SecuritySchemes{
		"bearerAuth": {Value: &openapi3.SecurityScheme{Type: "http", Scheme: "bearer", BearerFormat: "JWT",
			Description: "An access token from POST /auth/login, /auth/refresh or /oauth/token, sent as Authorization: Bearer followed by the token."}},
		"oauth2": {Value: &openapi3.SecurityScheme{Type: "oauth2",
			Description: "Partner machine clients: the OAuth 2.0 client-credentials grant (RFC 6749 section 4.4). Staff create the client for an institution; the secret is shown once.",
			Flows: &openapi3.OAuthFlows{ClientCredentials: &openapi3.OAuthFlow{
				TokenURL: "/api/v1/oauth/token", Scopes: map[string]string{}}}}},
	}
}

// headers are the response headers the middleware and handlers send.
func headers(doc *openapi3.T) {
	str := func(desc string, format string) *openapi3.HeaderRef {
		s := openapi3.NewStringSchema()
		s.Format = format
		return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
			Description: desc, Schema: s.NewRef()}}}
	}
	retry := openapi3.NewIntegerSchema()
	retry.Min = new(float64)
	doc.Components.Headers = openapi3.Headers{
		"X-Request-ID": str("Identifies the request in the server's logs; sent on every response (and taken from the request when the client sends one). Quote it when reporting a problem.", ""),
		"ETag":         str(`The resource's version as an entity tag, e.g. "3"; send it back in If-Match.`, ""),
		"Location":     str("Path of the created resource.", "uri-reference"),
		"Link":         str(`<...>; rel="next" with the URL of the next page, when there is one.`, ""),
		"Retry-After": {Value: &openapi3.Header{Parameter: openapi3.Parameter{
			Description: "Seconds to wait before retrying.", Schema: retry.NewRef()}}},
		"Idempotent-Replayed": {Value: &openapi3.Header{Parameter: openapi3.Parameter{
			Description: "true when this is the stored response of an earlier request with the same Idempotency-Key.",
			Schema:      openapi3.NewStringSchema().WithEnum("true").NewRef()}}},
		"WWW-Authenticate": str(`The authentication scheme to use: Bearer realm="techbridge".`, ""),
	}
}

// vocabulary names the controlled vocabulary (a component schema of
// vocabularies) that a property or query parameter takes its values from.
func vocabulary(schemaName, prop string) string {
	agreement := strings.HasPrefix(schemaName, "Agreement") || schemaName == "getAgreementStats" || schemaName == "listAgreements"
	switch prop {
	case "sector", "sectors":
		return "Sector"
	case "subsector":
		return "Subsector"
	case "transfer_mode", "transfer_modes":
		return "TransferMode"
	case "ip_status":
		return "IPStatus"
	case "country", "target_countries", "source_countries":
		return "CountryCode"
	case "currency":
		return "CurrencyCode"
	case "language":
		return "LanguageCode"
	case "events":
		if strings.HasPrefix(schemaName, "Endpoint") {
			return "WebhookEvent"
		}
	case "role":
		if strings.HasPrefix(schemaName, "Party") {
			return "PartyRole"
		}
	case "type":
		switch {
		case agreement:
			return "AgreementType"
		case strings.HasPrefix(schemaName, "Institution") || strings.HasSuffix(schemaName, "InstitutionRequest") || schemaName == "listInstitutions":
			return "InstitutionType"
		}
	case "status":
		if agreement {
			return "AgreementStatus"
		}
	}
	return ""
}

// vocabularies are the values the domain accepts; they come from the
// transfer package, so the contract cannot drift from the validation.
func vocabularies() map[string]*openapi3.Schema {
	var subsectors []string
	for _, subs := range transfer.Sectors {
		subsectors = append(subsectors, subs...)
	}
	sort.Strings(subsectors)
	enum := func(desc string, values []string) *openapi3.Schema {
		s := describedString(desc)
		s.Enum = anys(values)
		return s
	}
	return map[string]*openapi3.Schema{
		"Sector":          enum("Technology sector.", slices.Sorted(maps.Keys(transfer.Sectors))),
		"Subsector":       enum("Subsector; it must belong to the sector given with it (GET /vocabulary lists them per sector).", subsectors),
		"TransferMode":    enum("How a technology changes hands.", transfer.TransferModes),
		"IPStatus":        enum("Intellectual-property status of an offer.", transfer.IPStatuses),
		"CountryCode":     enum("ISO 3166-1 alpha-2 country code.", transfer.Countries()),
		"CurrencyCode":    enum("ISO 4217 currency code.", transfer.Currencies()),
		"LanguageCode":    enum("BCP 47 primary language subtag.", transfer.Languages()),
		"PartyRole":       enum("A party's role in an agreement.", transfer.PartyRoles),
		"AgreementType":   enum("Agreement type; the first five follow China's technology-contract categories.", transfer.AgreementTypes),
		"AgreementStatus": enum("Agreement status; planned means to be signed.", transfer.AgreementStatuses),
		"InstitutionType": enum("Kind of institution.", transfer.InstitutionTypes),
		"WebhookEvent":    enum("A kind of event a webhook endpoint may subscribe to.", transfer.WebhookEvents),
	}
}

// schema adds what the Go types cannot tell swag.
func schema(name string, s *openapi3.Schema, vocabs map[string]*openapi3.Schema) {
	response := strings.HasSuffix(name, "Response")
	for prop, ref := range s.Properties {
		p := ref.Value
		if p == nil || ref.Ref != "" {
			continue
		}
		target := p
		if p.Type.Is("array") && p.Items != nil && p.Items.Ref == "" && p.Items.Value != nil {
			target = p.Items.Value
		}
		if target.Type.Is("string") && len(target.Enum) == 0 {
			if v := vocabulary(name, prop); v != "" {
				vocab := openapi3.NewSchemaRef(refSchemas+v, vocabs[v])
				if target.Nullable { // a group key of a statistics row, say
					vocab = &openapi3.SchemaRef{Value: &openapi3.Schema{AnyOf: openapi3.SchemaRefs{
						vocab, {Value: &openapi3.Schema{Type: &openapi3.Types{"null"}}}}}}
				}
				if target == p {
					s.Properties[prop] = vocab
				} else {
					p.Items = vocab
				}
				continue
			}
		}
		if _, ok := p.Extensions["x-nullable-values"]; ok && p.AdditionalProperties.Schema != nil {
			// A map whose values a PATCH may send as null (to remove that key).
			delete(p.Extensions, "x-nullable-values")
			p.AdditionalProperties.Schema = &openapi3.SchemaRef{Value: &openapi3.Schema{AnyOf: openapi3.SchemaRefs{
				p.AdditionalProperties.Schema, {Value: &openapi3.Schema{Type: &openapi3.Types{"null"}}}}}}
		}
		if p.IsEmpty() { // Go's any: whatever JSON value was recorded, null included
			// Spelled out rather than {}: validators that read the schema with
			// OpenAPI 3.0 rules take {} to refuse null.
			p.Description = "any JSON value, null included"
			p.AnyOf = openapi3.SchemaRefs{{Value: &openapi3.Schema{}}, {Value: &openapi3.Schema{Type: &openapi3.Types{"null"}}}}
		}
		if p.Type.Is("string") && p.Format == "" {
			switch {
			case strings.HasSuffix(prop, "_at") || prop == "deadline":
				p.Format = "date-time"
			case strings.HasSuffix(prop, "_on"):
				p.Format = "date"
			}
		}
		if !response && p.Default != nil {
			// The server fills it in when absent. As a default in a request
			// schema, openapi-typescript would make the field mandatory.
			p.Description = strings.TrimSpace(fmt.Sprintf("%s Default when absent: %v.", p.Description, p.Default))
			p.Default = nil
		}
		if response && (prop == "id" || prop == "version" || prop == "created_at" || prop == "updated_at") {
			p.ReadOnly = true
		}
	}
	if name == problemSchema {
		var b strings.Builder
		b.WriteString("A stable URI reference naming the kind of error; compare it as a string. It resolves against the API's origin, where it is described. One of:")
		for _, t := range httpapi.ProblemTypes {
			fmt.Fprintf(&b, "\n- `%s` (%d): %s", t.URI, t.Status, t.Description)
		}
		s.Properties["type"].Value.Description = b.String()
		s.Properties["type"].Value.Example = nil
		s.Properties["type"].Value.Examples = []any{httpapi.ProblemTypes[0].URI}
	}
}

func anys(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

// operation completes one operation.
func operation(doc *openapi3.T, path, method string, op *openapi3.Operation, vocabs map[string]*openapi3.Schema) error {
	if op.OperationID == "" {
		return fmt.Errorf("no operationId: add @ID to its annotations")
	}
	if method == http.MethodHead { // one annotation block serves GET and HEAD
		op.OperationID += "Head"
	}
	if wrapper := strings.ToUpper(op.OperationID[:1]) + op.OperationID[1:] + "Response"; doc.Components.Schemas[wrapper] != nil {
		return fmt.Errorf("schema %s collides with the response type generators make for %s: rename it in schemaNames", wrapper, op.OperationID)
	}
	secured := op.Security != nil && len(*op.Security) > 0
	if secured {
		op.Security = &openapi3.SecurityRequirements{{"bearerAuth": {}}, {"oauth2": {}}}
	} else {
		op.Security = &openapi3.SecurityRequirements{}
	}

	idempotent, ifMatch := false, false
	for _, p := range op.Parameters {
		switch {
		case p.Value.In == "header" && p.Value.Name == "Idempotency-Key":
			idempotent = true
			p.Value.Schema.Value.MinLength = 1
			p.Value.Schema.Value.MaxLength = ptr(uint64(255))
			p.Value.Schema.Value.Pattern = `^[!-~]+$`
		case p.Value.In == "header" && p.Value.Name == "If-Match":
			ifMatch = true
			p.Value.Schema.Value.Pattern = `^(W/)?"[0-9]+"$`
		case p.Value.In == "query":
			s := p.Value.Schema.Value
			if s.Type.Is("string") && len(s.Enum) == 0 {
				if v := vocabulary(op.OperationID, p.Value.Name); v != "" {
					p.Value.Schema = openapi3.NewSchemaRef(refSchemas+v, vocabs[v])
				}
			}
			if p.Value.Name == "updated_since" {
				s.Format = "date-time"
			}
		}
	}

	// Request bodies: CSV is text, not the JSON schema swag repeats for it.
	hasBody := op.RequestBody != nil && op.RequestBody.Value != nil
	if hasBody {
		for mt, m := range op.RequestBody.Value.Content {
			if mt == "text/csv" {
				m.Schema = describedString("A header row naming the fields, then one row per item; list cells separate values with ';'.").NewRef()
			}
		}
	}

	add := func(status int) {
		code := strconv.Itoa(status)
		if op.Responses.Value(code) == nil {
			op.Responses.Set(code, &openapi3.ResponseRef{Value: openapi3.NewResponse().
				WithDescription(http.StatusText(status)).WithJSONSchemaRef(openapi3.NewSchemaRef(refSchemas+problemSchema, nil))})
		}
	}
	if secured {
		add(http.StatusUnauthorized)
	}
	if strings.Contains(path, "{") {
		add(http.StatusNotFound)
	}
	if hasBody {
		add(http.StatusBadRequest)
		add(http.StatusRequestEntityTooLarge)
		add(http.StatusUnsupportedMediaType)
		add(http.StatusUnprocessableEntity)
	}
	if idempotent {
		add(http.StatusConflict)
		add(http.StatusUnprocessableEntity)
	}
	if ifMatch {
		add(http.StatusBadRequest)
		add(http.StatusPreconditionFailed)
	}
	if len(op.Parameters) > 0 {
		for _, p := range op.Parameters {
			if p.Value.In == "query" {
				add(http.StatusBadRequest)
				break
			}
		}
	}
	// Text that is not valid UTF-8 or holds NUL, in the path, query or
	// headers, is refused before any route sees it.
	add(http.StatusUnprocessableEntity)
	if path != "/healthz" {
		add(http.StatusServiceUnavailable)
	}
	add(http.StatusInternalServerError)

	for code, ref := range op.Responses.Map() {
		r := ref.Value
		status, _ := strconv.Atoi(code)
		if r.Headers == nil {
			r.Headers = openapi3.Headers{}
		}
		header := func(name string) { r.Headers[name] = &openapi3.HeaderRef{Ref: refHeaders + name} }
		header("X-Request-ID")
		if mt := r.Content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Ref == refSchemas+problemSchema {
			r.Content = openapi3.Content{problemJSON: mt}
			t := problemType(status)
			if t == "" {
				return fmt.Errorf("status %d has no problem type", status)
			}
			desc := http.StatusText(status)
			if r.Description != nil && *r.Description != "" && *r.Description != desc {
				desc += ": " + *r.Description
			}
			desc += " (problem type " + t + ")"
			r.Description = &desc
		}
		switch {
		case status == http.StatusUnauthorized:
			header("WWW-Authenticate")
		case status == http.StatusTooManyRequests, status == http.StatusServiceUnavailable:
			header("Retry-After")
		case status == http.StatusConflict && idempotent:
			header("Retry-After")
		}
		if idempotent && status < 500 { // every stored answer is replayed, refusals too
			header("Idempotent-Replayed")
		}
		switch {
		case status >= 200 && status < 300:
			if mt := r.Content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Ref != "" {
				target := doc.Components.Schemas[strings.TrimPrefix(mt.Schema.Ref, refSchemas)]
				if v := target.Value.Properties["version"]; target != nil && v != nil && v.Value.Type.Is("integer") {
					header("ETag")
				}
				if target != nil && target.Value.Properties["next_cursor"] != nil {
					header("Link")
				}
			}
			if mt := r.Content.Get("text/csv"); mt != nil {
				mt.Schema = describedString("CSV with a header row.").NewRef()
			}
			// A page or a text file is never JSON (the json @Produce is
			// there for the problems of the other statuses).
			if r.Content.Get("text/html") != nil || r.Content.Get("text/plain") != nil {
				delete(r.Content, "application/json")
			}
			if mt := r.Content.Get("text/calendar"); mt != nil {
				mt.Schema = describedString("iCalendar (RFC 5545).").NewRef()
			}
			if status == http.StatusCreated {
				header("Location")
			}
		}
		// Keep the named headers the annotations gave, but as references.
		for name, h := range r.Headers {
			if h.Ref == "" && doc.Components.Headers[name] != nil {
				r.Headers[name] = &openapi3.HeaderRef{Ref: refHeaders + name}
			}
		}
	}
	return nil
}

func problemType(status int) string {
	for _, t := range httpapi.ProblemTypes {
		if t.Status == status {
			return t.URI
		}
	}
	return ""
}

func describedString(desc string) *openapi3.Schema {
	s := openapi3.NewStringSchema()
	s.Description = desc
	return s
}

func ptr[T any](v T) *T { return &v }

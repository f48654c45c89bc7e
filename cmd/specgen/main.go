// Command specgen derives the OpenAPI 3.1 document (api/openapi.json) from the
// Swagger 2.0 document that swag writes from the annotations (api/swagger.json).
//
// The annotations stay the source of every operation, parameter and schema.
// kin-openapi converts 2.0 to 3.0 and 3.0 to 3.1; this program then adds what
// Swagger 2.0 cannot say or swag cannot see: problem+json and CSV media types,
// the headers every response carries, the statuses the middleware answers
// with, the OAuth 2.0 scheme, the vocabularies (from the domain, so they
// cannot drift), timestamps' formats and the relative server URL. It is run by
// `make spec`; CI fails when its output is stale.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/getkin/kin-openapi/openapi3"
)

func main() {
	in := flag.String("in", "api/swagger.json", "Swagger 2.0 document written by swag")
	out := flag.String("out", "api/openapi.json", "OpenAPI 3.1 document to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "specgen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	doc, err := convert(raw)
	if err != nil {
		return err
	}
	b, err := marshal(doc)
	if err != nil {
		return err
	}
	// The document must load and validate as 3.1 with the same library the
	// tests validate traffic with.
	loaded, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	if err := loaded.Validate(context.Background()); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	return os.WriteFile(out, b, 0o644)
}

// marshal writes the document with sorted keys and two-space indentation,
// so that regenerating it gives the same bytes.
func marshal(doc *openapi3.T) ([]byte, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

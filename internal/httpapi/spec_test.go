package httpapi

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/techbridge/techbridge/api"
)

// TestIdempotencyKeyDocumented: the document offers Idempotency-Key on
// exactly the POSTs the idempotency middleware honours it on.
func TestIdempotencyKeyDocumented(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string }
		}
	}
	if err := json.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{([a-z_]+)\}`)
	posts := 0
	for path, item := range doc.Paths {
		post, ok := item["post"]
		if !ok {
			continue
		}
		posts++
		documented := false
		for _, p := range post.Parameters {
			documented = documented || p.In == "header" && p.Name == "Idempotency-Key"
		}
		honoured := !noReplay[param.ReplaceAllString(path, ":$1")]
		if documented != honoured {
			t.Errorf("POST %s: Idempotency-Key documented %v, honoured %v", path, documented, honoured)
		}
	}
	if posts < 20 {
		t.Fatalf("only %d POST operations in the document", posts)
	}
}

package httpapi

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/techbridge/techbridge/api"
)

// TestIdempotencyKeyDocumented: the document offers Idempotency-Key on
// exactly the POSTs that routes.go registers with s.idempotent (the write,
// adminWrite and bulkWrite chains).
func TestIdempotencyKeyDocumented(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string }
		}
	}
	if err := json.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	honours := map[string]bool{}
	for _, m := range regexp.MustCompile(`v1\.POST\("([^"]+)", s\.\w+, (\w+)`).FindAllStringSubmatch(string(src), -1) {
		honours["/api/v1"+m[1]] = m[2] == "write" || m[2] == "adminWrite" || m[2] == "bulkWrite"
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
		honoured, ok := honours[param.ReplaceAllString(path, ":$1")]
		if !ok {
			t.Errorf("POST %s: not found in routes.go", path)
		}
		if documented != honoured {
			t.Errorf("POST %s: Idempotency-Key documented %v, honoured %v", path, documented, honoured)
		}
	}
	if posts < 20 {
		t.Fatalf("only %d POST operations in the document", posts)
	}
}

package httpapi_test

import (
	"fmt"
	"sync/atomic"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Lexicon routes in the access table: staff and admins only. Relations:
// "added" (a concept staff added), "missing".
var conceptSeq atomic.Int64

// conceptBody is a fresh concept whose terms no other concept has.
func conceptBody() map[string]any {
	n := conceptSeq.Add(1)
	w := fmt.Sprintf("qzx%dv", n)
	return map[string]any{"id": fmt.Sprintf("test_concept_%d", n), "subsectors": []string{"agri_processing"},
		"terms": map[string][]string{"en": {w + " en"}, "zh": {w + "中"}, "id": {w + " id"}, "vi": {w + " vi"}, "th": {w + "ไทย"}, "ms": {w + " ms"}}}
}

func (api *testAPI) conceptFor(rel string) string {
	api.t.Helper()
	if rel == "missing" {
		return "no_such_concept"
	}
	b := conceptBody()
	c, err := api.svc.CreateLexiconConcept(ctx, api.staff.Actor(), transfer.LexiconConcept{ID: b["id"].(string),
		Subsectors: b["subsectors"].([]string), Terms: b["terms"].(map[string][]string)})
	if err != nil {
		api.t.Fatal(err)
	}
	return c.ID
}

func init() {
	rels := []string{"added", "missing"}
	staffOnly := func(ok string) map[string]string {
		return map[string]string{"anon": "401 401", "admin": ok + " 404", "staff": ok + " 404",
			"partner": "403 403", "analyst": "403 403", "client": "403 403"}
	}
	onConcept := func(suffix string, body any) func(*testAPI, string) request {
		return func(api *testAPI, rel string) request {
			return request{path: "/api/v1/lexicon/concepts/" + api.conceptFor(rel) + suffix, body: body}
		}
	}
	noObject := func(ok string) map[string]string {
		return map[string]string{"anon": "401", "admin": ok, "staff": ok, "partner": "403", "analyst": "403", "client": "403"}
	}
	accessTable["GET /api/v1/lexicon/concepts"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/lexicon/concepts"), want: noObject("200")}
	accessTable["POST /api/v1/lexicon/concepts"] = accessRule{rels: []string{"-"}, want: noObject("201"),
		req: func(*testAPI, string) request { return request{path: "/api/v1/lexicon/concepts", body: conceptBody()} }}
	accessTable["GET /api/v1/lexicon/concepts/:id"] = accessRule{rels: rels, req: onConcept("", nil), want: staffOnly("200")}
	accessTable["PATCH /api/v1/lexicon/concepts/:id"] = accessRule{rels: rels,
		req: onConcept("", map[string]any{"subsectors": []string{"agri_processing", "smart_farming"}}), want: staffOnly("200")}
	accessTable["POST /api/v1/lexicon/concepts/:id/retire"] = accessRule{rels: rels, req: onConcept("/retire", nil), want: staffOnly("200")}
	accessTable["GET /api/v1/lexicon/concepts/:id/history"] = accessRule{rels: rels, req: onConcept("/history", nil), want: staffOnly("200")}
	accessTable["GET /api/v1/lexicon/export"] = accessRule{rels: []string{"-"}, req: fixed("/api/v1/lexicon/export"), want: noObject("200")}
	accessTable["POST /api/v1/lexicon/import"] = accessRule{rels: []string{"-"}, want: noObject("200"),
		req: func(*testAPI, string) request {
			b := conceptBody()
			t := b["terms"].(map[string][]string)
			text := fmt.Sprintf("[%s]\nsubsectors = agri_processing\nzh = %s\nen = %s\nid = %s\nvi = %s\nth = %s\nms = %s\n",
				b["id"], t["zh"][0], t["en"][0], t["id"][0], t["vi"][0], t["th"][0], t["ms"][0])
			return request{path: "/api/v1/lexicon/import", body: text, headers: []string{"Content-Type", "text/plain"}}
		}}
}

package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/transfer"
)

type conceptJSON struct {
	ID         string              `json:"id"`
	Subsectors []string            `json:"subsectors"`
	Terms      map[string][]string `json:"terms"`
	Origin     string              `json:"origin"`
	Retired    bool                `json:"retired"`
	Version    int                 `json:"version"`
}

func TestLexiconConcepts(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		body := conceptBody()
		id := body["id"].(string)
		var c conceptJSON
		r := api.do("staff", http.MethodPost, "/api/v1/lexicon/concepts", body).want(201)
		r.json(&c)
		if c.Origin != "staff" || c.Version != 1 || r.Header().Get("ETag") != `"1"` || r.Header().Get("Location") != "/api/v1/lexicon/concepts/"+id {
			t.Fatalf("created %+v, headers %v", c, r.Header())
		}
		api.do("staff", http.MethodPost, "/api/v1/lexicon/concepts", body).want(409)

		// Changes honour If-Match; each language sent replaces that language.
		patch := map[string]any{"terms": map[string][]string{"en": {"stingless bee propolis", "kelulut propolis"}}}
		api.do("staff", http.MethodPatch, "/api/v1/lexicon/concepts/"+id, patch, "If-Match", `"5"`).want(412)
		api.do("staff", http.MethodPatch, "/api/v1/lexicon/concepts/"+id, patch, "If-Match", `"1"`).want(200).json(&c)
		if c.Version != 2 || !slices.Equal(c.Terms["en"], []string{"stingless bee propolis", "kelulut propolis"}) || len(c.Terms["zh"]) != 1 {
			t.Fatalf("after PATCH %+v", c)
		}

		// A term another concept has in the same language: 422 naming it.
		clash := map[string]any{"terms": map[string][]string{"en": {"lithium iron phosphate battery"}}}
		p := api.do("staff", http.MethodPatch, "/api/v1/lexicon/concepts/"+id, clash).want(422).problem()
		if len(p.Errors) != 1 || p.Errors[0].Field != "terms.en[0]" || !strings.Contains(p.Errors[0].Message, "lithium_iron_phosphate_battery") {
			t.Fatalf("collision: %+v", p)
		}
		for name, bad := range map[string]map[string]any{
			"NUL":         {"terms": map[string][]string{"en": {"a\x00b"}}},
			"language":    {"terms": map[string][]string{"xx": {"a"}}},
			"empty":       {"terms": map[string][]string{"th": {}}},
			"long":        {"terms": map[string][]string{"en": {strings.Repeat("a", 101)}}},
			"pipe":        {"terms": map[string][]string{"en": {"a | b"}}},
			"subsector":   {"subsectors": []string{"quantum_cooking"}},
			"star +other": {"subsectors": []string{"*", "solar_pv"}},
			"many terms":  {"terms": map[string][]string{"en": manyTerms(21)}},
		} {
			if r := api.do("staff", http.MethodPatch, "/api/v1/lexicon/concepts/"+id, bad); r.Code != 422 {
				t.Errorf("%s: %d %s", name, r.Code, r.Body.String())
			}
		}
		api.do("staff", http.MethodPatch, "/api/v1/lexicon/concepts/"+id, map[string]any{"terms": map[string][]string{"ms": manyTerms(20)}}).want(200).json(&c)
		api.do("staff", http.MethodPatch, "/api/v1/lexicon/concepts/"+id, map[string]any{"terms": map[string][]string{"ms": {"propolis kelulut"}}}).want(200).json(&c)
		bad := conceptBody()
		bad["id"] = "Not Snake"
		if p := api.do("staff", http.MethodPost, "/api/v1/lexicon/concepts", bad).want(422).problem(); p.fields()[0] != "id" {
			t.Fatalf("bad id: %+v", p)
		}

		// Shipped concepts can change too: the first change makes version 2.
		api.do("staff", http.MethodGet, "/api/v1/lexicon/concepts/seaweed_processing", nil)
		var shipped conceptJSON
		api.do("staff", http.MethodGet, "/api/v1/lexicon/concepts/lithium_iron_phosphate_battery", nil).want(200).json(&shipped)
		if shipped.Origin != "shipped" || shipped.Version != 1 {
			t.Fatalf("shipped %+v", shipped)
		}
		api.do("staff", http.MethodPatch, "/api/v1/lexicon/concepts/lithium_iron_phosphate_battery",
			map[string]any{"terms": map[string][]string{"en": {"lithium iron phosphate battery", "LFP battery", "LiFePO4", "LFP cell"}}},
			"If-Match", `"1"`).want(200).json(&shipped)
		if shipped.Origin != "staff" || shipped.Version != 2 {
			t.Fatalf("changed shipped %+v", shipped)
		}

		// Retire: listed, flagged, matching nothing; a retired one cannot change.
		api.do("staff", http.MethodPost, "/api/v1/lexicon/concepts/"+id+"/retire", nil, "If-Match", `"4"`).want(200).json(&c)
		if !c.Retired || c.Version != 5 {
			t.Fatalf("retired %+v", c)
		}
		api.do("staff", http.MethodPost, "/api/v1/lexicon/concepts/"+id+"/retire", nil).want(409)
		api.do("staff", http.MethodPatch, "/api/v1/lexicon/concepts/"+id, patch).want(409)

		var hist struct {
			Items []struct {
				Action  string         `json:"action"`
				ActorID string         `json:"actor_id"`
				Changes map[string]any `json:"changes"`
			} `json:"items"`
		}
		api.do("staff", http.MethodGet, "/api/v1/lexicon/concepts/"+id+"/history", nil).want(200).json(&hist)
		var actions []string
		for _, h := range hist.Items {
			actions = append(actions, h.Action)
		}
		if strings.Join(actions, ",") != "created,updated,updated,updated,retired" || hist.Items[0].ActorID != api.staff.ID || hist.Items[4].Changes["retired"] == nil {
			t.Fatalf("history %+v", hist)
		}

		// The list pages through shipped then added concepts.
		var page struct {
			Items      []conceptJSON `json:"items"`
			NextCursor string        `json:"next_cursor"`
			Total      int           `json:"total"`
		}
		api.do("staff", http.MethodGet, "/api/v1/lexicon/concepts?limit=100", nil).want(200).json(&page)
		total, seen := page.Total, len(page.Items)
		for page.NextCursor != "" {
			next := page.NextCursor
			page.Items, page.NextCursor = nil, ""
			api.do("staff", http.MethodGet, "/api/v1/lexicon/concepts?limit=100&cursor="+next, nil).want(200).json(&page)
			seen += len(page.Items)
		}
		if seen != total || total < 600 || page.Items[len(page.Items)-1].ID != id {
			t.Fatalf("paged %d of %d, last %+v", seen, total, page.Items[len(page.Items)-1])
		}
		api.do("staff", http.MethodGet, "/api/v1/lexicon/concepts?q=kelulut", nil).want(200).json(&page)
		if page.Total != 1 || page.Items[0].ID != id {
			t.Fatalf("q=kelulut: %+v", page)
		}
		api.do("staff", http.MethodGet, "/api/v1/lexicon/concepts?cursor=forged", nil).want(400)
		api.do("staff", http.MethodGet, "/api/v1/lexicon/concepts?limit=-1", nil).want(422)
	})
}

func manyTerms(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("many term %d", i)
	}
	return out
}

func TestLexiconExportImport(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		r := api.do("staff", http.MethodGet, "/api/v1/lexicon/export", nil).want(200)
		text := r.Body.String()
		if !strings.HasPrefix(r.Header().Get("Content-Type"), "text/plain") || !strings.Contains(text, "[lithium_iron_phosphate_battery]") {
			t.Fatalf("export: %s %.200s", r.Header().Get("Content-Type"), text)
		}
		before := api.svc.MatchingVersion()
		imp := "[stingless_bee_propolis]\nsubsectors = traditional_medicine\nzh = 无刺蜂蜂胶\nen = stingless bee propolis\nid = propolis lebah tanpa sengat\n" +
			"vi = keo ong không ngòi\nth = พรอพอลิสจากชันโรง\nms = propolis kelulut\n\n" +
			"[lithium_iron_phosphate_battery]\nsubsectors = energy_storage, electric_vehicles\nen = lithium iron phosphate battery | LFP battery\n" +
			"zh = 磷酸铁锂电池\nid = baterai litium besi fosfat\nvi = pin lithium sắt phốt phát\nth = แบตเตอรี่ลิเธียมไอรอนฟอสเฟต\nms = bateri litium ferum fosfat\n"
		var res struct {
			Created, Updated, Unchanged int
			AlgorithmVersion            string `json:"algorithm_version"`
		}
		api.do("staff", http.MethodPost, "/api/v1/lexicon/import", imp, "Content-Type", "text/plain").want(200).json(&res)
		if res.Created != 1 || res.Updated != 1 || res.AlgorithmVersion == before || res.AlgorithmVersion != api.svc.MatchingVersion() {
			t.Fatalf("import %+v (version before %s)", res, before)
		}
		api.do("staff", http.MethodPost, "/api/v1/lexicon/import", imp, "Content-Type", "text/plain").want(200).json(&res)
		if res.Created != 0 || res.Updated != 0 || res.Unchanged != 2 {
			t.Fatalf("import again %+v", res)
		}
		text = api.do("staff", http.MethodGet, "/api/v1/lexicon/export", nil).want(200).Body.String()
		if !strings.Contains(text, "[stingless_bee_propolis]") || !strings.Contains(text, "en = lithium iron phosphate battery | LFP battery\n") {
			t.Fatalf("export after import lacks the imported concepts")
		}
		// Errors name the line, or the concept and the other concept.
		p := api.do("staff", http.MethodPost, "/api/v1/lexicon/import", "[ok_id]\nsubsectors = solar_pv\nfr = x\n", "Content-Type", "text/plain").want(422).problem()
		if p.fields()[0] != "line 3" {
			t.Fatalf("bad line: %+v", p)
		}
		clash := strings.Replace(imp[:strings.Index(imp, "\n\n")+1], "stingless_bee_propolis", "propolis_again", 1)
		p = api.do("staff", http.MethodPost, "/api/v1/lexicon/import", clash, "Content-Type", "text/plain").want(422).problem()
		if !strings.Contains(p.Errors[0].Message, "stingless_bee_propolis") || !strings.HasPrefix(p.Errors[0].Field, "propolis_again.terms.") {
			t.Fatalf("collision: %+v", p)
		}
		api.do("staff", http.MethodPost, "/api/v1/lexicon/import", "[a]\nsubsectors = solar_pv\nen = x\x00y\n", "Content-Type", "text/plain").want(422)
		api.do("staff", http.MethodPost, "/api/v1/lexicon/import", "[a]\nsubsectors = solar_pv\nen = x\xffy\n", "Content-Type", "text/plain").want(422)
		api.do("staff", http.MethodPost, "/api/v1/lexicon/import", "{}", "Content-Type", "application/json").want(415)
		api.do("staff", http.MethodPost, "/api/v1/lexicon/import", strings.Repeat("#", 1<<20+10), "Content-Type", "text/plain").want(413)
		var many strings.Builder
		for i := range transfer.MaxLexiconImport + 1 {
			fmt.Fprintf(&many, "[bulk_%d]\nsubsectors = solar_pv\nzh = 批%d\nen = bulk%d\nid = bulk%d\nvi = bulk%d\nth = บัลค์%d\nms = bulk%d\n\n", i, i, i, i, i, i, i)
		}
		p = api.do("staff", http.MethodPost, "/api/v1/lexicon/import", many.String(), "Content-Type", "text/plain").want(422).problem()
		if !strings.Contains(p.Detail, fmt.Sprintf("at most %d", transfer.MaxLexiconImport)) {
			t.Fatalf("too many: %+v", p)
		}
	})
}

// The limit on staff concepts holds: past it, 422.
func TestLexiconStaffLimit(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		for batch := range 4 {
			var b strings.Builder
			for i := range transfer.MaxStaffConcepts / 4 {
				n := batch*transfer.MaxStaffConcepts/4 + i
				fmt.Fprintf(&b, "[limit_%d]\nsubsectors = solar_pv\nzh = 限%d\nen = limit%d\nid = limit%d\nvi = limit%d\nth = ลิมิต%d\nms = limit%d\n\n", n, n, n, n, n, n, n)
			}
			api.do("staff", http.MethodPost, "/api/v1/lexicon/import", b.String(), "Content-Type", "text/plain").want(200)
		}
		p := api.do("staff", http.MethodPost, "/api/v1/lexicon/concepts", conceptBody()).want(422).problem()
		if !strings.Contains(p.Detail, "at most 2000") {
			t.Fatalf("over the limit: %+v", p)
		}
	})
}

package main

import (
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/store/dbtest"
)

// TestLexiconReachesEveryProcess runs two API processes on one database: a
// concept staff add through the first bridges a Thai demand and a Chinese
// offer on a topic the shipped lexicon lacks, in the second's matches too,
// and both report the same new algorithm_version. The time the second
// process takes is logged (docs/matching.md); the test waits up to 10 s so
// that a loaded machine does not fail it.
func TestLexiconReachesEveryProcess(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			env := envFor(t, dialect)
			a := start(t, env)
			defer a.stop()
			password := waitFor(t, a.stdout, passwordRe)
			b := start(t, env)
			defer b.stop()
			_, tok := call(t, "POST", a.base+"/api/v1/auth/login", "", map[string]string{"email": "admin@localhost", "password": password})
			token := tok["access_token"].(string)
			post := func(path string, body any, want int) map[string]any {
				t.Helper()
				status, out := call(t, "POST", a.base+path, token, body)
				if status != want {
					t.Fatalf("POST %s: %d %v", path, status, out)
				}
				return out
			}
			cn := post("/api/v1/institutions", map[string]any{"name": "Guangxi Apiculture Institute", "country": "CN", "type": "research_institute"}, 201)
			th := post("/api/v1/institutions", map[string]any{"name": "Chanthaburi Herbal Co", "country": "TH", "type": "enterprise"}, 201)
			d := post("/api/v1/demands", map[string]any{"institution_id": th["id"], "title": "สารสกัดพรอพอลิสจากชันโรง",
				"summary": "ต้องการสูตรมาตรฐานสำหรับยาอมแก้เจ็บคอ", "language": "th", "sector": "biomedicine", "subsector": "traditional_medicine"}, 201)
			demandPath := "/api/v1/demands/" + d["id"].(string)
			post(demandPath+"/submit", nil, 200)
			post(demandPath+"/publish", nil, 200)
			o := post("/api/v1/offers", map[string]any{"institution_id": cn["id"], "title": "无刺蜂蜂胶提取物",
				"summary": "标准化含片原料", "language": "zh", "sector": "biomedicine", "subsector": "traditional_medicine",
				"trl": 7, "ip_status": "patent_granted"}, 201)
			offerID := o["id"].(string)
			post("/api/v1/offers/"+offerID+"/submit", nil, 200)
			post("/api/v1/offers/"+offerID+"/publish", nil, 200)

			matches := func(base string) (version string, concepts float64) {
				t.Helper()
				status, out := call(t, "GET", base+demandPath+"/matches", token, nil)
				if status != 200 {
					t.Fatalf("matches: %d %v", status, out)
				}
				for _, it := range out["items"].([]any) {
					m := it.(map[string]any)
					if m["offer_id"] == offerID {
						concepts = m["components"].(map[string]any)["concepts"].(map[string]any)["score"].(float64)
					}
				}
				return out["algorithm_version"].(string), concepts
			}
			// Let the second process read the listings first.
			deadline := time.Now().Add(10 * time.Second)
			before, _ := matches(a.base)
			for v, _ := matches(b.base); v != before; v, _ = matches(b.base) {
				if time.Now().After(deadline) {
					t.Fatalf("versions differ before any change: %s, %s", before, v)
				}
				time.Sleep(50 * time.Millisecond)
			}
			if _, c := matches(b.base); c != 0 {
				t.Fatalf("concepts %v before the concept exists", c)
			}
			post("/api/v1/lexicon/concepts", map[string]any{"id": "stingless_bee_propolis", "subsectors": []string{"traditional_medicine"},
				"terms": map[string][]string{"zh": {"无刺蜂蜂胶", "无刺蜂"}, "en": {"stingless bee propolis"}, "id": {"propolis lebah tanpa sengat"},
					"vi": {"keo ong không ngòi"}, "th": {"พรอพอลิสจากชันโรง", "ชันโรง"}, "ms": {"propolis kelulut"}}}, 201)
			added := time.Now()
			after, c := matches(a.base)
			if after == before || c == 0 {
				t.Fatalf("first process: version %s (was %s), concepts %v", after, before, c)
			}
			for {
				v, c := matches(b.base)
				if v == after && c > 0 {
					break
				}
				if time.Since(added) > 10*time.Second {
					t.Fatalf("second process: version %s, concepts %v; want %s and a shared concept", v, c, after)
				}
				time.Sleep(25 * time.Millisecond)
			}
			t.Logf("the new concept reached the second process after %v", time.Since(added).Round(time.Millisecond))
		})
	}
}

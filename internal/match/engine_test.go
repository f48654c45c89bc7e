package match

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// testLexicon is a small hand-made lexicon, so that these tests do not move
// when the real one grows.
var testLexicon = []Concept{
	{ID: "lfp_battery", Subsectors: []string{"energy_storage"}, Terms: map[string][]string{
		"en": {"lithium iron phosphate battery", "LFP battery"}, "zh": {"磷酸铁锂电池"}, "vi": {"pin lithium sắt phốt phát"},
		"id": {"baterai litium besi fosfat"}, "th": {"แบตเตอรี่ลิเธียมไอรอนฟอสเฟต"}, "ms": {"bateri litium ferum fosfat"}}},
	{ID: "battery", Subsectors: []string{"energy_storage"}, Terms: map[string][]string{
		"en": {"battery"}, "zh": {"电池"}, "vi": {"pin"}, "id": {"baterai"}, "th": {"แบตเตอรี่"}, "ms": {"bateri"}}},
	{ID: "micro_grid", Subsectors: []string{"smart_grid"}, Terms: map[string][]string{
		"en": {"micro-grid", "microgrid"}, "zh": {"微电网"}, "vi": {"lưới điện siêu nhỏ"}, "id": {"jaringan mikro"},
		"th": {"ไมโครกริด"}, "ms": {"grid mikro"}}},
}

func newTestEngine(t testing.TB, textOnly bool) *Engine {
	t.Helper()
	e, err := New(Config{Lexicon: testLexicon, TextOnly: textOnly})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func i64(v int64) *int64 { return &v }

func offer(id, inst, country, lang, title string) Listing {
	return Listing{ID: id, Kind: Offer, InstitutionID: inst, Country: country, Language: lang, Title: title,
		Summary: title, Sector: "new_energy", Subsector: "energy_storage", TRL: 7, TransferModes: []string{"licensing"},
		AmountMin: i64(700000), AmountMax: i64(1400000), Currency: "CNY", PublishedAt: now.Add(-24 * time.Hour)}
}

func demandVI() Listing {
	return Listing{ID: "d1", Kind: Demand, InstitutionID: "vn-coop", Country: "VN", Language: "vi",
		Title: "Cần pin lithium sắt phốt phát cho lưới điện siêu nhỏ trên đảo", Summary: "Lưu trữ điện mặt trời cho đảo",
		Sector: "new_energy", Subsector: "energy_storage", TRL: 6, TransferModes: []string{"licensing", "technical_service"},
		AmountMax: i64(300000), Currency: "USD", PublishedAt: now}
}

func ids(rs []Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func TestCrossLingualMatchWithReasons(t *testing.T) {
	e := newTestEngine(t, false)
	e.Build([]Listing{
		offer("zh-lfp", "cn-1", "CN", "zh", "磷酸铁锂电池储能系统，适用于海岛微电网"),
		offer("en-implant", "cn-2", "CN", "en", "Battery for implantable cardiac devices"),
		offer("zh-other", "cn-3", "CN", "zh", "水稻育种技术"),
	})
	rs := e.Match(demandVI(), Query{Limit: 10, Now: now})
	if len(rs) == 0 || rs[0].ID != "zh-lfp" {
		t.Fatalf("ranking %v, want zh-lfp first", ids(rs))
	}
	top := rs[0]
	reasons := strings.Join(top.Reasons, "\n")
	for _, want := range []string{"shared concepts: pin lithium sắt phốt phát ↔ 磷酸铁锂电池", "same subsector: energy storage",
		"TRL 7 meets required 6", "transfer modes in common: licensing", "China–ASEAN corridor: CN ↔ VN", "price within budget after CNY→USD"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("reasons lack %q:\n%s", want, reasons)
		}
	}
	var sum, weights float64
	for name, c := range top.Components {
		if c.Score < 0 || c.Score > 1 {
			t.Errorf("component %s = %v out of 0..1", name, c.Score)
		}
		sum += c.Score * c.Weight
		weights += c.Weight
	}
	if got := 100 * sum / weights; got-top.Score > 0.1 || top.Score-got > 0.1 || top.Score > 100 {
		t.Errorf("score %.2f is not the weighted components %.2f", top.Score, got)
	}
	// The text-only baseline cannot cross from Vietnamese to Chinese.
	base := newTestEngine(t, true)
	base.Build([]Listing{offer("zh-lfp", "cn-1", "CN", "zh", "磷酸铁锂电池储能系统，适用于海岛微电网")})
	if rs := base.Match(demandVI(), Query{Limit: 10, Now: now}); len(rs) != 0 {
		t.Fatalf("baseline matched across scripts: %v", ids(rs))
	}
}

func TestStructuredComponentsOrderOtherwiseEqualOffers(t *testing.T) {
	e := newTestEngine(t, false)
	good := offer("good", "cn-1", "CN", "en", "LFP battery for micro-grid storage")
	lowTRL := offer("low-trl", "cn-2", "CN", "en", "LFP battery for micro-grid storage")
	lowTRL.TRL = 3
	noMode := offer("no-mode", "cn-3", "CN", "en", "LFP battery for micro-grid storage")
	noMode.TransferModes = []string{"equity_cooperation"}
	pricey := offer("pricey", "cn-4", "CN", "en", "LFP battery for micro-grid storage")
	pricey.AmountMin = i64(50_000_000)
	e.Build([]Listing{lowTRL, noMode, pricey, good})
	rs := e.Match(demandVI(), Query{Limit: 10, Now: now})
	if len(rs) != 4 || rs[0].ID != "good" {
		t.Fatalf("ranking %v, want good first", ids(rs))
	}
	for _, r := range rs[1:] {
		if r.Score >= rs[0].Score {
			t.Errorf("%s scores %.2f, not below good's %.2f", r.ID, r.Score, rs[0].Score)
		}
	}
}

func TestFiltersVisibilityAndLifecycle(t *testing.T) {
	e := newTestEngine(t, false)
	own := offer("own", "vn-coop", "VN", "en", "LFP battery") // the demand's own institution
	conf := offer("conf", "cn-1", "CN", "en", "LFP battery")
	conf.Confidential = true
	expired := offer("expired", "cn-2", "CN", "en", "LFP battery")
	past := now.Add(-time.Hour)
	expired.EndsAt = &past
	th := offer("th", "th-1", "TH", "en", "LFP battery")
	e.Build([]Listing{own, conf, expired, th})
	if got := ids(e.Match(demandVI(), Query{Limit: 10, Now: now})); strings.Join(got, ",") != "th" {
		t.Fatalf("partner view %v, want only th", got)
	}
	if got := ids(e.Match(demandVI(), Query{Limit: 10, Now: now, SeeConfidential: true})); len(got) != 2 {
		t.Fatalf("staff view %v, want th and conf", got)
	}
	if got := e.Match(demandVI(), Query{Limit: 10, Now: now, Country: "CN", SeeConfidential: true}); len(got) != 1 || got[0].ID != "conf" {
		t.Fatalf("country filter %v", ids(got))
	}
	if got := e.Match(demandVI(), Query{Limit: 10, Now: now, Sector: "biomedicine"}); len(got) != 0 {
		t.Fatalf("sector filter %v", ids(got))
	}
	if got := e.Match(demandVI(), Query{Limit: 10, Now: now, MinScore: 99.9}); len(got) != 0 {
		t.Fatalf("min_score filter %v", ids(got))
	}
	// Withdrawn: gone. Changed: rescored. Added: found.
	e.Remove(Offer, "th")
	if got := e.Match(demandVI(), Query{Limit: 10, Now: now}); len(got) != 0 {
		t.Fatalf("after remove %v", ids(got))
	}
	th.Title, th.Summary = "Rice breeding", "Rice breeding"
	e.Upsert(th)
	if got := e.Match(demandVI(), Query{Limit: 10, Now: now}); len(got) != 0 {
		t.Fatalf("changed offer still matched: %v", ids(got))
	}
	th.Title = "LFP battery"
	e.Upsert(th)
	if got := e.Match(demandVI(), Query{Limit: 10, Now: now}); len(got) != 1 || e.Len(Offer) != 4 {
		t.Fatalf("after upsert %v, len %d", ids(got), e.Len(Offer))
	}
}

func TestPairScoresLikeRanking(t *testing.T) {
	e := newTestEngine(t, false)
	o := offer("zh-lfp", "cn-1", "CN", "zh", "磷酸铁锂电池储能系统，适用于海岛微电网")
	e.Build([]Listing{o, offer("x", "cn-2", "CN", "en", "LFP battery")})
	ranked := e.Match(demandVI(), Query{Limit: 10, Now: now})
	pair := e.Pair(demandVI(), o, now)
	if ranked[0].ID != o.ID || pair.Score != ranked[0].Score {
		t.Fatalf("pair %.2f, ranking %.2f", pair.Score, ranked[0].Score)
	}
	// An offer the index does not hold yet still gets a score.
	fresh := offer("fresh", "cn-3", "CN", "en", "lithium iron phosphate battery for microgrid")
	if p := e.Pair(demandVI(), fresh, now); p.Score <= 0 || p.Components["concepts"].Score == 0 {
		t.Fatalf("unindexed pair %+v", p)
	}
	if e.Len(Offer) != 2 {
		t.Fatalf("Pair changed the index: %d offers", e.Len(Offer))
	}
}

func TestCompactionKeepsResults(t *testing.T) {
	e := newTestEngine(t, false)
	var ls []Listing
	for i := range 3000 {
		ls = append(ls, offer(fmt.Sprintf("o%d", i), fmt.Sprintf("cn-%d", i), "CN", "en", fmt.Sprintf("LFP battery model %d", i)))
	}
	e.Build(ls)
	for i := range 2500 {
		e.Remove(Offer, fmt.Sprintf("o%d", i))
	}
	rs := e.Match(demandVI(), Query{Limit: 100, Now: now})
	if len(rs) != 100 || e.Len(Offer) != 500 {
		t.Fatalf("%d results, %d live", len(rs), e.Len(Offer))
	}
	for _, r := range rs {
		var n int
		fmt.Sscanf(r.ID, "o%d", &n)
		if n < 2500 {
			t.Fatalf("removed offer %s returned", r.ID)
		}
	}
}

func TestVersionFollowsWeights(t *testing.T) {
	a, _ := New(Config{Lexicon: testLexicon})
	b, _ := New(Config{Lexicon: testLexicon})
	w := DefaultWeights
	w.Budget = 0.5
	c, _ := New(Config{Lexicon: testLexicon, Weights: w})
	if a.Version() != b.Version() || a.Version() == c.Version() {
		t.Fatalf("versions %s %s %s", a.Version(), b.Version(), c.Version())
	}
	if _, err := New(Config{Weights: Weights{Text: -1}}); err == nil {
		t.Fatal("negative weight accepted")
	}
	// Shortcuts change scores too; the defaults spelt out are the defaults.
	d, _ := New(Config{Lexicon: testLexicon, Shortcuts: Shortcuts{Preselect: 20}})
	x, _ := New(Config{Lexicon: testLexicon, Shortcuts: DefaultShortcuts})
	if d.Version() == a.Version() || x.Version() != a.Version() {
		t.Fatalf("versions: default %s, preselect 20 %s, defaults spelt out %s", a.Version(), d.Version(), x.Version())
	}
	for _, bad := range []Config{{Shortcuts: Shortcuts{Preselect: -1}}, {Shortcuts: Shortcuts{CommonShare: 1.5}},
		{Shortcuts: Shortcuts{CommonShare: math.NaN()}}, {Shortcuts: Shortcuts{CommonShare: math.Inf(1)}},
		{Weights: Weights{Text: math.NaN()}}, {Weights: Weights{Budget: math.Inf(1)}},
		{Rates: map[string]float64{"USD": 1, "THB": 0}}, {Rates: map[string]float64{"USD": math.NaN()}}} {
		if _, err := New(bad); err == nil {
			t.Fatalf("accepted %+v %+v %v", bad.Shortcuts, bad.Weights, bad.Rates)
		}
	}
}

func TestMetrics(t *testing.T) {
	grades := map[string]int{"a": 3, "b": 2, "c": 1}
	if got := NDCG([]string{"a", "b", "c"}, grades, 10); got != 1 {
		t.Fatalf("ideal ranking nDCG %v", got)
	}
	if got := NDCG([]string{"x", "y"}, grades, 10); got != 0 {
		t.Fatalf("no relevant nDCG %v", got)
	}
	if got := NDCG([]string{"c", "b", "a"}, grades, 10); got <= 0 || got >= 1 {
		t.Fatalf("reversed nDCG %v", got)
	}
	if got := MRR([]string{"x", "c", "b"}, grades, 2); got != 1.0/3 {
		t.Fatalf("MRR %v", got)
	}
	if got := Recall([]string{"b", "x"}, grades, 10, 2); got != 0.5 {
		t.Fatalf("recall %v", got)
	}
}

func FuzzMatch(f *testing.F) {
	e, _ := New(Config{Lexicon: testLexicon})
	e.Build([]Listing{offer("zh-lfp", "cn-1", "CN", "zh", "磷酸铁锂电池"), offer("en", "cn-2", "CN", "en", "LFP battery")})
	f.Add("Cần pin lithium", 6, int64(1000))
	f.Add("", 0, int64(-1))
	f.Fuzz(func(t *testing.T, title string, trl int, budget int64) {
		d := demandVI()
		d.Title, d.TRL, d.AmountMax = title, trl%10, &budget
		for _, r := range e.Match(d, Query{Limit: 5, Now: now}) {
			if r.Score < 0 || r.Score > 100 || r.Score != r.Score {
				t.Fatalf("score %v for %q", r.Score, title)
			}
		}
	})
}

// Common lists become dense arrays by doc number; docs added later, docs
// removed and compaction must not break them, and a ranking's scores must
// stay the scores Pair gives, whichever path (walk, dense lookup) a term took.
func TestDenseListsFollowChanges(t *testing.T) {
	e := newTestEngine(t, false)
	var ls []Listing
	for i := range 4000 { // "storage" in every offer: a dense list
		title := fmt.Sprintf("storage system %d", i)
		if i%5 == 0 {
			title += " inverter" // 800 docs: walked, and enough to defer "storage"
		}
		ls = append(ls, offer(fmt.Sprintf("o%d", i), fmt.Sprintf("cn-%d", i), "CN", "en", title))
	}
	e.Build(ls)
	if p := e.offers.terms["storage"]; p == nil || p.dense == nil {
		t.Fatalf("storage should be a dense list: %+v", p)
	}
	// Added after the build: beyond the dense array's end, without "storage".
	fresh := offer("fresh", "cn-fresh", "CN", "en", "inverter")
	e.Upsert(fresh)
	q := demandVI()
	q.Title, q.Summary, q.Language = "storage inverter", "storage inverter", "en"
	check := func(stage string, wantFresh bool) {
		t.Helper()
		rs := e.Match(q, Query{Limit: 50, Now: now})
		if len(rs) != 50 {
			t.Fatalf("%s: %d results", stage, len(rs))
		}
		seen := false
		for _, r := range rs {
			var o Listing
			if r.ID == "fresh" {
				o, seen = fresh, true
			} else {
				var n int
				fmt.Sscanf(r.ID, "o%d", &n)
				if n < 3000 && stage == "after removal" {
					t.Fatalf("%s: removed offer %s returned", stage, r.ID)
				}
				o = ls[n]
			}
			if p := e.Pair(q, o, now); p.Score != r.Score || p.Components["text"] != r.Components["text"] {
				t.Fatalf("%s: %s ranked %.2f %v, Pair %.2f %v", stage, r.ID, r.Score, r.Components["text"], p.Score, p.Components["text"])
			}
		}
		if seen != wantFresh {
			t.Fatalf("%s: fresh offer in results %v, want %v", stage, seen, wantFresh)
		}
	}
	check("after upsert", true)

	// A word in every offer says almost nothing: asked alone, it gives no
	// offer titled with it more than a small text component (the cosine
	// weighs a term by idf squared, and the offers' other words count in
	// their lengths); and no offer comes twice.
	only := q
	only.Title, only.Summary = "storage", ""
	rs := e.Match(only, Query{Limit: 100, Now: now})
	seen := map[string]bool{}
	for _, r := range rs {
		if seen[r.ID] {
			t.Fatalf("%s returned twice", r.ID)
		}
		seen[r.ID] = true
		if r.Components["text"].Score > 0.3 {
			t.Fatalf("%s: text component %v for its title word", r.ID, r.Components["text"])
		}
	}
	if len(rs) != 100 {
		t.Fatalf("%d results for a word in every offer", len(rs))
	}
	// Any limit is safe, and a country or sector no offer has finds nothing.
	if rs := e.Match(only, Query{Limit: math.MaxInt, Now: now}); len(rs) != DefaultShortcuts.Preselect {
		t.Fatalf("unlimited: %d results, want the %d preselected", len(rs), DefaultShortcuts.Preselect)
	}
	if rs := e.Match(only, Query{Limit: 10, Now: now, Country: "ZZ"}); len(rs) != 0 {
		t.Fatalf("country ZZ: %v", ids(rs))
	}

	for i := range 3000 { // holes outnumber the living: compaction
		e.Remove(Offer, fmt.Sprintf("o%d", i))
	}
	if len(e.offers.entries) > 2000 {
		t.Fatalf("no compaction: %d doc numbers for %d living", len(e.offers.entries), e.offers.live)
	}
	if p := e.offers.terms["storage"]; p.dense != nil {
		t.Fatalf("storage, in 2,000 offers at compaction, should be a plain list again (df %d)", p.df())
	}
	check("after removal", true)
}

// Shortcuts decide which listings get scored, never what a listing scores:
// an engine whose common lists are dense and deferred (built one Upsert at a
// time, so lists turn dense as they grow) gives every listing it returns
// the score an engine without shortcuts gives it.
func TestShortcutsKeepScores(t *testing.T) {
	plain := newTestEngine(t, false)
	short, err := New(Config{Lexicon: testLexicon, Shortcuts: Shortcuts{CommonShare: 0.2, CommonMinDocs: 1, Preselect: 5}})
	if err != nil {
		t.Fatal(err)
	}
	var ls []Listing
	for i := range 100 {
		o := offer(fmt.Sprintf("o%d", i), fmt.Sprintf("cn-%d", i), "CN", "en", fmt.Sprintf("module %d", i%7))
		if i%3 == 0 {
			o.Description += " alpha" // 34 offers: common (over 20 % of 100)
		}
		if i%10 == 0 {
			o.Description += " beta" // 10 offers: rare, and enough (≥ 5) to defer alpha
		}
		ls = append(ls, o) // in the description, the words weigh little: no text component reaches 1
	}
	for _, l := range ls { // both the same way: an upsert normalises length by the average of its moment
		plain.Upsert(l)
		short.Upsert(l)
	}
	if a, b := short.offers.terms["alpha"], short.offers.terms["beta"]; a.dense == nil || b.dense != nil || b.df() < 5 {
		t.Fatalf("want alpha dense and beta a plain list of at least 5: %v %v %d", a.dense != nil, b.dense != nil, b.df())
	}
	q := demandVI()
	q.Language, q.Title, q.Summary = "en", "alpha beta", "alpha"
	rs := short.Match(q, Query{Limit: 10, Now: now})
	if len(rs) != 5 { // the preselection
		t.Fatalf("%d results", len(rs))
	}
	for _, r := range rs {
		var n int
		fmt.Sscanf(r.ID, "o%d", &n)
		if n%30 == 0 && r.Components["text"].Score >= 1 {
			t.Fatalf("%s: text component %v, the test wants it below 1", r.ID, r.Components["text"])
		}
		if p := plain.Pair(q, ls[n], now); p.Score != r.Score || p.Components["text"] != r.Components["text"] {
			t.Fatalf("%s: with shortcuts %.2f %v, without %.2f %v", r.ID, r.Score, r.Components["text"], p.Score, p.Components["text"])
		}
	}
}

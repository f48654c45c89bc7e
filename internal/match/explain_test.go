package match

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// sharedWords stops looking words up early; it must name what looking up
// every word names, ties included.
func TestSharedWordsStopsEarlyWithoutChangingTheAnswer(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 20_000 {
		var pq prepared
		words := 1 + rng.IntN(32)
		for i := range words {
			w := float64(1 + rng.IntN(4)) // few distinct weights: ties happen
			pq.terms = append(pq.terms, weightedTerm{term: fmt.Sprintf("w%02d", rng.IntN(99)) + fmt.Sprint(i), weight: w,
				quantum: float32(w * maxWeight / 65535)})
		}
		pq.orderWords()
		levels := []uint16{0, 0, 0, 1, 65535, 30000, 30000, uint16(1 + rng.IntN(65535))}
		doc := make([]uint16, words)
		var text float32
		for i := range doc {
			doc[i] = levels[rng.IntN(len(levels))]
			text += pq.terms[i].contribution(doc[i]) // the accumulator's order
		}
		weight := func(wt *weightedTerm) uint16 {
			return doc[slices.IndexFunc(pq.terms, func(x weightedTerm) bool { return &x == wt || x.term == wt.term })]
		}

		type hit struct {
			term string
			w    float32
		}
		var all []hit
		for i, q := range doc {
			if q > 0 {
				all = append(all, hit{pq.terms[i].term, pq.terms[i].contribution(q)})
			}
		}
		slices.SortFunc(all, func(a, b hit) int {
			switch {
			case a.w > b.w:
				return -1
			case a.w < b.w:
				return 1
			}
			return strings.Compare(a.term, b.term)
		})
		want := ""
		if len(all) > 0 {
			var names []string
			for _, h := range all[:min(3, len(all))] {
				names = append(names, h.term)
			}
			want = "shared words: " + strings.Join(names, ", ")
		}
		if got := sharedWords(&pq, nil, text, weight, nil, nil); got != want {
			t.Fatalf("case %d: got %q, want %q", n, got, want)
		}
	}
}

// Reasons name the words as the query wrote them (folded), never stems.
func TestSharedWordsShowWordsNotStems(t *testing.T) {
	e := newTestEngine(t, false)
	o := offer("uav", "cn-1", "CN", "en", "Unmanned aerial vehicles for crop spraying")
	e.Build([]Listing{o})
	q := demandVI()
	q.Language, q.Title, q.Summary = "en", "Spraying crops with unmanned vehicles", ""
	words := sharedWordsOfOnlyMatch(t, e, q)
	// Three of the four shared words, each as the query has it.
	named := strings.Split(strings.TrimPrefix(words, "shared words: "), ", ")
	if len(named) != 3 {
		t.Fatalf("%q: want three words", words)
	}
	for _, w := range named {
		if !slices.Contains([]string{"unmanned", "vehicles", "spraying", "crops"}, w) {
			t.Fatalf("%q names %q, not a word of the query", words, w)
		}
	}
	if p := e.Pair(q, o, now); !slices.Contains(p.Reasons, words) {
		t.Fatalf("Pair reasons %v, ranking said %q", p.Reasons, words)
	}
}

// Accented words are shown with their accents: "lưới điện", not "luoi dien".
func TestSharedWordsKeepAccents(t *testing.T) {
	e := newTestEngine(t, false)
	o := offer("vi-storage", "vn-1", "VN", "vi", "Lưu trữ điện cho lưới điện trên đảo")
	e.Build([]Listing{o})
	q := demandVI() // "Cần pin lithium sắt phốt phát cho lưới điện siêu nhỏ trên đảo"
	q.InstitutionID = "vn-2"
	words := sharedWordsOfOnlyMatch(t, e, q)
	if !strings.Contains(words, "điện") || strings.Contains(words, "dien") || strings.Contains(words, "luoi") {
		t.Fatalf("%q: want the words as written, with accents", words)
	}
}

func TestAsWrittenPairsWordsByPosition(t *testing.T) {
	for _, c := range []struct {
		in   string
		want map[string]string
	}{
		{"Lưới Điện", map[string]string{"luoi": "lưới", "dien": "điện"}},
		{"plain ASCII text", nil},
		{"ﬁber ① đường", map[string]string{"duong": "đường"}}, // the ligature folds to "fiber" both ways
	} {
		got := asWritten(c.in, fold(c.in))
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("asWritten(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

// sharedWordsOfOnlyMatch ranks for q, wants exactly one result, and returns
// its "shared words" reason.
func sharedWordsOfOnlyMatch(t *testing.T, e *Engine, q Listing) string {
	t.Helper()
	rs := e.Match(q, Query{Limit: 5, Now: now})
	if len(rs) != 1 {
		t.Fatalf("results %v", ids(rs))
	}
	for _, r := range rs[0].Reasons {
		if strings.HasPrefix(r, "shared words: ") {
			return r
		}
	}
	return ""
}

// Han and Thai are indexed as character bigrams, but reasons name whole
// stretches the two listings share, never a bigram that straddles two
// words (子信 of 电子信息, 件技 of 软件技术); stop words (技术, 提供) are
// neither indexed nor named.
func TestSharedWordsAreWholeStretchesNotBigrams(t *testing.T) {
	e := newTestEngine(t, false)
	o := offer("zh-ei", "cn-1", "CN", "zh", "电子信息产业园软件技术服务")
	o.Summary = "提供工业软件和电子信息系统集成"
	e.Build([]Listing{o})
	q := demandVI()
	q.Language, q.Title, q.Summary = "zh", "寻求电子信息领域的软件技术合作", "提供嵌入式软件"
	words := sharedWordsOfOnlyMatch(t, e, q)
	named := strings.Split(strings.TrimPrefix(words, "shared words: "), ", ")
	if !slices.Contains(named, "电子信息") || !slices.Contains(named, "软件") {
		t.Fatalf("%q: want 电子信息 and 软件 named whole", words)
	}
	for _, w := range named {
		if slices.Contains([]string{"子信", "件技", "技术", "提供", "领域", "电子", "信息"}, w) {
			t.Fatalf("%q names the fragment or stop word %q", words, w)
		}
	}

	th := offer("th-1", "th-1", "TH", "th", "เทคโนโลยีเครื่องอบแห้งทุเรียน")
	e.Build([]Listing{th})
	q.Language, q.Title, q.Summary = "th", "ต้องการเทคโนโลยีเครื่องอบแห้งผลไม้", ""
	words = sharedWordsOfOnlyMatch(t, e, q)
	if words != "shared words: เครื่องอบแห้ง" {
		t.Fatalf("%q: want the shared Thai stretch, without เทคโนโลยี", words)
	}
}

// A concept or a word found in more than a tenth of all listings (the
// "technology transfer" of every boilerplate footer) is not a reason, and
// counts for little: the text and concept components of two listings that
// share only it stay low.
func TestCommonConceptsAndWordsAreNotReasons(t *testing.T) {
	lex := append(slices.Clone(testLexicon), Concept{ID: "technology_transfer", Subsectors: []string{"*"},
		Terms: map[string][]string{"en": {"technology transfer"}, "zh": {"技术转让"}, "vi": {"chuyển giao công nghệ"},
			"id": {"alih teknologi"}, "th": {"การถ่ายทอดเทคโนโลยี"}, "ms": {"pemindahan teknologi"}}})
	e, err := New(Config{Lexicon: lex})
	if err != nil {
		t.Fatal(err)
	}
	var ls []Listing
	for i := range 40 {
		o := offer(fmt.Sprintf("o%d", i), fmt.Sprintf("cn-%d", i), "CN", "en", fmt.Sprintf("Widget number%d for factories", i))
		o.Description = "Contact the technology transfer centre for licensing."
		ls = append(ls, o)
	}
	e.Build(ls)
	q := demandVI()
	q.Language, q.Title, q.Summary = "en", "Seaweed drying for cooperatives", "Through the technology transfer office."
	for _, r := range e.Match(q, Query{Limit: 5, Now: now}) {
		for _, reason := range r.Reasons {
			if strings.Contains(reason, "technology transfer") || strings.Contains(reason, "shared words") {
				t.Errorf("%s: reason %q names what every listing says", r.ID, reason)
			}
		}
		if c := r.Components["concepts"].Score; c > 0.3 {
			t.Errorf("%s: concepts %.3f from a boilerplate concept alone", r.ID, c)
		}
	}
}

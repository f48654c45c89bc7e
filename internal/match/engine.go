package match

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"
)

// Kind tells offers from demands; the engine keeps one index of each.
type Kind uint8

const (
	Offer Kind = iota
	Demand
)

// Listing is what the engine needs of an offer or a demand. For offers TRL is
// the technology's level, Countries the target markets and Amount the price;
// for demands TRL is the minimum wanted, Countries the accepted sources and
// Amount the budget. Country is the institution's.
type Listing struct {
	ID            string
	Kind          Kind
	InstitutionID string
	Country       string
	Language      string
	Title         string
	Summary       string
	Description   string
	Keywords      []string
	Sector        string
	Subsector     string
	TRL           int
	TransferModes []string
	Countries     []string
	AmountMin     *int64
	AmountMax     *int64
	Currency      string
	Confidential  bool
	PublishedAt   time.Time
	EndsAt        *time.Time
}

// Weights of the score components; they need not sum to one.
type Weights struct {
	Text         float64 `json:"text"`
	Concepts     float64 `json:"concepts"`
	Sector       float64 `json:"sector"`
	TRL          float64 `json:"trl"`
	TransferMode float64 `json:"transfer_mode"`
	Geography    float64 `json:"geography"`
	Budget       float64 `json:"budget"`
	Freshness    float64 `json:"freshness"`
}

// DefaultWeights were chosen on the development set by reasoning about the
// components, not by searching to the last decimal (docs/matching.md).
var DefaultWeights = Weights{Text: 0.22, Concepts: 0.30, Sector: 0.14, TRL: 0.10, TransferMode: 0.08,
	Geography: 0.08, Budget: 0.05, Freshness: 0.03}

// Config tunes the engine.
type Config struct {
	Weights Weights
	// Rates are currency units per US dollar, to compare prices with budgets.
	Rates map[string]float64
	// Lexicon is the concept lexicon; nil takes DefaultLexicon().
	Lexicon []Concept
	// TextOnly scores by BM25 over the words alone: the evaluation's baseline.
	TextOnly bool
	// Shortcuts of the ranking; zero fields take DefaultShortcuts.
	Shortcuts Shortcuts
}

// Shortcuts make ranking fast on large indexes at a small, measured cost in
// agreement with scoring every candidate (docs/benchmarks-matching.md).
type Shortcuts struct {
	// Words and concepts in more than CommonShare of the index and more than
	// CommonMinDocs listings are common: they do not nominate candidates by
	// themselves but are added to those the rarer terms found.
	CommonShare   float64
	CommonMinDocs int
	// Preselect is how many candidates, the most relevant (text and
	// concepts), get the structured components and are ranked by full score.
	Preselect int
}

// DefaultShortcuts were chosen on the 100,000-offer benchmark.
var DefaultShortcuts = Shortcuts{CommonShare: 0.03, CommonMinDocs: 3000, Preselect: 600}

// DefaultRates in units per USD; configuration may replace them.
var DefaultRates = map[string]float64{"USD": 1, "CNY": 7.2, "THB": 36, "VND": 25000, "IDR": 16000, "MYR": 4.7,
	"SGD": 1.35, "PHP": 57, "BND": 1.35, "KHR": 4100, "LAK": 21000, "MMK": 2100, "EUR": 0.92, "JPY": 150,
	"KRW": 1350, "HKD": 7.8, "TWD": 32, "INR": 83, "AUD": 1.5, "GBP": 0.79}

// codeVersion changes whenever the scoring code changes meaning.
const codeVersion = "m3"

// Engine ranks offers for demands and demands for offers.
type Engine struct {
	cfg      Config
	w        [8]float64 // the weights in componentNames order
	wSum     float64
	version  string
	concepts *conceptMatcher
	mu       sync.RWMutex
	offers   *index
	demands  *index
	stats    *termStats // shared by both indexes; replaced under mu
	accs     sync.Pool
}

// New builds an empty engine.
func New(cfg Config) (*Engine, error) {
	if cfg.Weights == (Weights{}) {
		cfg.Weights = DefaultWeights
	}
	if cfg.Rates == nil {
		cfg.Rates = DefaultRates
	}
	if cfg.Lexicon == nil {
		cfg.Lexicon = DefaultLexicon()
	}
	w := cfg.Weights
	ws := [8]float64{w.Text, w.Concepts, w.Sector, w.TRL, w.TransferMode, w.Geography, w.Budget, w.Freshness}
	for _, v := range ws {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("match: weights must be finite and not negative")
		}
	}
	for c, r := range cfg.Rates {
		if !(r > 0) || math.IsInf(r, 0) {
			return nil, fmt.Errorf("match: the rate of %s must be a positive number", c)
		}
	}
	sc, def := &cfg.Shortcuts, DefaultShortcuts
	if !(sc.CommonShare >= 0 && sc.CommonShare <= 1) || sc.CommonMinDocs < 0 || sc.Preselect < 0 {
		return nil, fmt.Errorf("match: shortcuts: CommonShare must be between 0 and 1, the counts not negative")
	}
	if sc.CommonShare == 0 {
		sc.CommonShare = def.CommonShare
	}
	if sc.CommonMinDocs == 0 {
		sc.CommonMinDocs = def.CommonMinDocs
	}
	if sc.Preselect == 0 {
		sc.Preselect = def.Preselect
	}
	// The version names everything that changes a score: the weights, the
	// currency rates, the lexicon, and shortcuts other than the defaults.
	var shortcuts *Shortcuts
	if *sc != def {
		shortcuts = sc
	}
	b, err := json.Marshal(struct {
		W Weights
		T bool
		R map[string]float64
		L []Concept
		S *Shortcuts `json:",omitempty"`
	}{cfg.Weights, cfg.TextOnly, cfg.Rates, cfg.Lexicon, shortcuts})
	if err != nil {
		return nil, fmt.Errorf("match: version: %w", err)
	}
	sum := sha256.Sum256(b)
	e := &Engine{cfg: cfg, version: codeVersion + "-" + hex.EncodeToString(sum[:4]), concepts: newConceptMatcher(cfg.Lexicon)}
	e.w = ws
	for _, v := range e.w {
		e.wSum += v
	}
	e.offers, e.demands = newIndex(cfg.Shortcuts, cfg.TextOnly), newIndex(cfg.Shortcuts, cfg.TextOnly)
	e.stats = newStats(len(cfg.Lexicon))
	return e, nil
}

// Version names the algorithm: the code version and a hash of the weights.
// A frozen match records it, so that scores from other weights are told apart.
func (e *Engine) Version() string { return e.version }

func (e *Engine) indexOf(k Kind) *index {
	if k == Demand {
		return e.demands
	}
	return e.offers
}

// Build replaces both indexes with the listings given (published, live ones).
func (e *Engine) Build(ls []Listing) {
	offers, demands := newIndex(e.cfg.Shortcuts, e.cfg.TextOnly), newIndex(e.cfg.Shortcuts, e.cfg.TextOnly)
	// Analysis is per listing and reads nothing it changes: one stripe of
	// the listings per core. Indexing stays sequential and in input order.
	analyzed := make([]*doc, len(ls))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(ls)/1000))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(ls); i += workers {
				analyzed[i] = e.analyze(&ls[i], false)
			}
		})
	}
	wg.Wait()
	var os, ds []*doc
	for i, d := range analyzed {
		if ls[i].Kind == Demand {
			ds = append(ds, d)
		} else {
			os = append(os, d)
		}
	}
	offers.bulk(os)
	demands.bulk(ds)
	st := newStats(len(e.cfg.Lexicon), offers, demands)
	offers.relength(st)
	demands.relength(st)
	e.mu.Lock()
	e.offers, e.demands, e.stats = offers, demands, st
	e.mu.Unlock()
}

// changed counts a change to the indexes and takes a new snapshot of the
// statistics when enough have accumulated; the caller holds the write lock.
func (e *Engine) changed() {
	e.stats.changes++
	if e.stats.changes < e.stats.refreshEvery() {
		return
	}
	st := newStats(len(e.cfg.Lexicon), e.offers, e.demands)
	e.offers.relength(st)
	e.demands.relength(st)
	e.stats = st
}

// Upsert adds or replaces a listing.
func (e *Engine) Upsert(l Listing) {
	d := e.analyze(&l, false)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.indexOf(l.Kind).put(d, e.stats)
	e.changed()
}

// Remove drops a listing (withdrawn, expired, no longer published).
func (e *Engine) Remove(k Kind, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.indexOf(k).remove(id)
	e.changed()
}

// Len reports how many live listings of the kind are indexed.
func (e *Engine) Len(k Kind) int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.indexOf(k).live
}

// Query narrows a match request.
type Query struct {
	Limit    int
	MinScore float64 // 0–100
	Country  string  // counterpart institution's country
	Sector   string  // counterpart's sector
	Now      time.Time
	// Viewer decides confidential counterparts: staff see all, a partner only
	// its own institution's (which are excluded anyway, as same-institution).
	SeeConfidential bool

	exhaustive bool // every touched doc fully scored: the reference the benchmarks compare with
}

// Component is one part of a score.
type Component struct {
	Score  float64 `json:"score"`
	Weight float64 `json:"weight"`
}

// Result is one ranked counterpart.
type Result struct {
	ID         string
	Score      float64 // 0–100
	Components map[string]Component
	Reasons    []string
}

// Match ranks the counterparts of l: offers for a demand, demands for an offer.
func (e *Engine) Match(l Listing, q Query) []Result {
	if q.Limit <= 0 {
		q.Limit = 20
	}
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	qd := e.analyze(&l, true)
	e.mu.RLock()
	defer e.mu.RUnlock()
	target := e.offers
	if l.Kind == Offer {
		target = e.demands
	}
	return e.rank(qd, target, q)
}

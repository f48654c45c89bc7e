package match

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
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
	// Translations are the listing's text in further languages, indexed
	// with the original (translation.go).
	Translations []Translation
	// Stamp is opaque to the engine: it must change whenever the text
	// (title, summary, description, keywords, language, translations)
	// may have changed. Analyses saved to a file (SaveAnalyses) are reused
	// only for a listing whose stamp is still the same.
	Stamp string
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
	cfg  Config
	w    [8]float64 // the weights in componentNames order
	wSum float64
	// lex is the lexicon in force, its matcher and the algorithm version
	// it makes; replaced (SetLexicon) only under mu's write lock, together
	// with the indexes built with it.
	lex     atomic.Pointer[lexiconState]
	mu      sync.RWMutex
	offers  *index
	demands *index
	stats   *termStats // shared by both indexes; replaced under mu
	// pending, while a rebuild (Build, SetLexicon) analyses outside the
	// lock, records the changes made meanwhile, to apply them to the new
	// indexes; nil otherwise.
	pending *[]change
	rebuild sync.Mutex // one rebuild at a time
	accs    sync.Pool
	// dict numbers the terms of the indexed docs' analyses; replaced with
	// the indexes, under mu.
	dict *termDict
	// gen counts the changes to the indexes (builds, upserts, removals),
	// so that an unchanged index is not saved again (SaveAnalyses).
	gen    atomic.Uint64
	saving sync.Mutex // one SaveAnalyses at a time
}

// lexiconState is a lexicon with what the engine derives from it.
type lexiconState struct {
	concepts []Concept
	matcher  *conceptMatcher
	version  string
}

// change is an Upsert (listing set) or a Remove made during a rebuild.
type change struct {
	upsert *Listing
	kind   Kind
	id     string
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
	version, err := versionOf(cfg, cfg.Lexicon)
	if err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg}
	e.lex.Store(&lexiconState{concepts: cfg.Lexicon, matcher: newConceptMatcher(cfg.Lexicon), version: version})
	e.w = ws
	for _, v := range e.w {
		e.wSum += v
	}
	e.dict = newTermDict(nil)
	e.offers, e.demands = newIndex(cfg.Shortcuts, cfg.TextOnly, e.dict), newIndex(cfg.Shortcuts, cfg.TextOnly, e.dict)
	e.stats = newStats(len(cfg.Lexicon))
	return e, nil
}

// versionOf names the algorithm of cfg with lexicon lex: everything that
// changes a score, the weights, the currency rates, the lexicon, and
// shortcuts other than the defaults (cfg's shortcuts have their defaults
// filled in).
func versionOf(cfg Config, lex []Concept) (string, error) {
	var shortcuts *Shortcuts
	if cfg.Shortcuts != DefaultShortcuts {
		shortcuts = &cfg.Shortcuts
	}
	b, err := json.Marshal(struct {
		W Weights
		T bool
		R map[string]float64
		L []Concept
		S *Shortcuts `json:",omitempty"`
	}{cfg.Weights, cfg.TextOnly, cfg.Rates, lex, shortcuts})
	if err != nil {
		return "", fmt.Errorf("match: version: %w", err)
	}
	sum := sha256.Sum256(b)
	return codeVersion + "-" + hex.EncodeToString(sum[:4]), nil
}

// Version names the algorithm: the code version and a hash of the weights,
// rates and lexicon. A frozen match records it, so that scores made under
// other settings are told apart.
func (e *Engine) Version() string { return e.lex.Load().version }

// Lexicon returns the lexicon in force (shared: callers must not modify it).
func (e *Engine) Lexicon() []Concept { return e.lex.Load().concepts }

// SetLexicon replaces the concept lexicon while the engine serves, and
// returns the new algorithm version. Every listing must be analysed again
// (concepts are found in the text, which the index does not keep): load
// returns all the listings to index, as for Build. The engine records the
// Upserts and Removes made from the moment before load is called and
// applies them to the new indexes too, so a listing changed while load
// reads is not lost (applying a change load saw as well does no harm).
// The new indexes are built beside the old ones, which serve until they
// are swapped in at once. To extend the lexicon, pass
// ExtendLexicon(e.Lexicon(), added). The lexicon is checked first
// (CheckLexicon); on error, or if load fails, nothing changes.
func (e *Engine) SetLexicon(concepts []Concept, load func() ([]Listing, error)) (string, error) {
	if err := CheckLexicon(concepts); err != nil {
		return "", err
	}
	version, err := versionOf(e.cfg, concepts)
	if err != nil {
		return "", err
	}
	concepts = slices.Clone(concepts)
	if err := e.rebuildWith(&lexiconState{concepts: concepts, matcher: newConceptMatcher(concepts), version: version}, load); err != nil {
		return "", err
	}
	return version, nil
}

func (e *Engine) indexOf(k Kind) *index {
	if k == Demand {
		return e.demands
	}
	return e.offers
}

// Build replaces both indexes with the listings given (published, live
// ones). Upserts and Removes made while it runs are applied to the new
// indexes too.
func (e *Engine) Build(ls []Listing) {
	_ = e.rebuildWith(nil, func() ([]Listing, error) { return ls, nil }) // load cannot fail
}

// rebuildWith builds new indexes of the listings load returns under
// lexicon lx (nil: the one in force) and swaps them in, with lx, replaying
// the changes made since before load was called.
func (e *Engine) rebuildWith(lx *lexiconState, load func() ([]Listing, error)) error {
	e.rebuild.Lock()
	defer e.rebuild.Unlock()
	if lx == nil {
		lx = e.lex.Load()
	}
	e.mu.Lock()
	e.pending = &[]change{}
	e.mu.Unlock()
	ls, err := load()
	if err != nil {
		e.mu.Lock()
		e.pending = nil
		e.mu.Unlock()
		return fmt.Errorf("match: load the listings: %w", err)
	}
	m := lx.matcher
	// Analysis is per listing and reads nothing it changes: one stripe of
	// the listings per core. Indexing stays sequential and in input order.
	analyzed := make([]*doc, len(ls))
	dict := newTermDict(nil)
	workers := min(runtime.GOMAXPROCS(0), max(1, len(ls)/1000))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var (
				c       chunks
				scratch []byte
			)
			for i := w; i < len(ls); i += workers {
				analyzed[i] = e.analyze(m, &ls[i], false)
				scratch = dict.encode(analyzed[i], &c, scratch)
			}
		})
	}
	wg.Wait()
	e.install(lx, analyzed, dict)
	return nil
}

// install indexes the docs analysed under lx (their analyses encoded with
// dict), in order, into new indexes and swaps them in with lx, replaying
// the changes recorded in pending since the rebuild began; the caller
// holds e.rebuild.
func (e *Engine) install(lx *lexiconState, analyzed []*doc, dict *termDict) {
	m := lx.matcher
	offers, demands := newIndex(e.cfg.Shortcuts, e.cfg.TextOnly, dict), newIndex(e.cfg.Shortcuts, e.cfg.TextOnly, dict)
	var os, ds []*doc
	for _, d := range analyzed {
		if d.kind == Demand {
			ds = append(ds, d)
		} else {
			os = append(os, d)
		}
	}
	offers.bulk(os)
	demands.bulk(ds)
	st := newStats(len(m.concepts), offers, demands)
	offers.normalise(nil, st)
	demands.normalise(nil, st)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.offers, e.demands, e.stats, e.dict = offers, demands, st, dict
	e.lex.Store(lx)
	e.gen.Add(1)
	changes := *e.pending
	e.pending = nil
	for _, c := range changes {
		if c.upsert != nil {
			e.put(e.analyze(m, c.upsert, false), c.upsert.Kind)
		} else {
			e.indexOf(c.kind).remove(c.id)
			e.changed()
		}
	}
}

// changed counts a change to the indexes and takes a new snapshot of the
// statistics when enough have accumulated; the caller holds the write lock.
func (e *Engine) changed() {
	e.gen.Add(1)
	e.stats.changes++
	if e.stats.changes < e.stats.refreshEvery() {
		return
	}
	st := newStats(len(e.lex.Load().concepts), e.offers, e.demands)
	e.offers.normalise(e.stats, st)
	e.demands.normalise(e.stats, st)
	e.stats = st
}

// Upsert adds or replaces a listing.
func (e *Engine) Upsert(l Listing) {
	m := e.lex.Load().matcher
	d := e.analyze(m, &l, false)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.pending != nil {
		*e.pending = append(*e.pending, change{upsert: &l})
	}
	if now := e.lex.Load().matcher; now != m { // the lexicon changed since: analyse again
		d = e.analyze(now, &l, false)
	}
	e.put(d, l.Kind)
}

// put indexes d; the caller holds the write lock.
func (e *Engine) put(d *doc, k Kind) {
	e.dict.encode(d, nil, nil)
	e.indexOf(k).put(d, e.stats)
	e.changed()
}

// Remove drops a listing (withdrawn, expired, no longer published).
func (e *Engine) Remove(k Kind, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.pending != nil {
		*e.pending = append(*e.pending, change{kind: k, id: id})
	}
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
	lx := e.lex.Load()
	qd := e.analyze(lx.matcher, &l, true)
	e.mu.RLock()
	defer e.mu.RUnlock()
	if now := e.lex.Load(); now != lx { // swapped since: the indexes hold the new lexicon's concepts
		qd = e.analyze(now.matcher, &l, true)
	}
	target := e.offers
	if l.Kind == Offer {
		target = e.demands
	}
	return e.rank(qd, target, q)
}

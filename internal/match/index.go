package match

import (
	"math"
	"slices"
	"strings"
)

// Field weights: a term in the title says more about a listing than one in
// its description.
const (
	weightTitle       = 3.0
	weightKeywords    = 2.5
	weightSummary     = 1.5
	weightDescription = 0.5

	bm25K1 = 1.2
	bm25B  = 0.75
)

// doc is a listing as the index keeps it: what scoring and filtering need,
// and no text.
type doc struct {
	kind         Kind
	id           string
	inst         string
	country      string
	sector       string
	subsector    string
	trl          int8
	modes        uint8 // bit per transfer mode
	countries    []string
	amountMin    float64 // US dollars; -1 when unknown
	amountMax    float64
	currency     string
	confidential bool
	published    int64 // unix seconds
	ends         int64 // unix seconds; 0 when open-ended
	length       float32
	concepts     []conceptRef

	// Only while analysing, and for queries: term → field-weighted frequency.
	terms map[string]float32
}

// conceptRef is a concept a listing mentions, its field-weighted frequency,
// and the first term that mentioned it (for explanations).
type conceptRef struct {
	concept int32
	pattern int32
	weight  float32
}

var modeBits = map[string]uint8{"licensing": 1, "assignment": 2, "joint_development": 4, "technical_service": 8,
	"equity_cooperation": 16}

// analyze turns a listing into a doc with its terms and concepts.
func (e *Engine) analyze(l *Listing) *doc {
	d := &doc{kind: l.Kind, currency: strings.ToUpper(l.Currency), id: l.ID, inst: l.InstitutionID, country: strings.ToUpper(l.Country), sector: l.Sector,
		subsector: l.Subsector, trl: int8(l.TRL), countries: l.Countries, confidential: l.Confidential,
		published: l.PublishedAt.Unix(), terms: map[string]float32{}}
	if l.EndsAt != nil {
		d.ends = l.EndsAt.Unix()
	}
	for _, m := range l.TransferModes {
		d.modes |= modeBits[m]
	}
	d.amountMin, d.amountMax = e.usd(l.AmountMin, l.Currency), e.usd(l.AmountMax, l.Currency)
	concepts := map[int32]*conceptRef{}
	field := func(text string, w float32) {
		f := fold(text)
		tokenize(f, l.Language, func(t string) {
			d.terms[t] += w
			d.length += w
		})
		if e.cfg.TextOnly {
			return
		}
		e.concepts.find(units(f), func(pid int32) {
			c := e.concepts.patterns[pid].concept
			if r, ok := concepts[c]; ok {
				r.weight += w
			} else {
				concepts[c] = &conceptRef{concept: c, pattern: pid, weight: w}
			}
		})
	}
	field(l.Title, weightTitle)
	field(strings.Join(l.Keywords, " ; "), weightKeywords)
	field(l.Summary, weightSummary)
	field(l.Description, weightDescription)
	for _, r := range concepts {
		d.concepts = append(d.concepts, *r)
	}
	slices.SortFunc(d.concepts, func(a, b conceptRef) int { return int(a.concept - b.concept) })
	return d
}

// usd converts an amount to US dollars; -1 when unknown.
func (e *Engine) usd(v *int64, currency string) float64 {
	rate, ok := e.cfg.Rates[strings.ToUpper(currency)]
	if v == nil || !ok || rate <= 0 {
		return -1
	}
	return float64(*v) / rate
}

// postings of one term or concept: parallel slices of doc numbers and weights.
type postings struct {
	docs []uint32
	w    []float32
}

func (p *postings) add(d uint32, w float32) {
	p.docs = append(p.docs, d)
	p.w = append(p.w, w)
}

// index is an inverted index over one kind of listing. Removal leaves a
// hole that queries skip; holes are swept out when they outnumber the living.
type index struct {
	docs     []*doc
	filters  []docFilter // per doc, dense: what every candidate is checked against
	instIDs  map[string]uint32
	codes    map[string]uint16 // countries and sectors
	byID     map[string]uint32
	terms    map[string]*postings
	concepts map[int32]*postings
	live     int
	holes    int
	totalLen float64
}

func newIndex() *index {
	return &index{byID: map[string]uint32{}, terms: map[string]*postings{}, concepts: map[int32]*postings{},
		instIDs: map[string]uint32{}, codes: map[string]uint16{}}
}

// Filter flags.
const (
	flagLive         = 1
	flagConfidential = 2
)

// docFilter holds what the candidate loop checks, small and together, so
// that rejecting a document costs no pointer chase and no string compare.
type docFilter struct {
	ends    int64
	inst    uint32
	country uint16
	sector  uint16
	flags   uint8
}

// code returns the small number of a country or sector; absent ones get a
// number no document has. Only writers (holding the engine's write lock) add.
func (ix *index) code(s string) uint16 {
	if c, ok := ix.codes[s]; ok {
		return c
	}
	return math.MaxUint16
}

func (ix *index) addCode(s string) uint16 {
	c, ok := ix.codes[s]
	if !ok {
		c = uint16(len(ix.codes))
		ix.codes[s] = c
	}
	return c
}

func (ix *index) filterOf(d *doc) docFilter {
	inst, ok := ix.instIDs[d.inst]
	if !ok {
		inst = uint32(len(ix.instIDs))
		ix.instIDs[d.inst] = inst
	}
	f := docFilter{ends: d.ends, inst: inst, country: ix.addCode(d.country), sector: ix.addCode(d.sector), flags: flagLive}
	if d.confidential {
		f.flags |= flagConfidential
	}
	return f
}

func (ix *index) avgLen() float64 {
	if ix.live == 0 {
		return 1
	}
	return ix.totalLen / float64(ix.live)
}

// bulk indexes many docs with the average length known up front.
func (ix *index) bulk(ds []*doc) {
	var total float64
	for _, d := range ds {
		total += float64(d.length)
	}
	avg := max(1, total/float64(max(1, len(ds))))
	for _, d := range ds {
		ix.remove(d.id) // a duplicate id keeps the last
		ix.insert(d, avg)
	}
}

// withExtra returns a copy of the index (sharing nothing it changes) with d
// added: its postings are copied on write, term by term.
func (ix *index) withExtra(d *doc) *index {
	n := uint32(len(ix.docs))
	ix.docs = append(ix.docs, d)
	// The copy must not write the shared maps: an unknown institution or
	// code gets a number no other document has.
	f := docFilter{ends: d.ends, inst: math.MaxUint32 - 1, country: ix.code(d.country), sector: ix.code(d.sector), flags: flagLive}
	if inst, ok := ix.instIDs[d.inst]; ok {
		f.inst = inst
	}
	if d.confidential {
		f.flags |= flagConfidential
	}
	ix.filters = append(slices.Clone(ix.filters), f)
	ix.byID[d.id] = n
	norm := float32(1 - bm25B + bm25B*float64(d.length)/ix.avgLen())
	terms := make(map[string]*postings, len(d.terms))
	for t, tf := range d.terms {
		p := &postings{}
		if old := ix.terms[t]; old != nil {
			p.docs, p.w = slices.Clone(old.docs), slices.Clone(old.w)
		}
		p.add(n, tf*(bm25K1+1)/(tf+bm25K1*norm))
		terms[t] = p
	}
	concepts := make(map[int32]*postings, len(d.concepts))
	for _, c := range d.concepts {
		p := &postings{}
		if old := ix.concepts[c.concept]; old != nil {
			p.docs, p.w = slices.Clone(old.docs), slices.Clone(old.w)
		}
		p.add(n, saturate(c.weight))
		concepts[c.concept] = p
	}
	// Lookups see the copied lists for d's terms and the shared ones otherwise.
	ix.terms = overlay(ix.terms, terms)
	ix.concepts = overlayC(ix.concepts, concepts)
	return ix
}

func overlay(base, top map[string]*postings) map[string]*postings {
	out := make(map[string]*postings, len(top))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range top {
		out[k] = v
	}
	return out
}

func overlayC(base, top map[int32]*postings) map[int32]*postings {
	out := make(map[int32]*postings, len(base)+len(top))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range top {
		out[k] = v
	}
	return out
}

// put adds a doc, replacing one with the same id.
func (ix *index) put(d *doc) {
	ix.remove(d.id)
	avg := ix.avgLen()
	if ix.live == 0 {
		avg = float64(max(d.length, 1))
	}
	ix.insert(d, avg)
}

func (ix *index) insert(d *doc, avg float64) {
	n := uint32(len(ix.docs))
	ix.docs = append(ix.docs, d)
	ix.filters = append(ix.filters, ix.filterOf(d))
	ix.byID[d.id] = n
	ix.live++
	ix.totalLen += float64(d.length)
	norm := float32(1 - bm25B + bm25B*float64(d.length)/avg)
	for t, tf := range d.terms {
		p := ix.terms[t]
		if p == nil {
			p = &postings{}
			ix.terms[t] = p
		}
		p.add(n, tf*(bm25K1+1)/(tf+bm25K1*norm))
	}
	for _, c := range d.concepts {
		p := ix.concepts[c.concept]
		if p == nil {
			p = &postings{}
			ix.concepts[c.concept] = p
		}
		p.add(n, saturate(c.weight))
	}
	d.terms = nil
}

// saturate maps a field-weighted frequency into (0, 1): a mention in the
// title counts for much, repetition for little.
func saturate(w float32) float32 { return w / (w + 1) }

func (ix *index) remove(id string) {
	n, ok := ix.byID[id]
	if !ok {
		return
	}
	d := ix.docs[n]
	ix.docs[n] = nil
	ix.filters[n].flags &^= flagLive
	delete(ix.byID, id)
	ix.live--
	ix.holes++
	ix.totalLen -= float64(d.length)
	if ix.holes > 1024 && ix.holes > ix.live {
		ix.compact()
	}
}

// compact renumbers the living docs and drops the holes from every posting list.
func (ix *index) compact() {
	renum := make([]uint32, len(ix.docs))
	var docs []*doc
	var filters []docFilter
	for i, d := range ix.docs {
		if d != nil {
			renum[i] = uint32(len(docs))
			ix.byID[d.id] = uint32(len(docs))
			docs = append(docs, d)
			filters = append(filters, ix.filters[i])
		} else {
			renum[i] = math.MaxUint32
		}
	}
	sweep := func(m map[string]*postings) {
		for k, p := range m {
			if !p.sweep(renum) {
				delete(m, k)
			}
		}
	}
	sweep(ix.terms)
	for k, p := range ix.concepts {
		if !p.sweep(renum) {
			delete(ix.concepts, k)
		}
	}
	ix.docs, ix.filters, ix.holes = docs, filters, 0
}

func (p *postings) sweep(renum []uint32) bool {
	j := 0
	for i, d := range p.docs {
		if r := renum[d]; r != math.MaxUint32 {
			p.docs[j], p.w[j] = r, p.w[i]
			j++
		}
	}
	p.docs, p.w = p.docs[:j], p.w[:j]
	return j > 0
}

// idf is BM25's inverse document frequency, never negative.
func idf(n, df int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

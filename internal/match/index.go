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
	rel          uint8 // relatedCode of the subsector
	region       uint8 // of country: regionCN, regionASEAN or other
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
	shown *shownWords // queries only: what explanations show of their words

	// What the analysis file keeps of an indexed doc (analyses.go): the
	// stamp of the listing it was analysed from and its terms, concepts and
	// length, encoded with the engine's term dictionary. Never changed once
	// indexed.
	stamp    string
	analysis []byte
}

// shownWords is what a query keeps to name its words in explanations: term
// → the words it was made of where they differ (a stem, a Vietnamese
// syllable pair), folded; its texts that are not ASCII; and, filled as
// explanations need them, folded words → as written (doc.writtenAs).
type shownWords struct {
	words   map[string]string
	runs    []string // the Han and Thai segments of its texts (tokenizeRuns)
	texts   []string
	written map[string]string
	scanned int
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

// analyze turns a listing into a doc with its terms and concepts; a query
// also keeps the words behind its terms.
func (e *Engine) analyze(m *conceptMatcher, l *Listing, query bool) *doc {
	d := e.describe(l)
	d.terms = map[string]float32{}
	if query {
		d.shown = &shownWords{}
	}
	concepts := map[int32]*conceptRef{}
	field := func(text string, w float32) { e.field(m, d, concepts, l.Language, text, w, query) }
	field(l.Title, weightTitle)
	field(strings.Join(l.Keywords, " ; "), weightKeywords)
	field(l.Summary, weightSummary)
	field(l.Description, weightDescription)
	e.analyzeTranslations(m, d, concepts, l, query)
	for _, r := range concepts {
		d.concepts = append(d.concepts, *r)
	}
	slices.SortFunc(d.concepts, func(a, b conceptRef) int { return int(a.concept - b.concept) })
	return d
}

// describe is the part of a listing's doc that does not come from its
// text: what the listing's row says (and its institution's country).
func (e *Engine) describe(l *Listing) *doc {
	d := &doc{kind: l.Kind, currency: strings.ToUpper(l.Currency), id: l.ID, inst: l.InstitutionID, country: strings.ToUpper(l.Country), sector: l.Sector,
		subsector: l.Subsector, trl: int8(l.TRL), confidential: l.Confidential, stamp: l.Stamp}
	if !l.PublishedAt.IsZero() {
		d.published = l.PublishedAt.Unix() // 0: not published (a draft asking), counted as fresh
	}
	d.rel, d.region = relatedCode[d.subsector], regionOf(d.country)
	for _, c := range l.Countries {
		d.countries = append(d.countries, strings.ToUpper(c))
	}
	if l.EndsAt != nil {
		d.ends = l.EndsAt.Unix()
	}
	for _, m := range l.TransferModes {
		d.modes |= modeBits[m]
	}
	d.amountMin, d.amountMax = e.usd(l.AmountMin, l.Currency), e.usd(l.AmountMax, l.Currency)
	return d
}

// field adds one text of a listing, in language lang and with field weight
// w, to d's terms and to the concepts it mentions.
func (e *Engine) field(m *conceptMatcher, d *doc, concepts map[int32]*conceptRef, lang, text string, w float32, query bool) {
	f := fold(text)
	if query && !isASCII(text) { // an ASCII text's words are shown as folded: lower case
		d.shown.texts = append(d.shown.texts, text)
	}
	var runs func(string)
	if query && !isASCII(text) {
		runs = func(seg string) { d.shown.runs = append(d.shown.runs, seg) }
	}
	tokenizeRuns(f, lang, func(t, words string) {
		d.terms[t] += w
		d.length += w
		if query && words != t {
			if d.shown.words == nil {
				d.shown.words = map[string]string{}
			}
			if _, seen := d.shown.words[t]; !seen {
				d.shown.words[t] = words
			}
		}
	}, runs)
	if e.cfg.TextOnly {
		return
	}
	m.find(units(f), func(pid int32) {
		c := m.patterns[pid].concept
		if m.stop[c] {
			return
		}
		if r, ok := concepts[c]; ok {
			r.weight += w
		} else {
			concepts[c] = &conceptRef{concept: c, pattern: pid, weight: w}
		}
	})
}

// concept returns d's reference to concept c, or nil.
func (d *doc) concept(c int32) *conceptRef {
	if k, found := slices.BinarySearchFunc(d.concepts, c, func(r conceptRef, c int32) int { return int(r.concept - c) }); found {
		return &d.concepts[k]
	}
	return nil
}

// usd converts an amount to US dollars; -1 when unknown.
func (e *Engine) usd(v *int64, currency string) float64 {
	rate, ok := e.cfg.Rates[strings.ToUpper(currency)]
	if v == nil || !ok || rate <= 0 {
		return -1
	}
	return float64(*v) / rate
}

// Posting weights are kept quantised to 16 bits: BM25's term-frequency part
// and the saturated concept weight both lie in (0, maxWeight). One quantum
// is 1/65535 of maxWeight (3.4e-5): far below what a rounded score shows.
const maxWeight = bm25K1 + 1

func quantize(v float32) uint16 {
	return uint16(max(1, min(65535, math.Round(float64(v)/maxWeight*65535))))
}

// postings of one term or concept: parallel slices of doc numbers and
// quantised weights. A common list (see denseLimit) is kept instead as its
// weights by doc number (0 where a doc lacks the term): a candidate's weight
// is then one load, not a search. (The array costs 2 bytes a doc, the list
// 6 a posting: more memory below a third of the index, less above.)
type postings struct {
	docs  []uint32
	w     []uint16
	dense []uint16 // common lists only; docs and w are then nil
	n     int      // how many docs a dense list holds
}

// df is the number of docs in the list (removed ones until compaction).
func (p *postings) df() int {
	if p.dense != nil {
		return p.n
	}
	return len(p.docs)
}

func (p *postings) add(d uint32, q uint16) {
	if p.dense == nil {
		p.docs = append(p.docs, d)
		p.w = append(p.w, q)
		return
	}
	if int(d) >= len(p.dense) {
		p.dense = append(p.dense, make([]uint16, int(d)+1-len(p.dense))...)
	}
	p.dense[d] = q
	p.n++
}

// weight of doc d in the list; 0 when d is not in it.
func (p *postings) weight(d uint32) uint16 {
	if p.dense != nil {
		if int(d) < len(p.dense) {
			return p.dense[d]
		}
		return 0
	}
	if k, found := slices.BinarySearch(p.docs, d); found {
		return p.w[k]
	}
	return 0
}

// each calls fn for every doc in the list, in doc order.
func (p *postings) each(fn func(d uint32, q uint16)) {
	if p.dense == nil {
		for i, d := range p.docs {
			fn(d, p.w[i])
		}
		return
	}
	for d, q := range p.dense {
		if q != 0 {
			fn(uint32(d), q)
		}
	}
}

// densify turns the list into its by-doc weights, over n doc numbers.
func (p *postings) densify(n int) {
	p.dense, p.n = make([]uint16, n), len(p.docs)
	for i, d := range p.docs {
		p.dense[d] = p.w[i]
	}
	p.docs, p.w = nil, nil
}

// clip returns the list's spare capacity (bulk building leaves up to half).
func (p *postings) clip() {
	p.docs, p.w = slices.Clone(p.docs), slices.Clone(p.w)
}

// denseLimit: postings longer than Shortcuts.CommonShare of the index (and
// than CommonMinDocs) are common: they keep dense weights, and queries do not
// walk them but add them to the candidates the rarer terms found (score.go).
func (ix *index) denseLimit() int {
	return max(ix.shortcuts.CommonMinDocs, int(ix.shortcuts.CommonShare*float64(ix.live)))
}

// index is an inverted index over one kind of listing. Removal leaves a
// hole that queries skip; holes are swept out when they outnumber the living.
type index struct {
	entries []entry           // per doc number (entries.go); a removed doc's stays until compaction
	facts   []facts           // per doc, dense: what every candidate is checked against and scored by
	codes   map[string]uint16 // sectors and subsectors
	cc      map[string]uint16 // countries: a code space of their own, so that they fit the mask
	byID    idTable
	// The entries' names (institution ids, countries, sectors,
	// subsectors, currencies) by number, and their texts and lists.
	nameIDs      map[string]uint32
	nameList     []string
	text         arena[byte] // ids and stamps
	analyses     arena[byte]
	countryLists arena[uint32]
	conceptLists arena[conceptRef]
	terms        map[string]*postings
	concepts     map[int32]*postings
	live         int
	holes        int
	totalLen     float64
	shortcuts    Shortcuts
	dict         *termDict // of the docs' analyses
	// slots, while bulk runs: the postings of a term by its number in
	// dict, which spares hashing it for every doc that has it.
	slots []*postings
	// bm25 indexes words by BM25's length-normalised weights, for the
	// text-only baseline. Otherwise a posting holds the doc's entry of its
	// unit-length vector (stats.go), times maxWeight.
	bm25 bool
}

func newIndex(sc Shortcuts, bm25 bool, dict *termDict) *index {
	return &index{dict: dict, byID: newIDs(0), terms: map[string]*postings{}, concepts: map[int32]*postings{},
		codes: map[string]uint16{}, cc: map[string]uint16{}, nameIDs: map[string]uint32{}, shortcuts: sc, bm25: bm25}
}

// Facts flags.
const (
	flagLive         = 1
	flagConfidential = 2
	flagCountries    = 4 // the countries list is not empty
)

// facts is what the candidate loop checks and the structured components
// read, per doc, small and together in one array: rejecting or scoring a
// candidate costs no pointer chase and no string compare. Countries,
// sectors and subsectors are the index's small codes.
type facts struct {
	ends      int64 // unix seconds; 0 when open-ended
	published int64
	amount    float64 // US dollars, -1 when unknown: an offer's lowest price, a demand's highest budget
	markets   uint64  // bit per country code of the list (countries): targets or accepted sources
	inst      uint32
	country   uint16
	sector    uint16
	subsector uint16
	flags     uint8
	rel       uint8 // relatedCode of the subsector
	region    uint8
	trl       int8
	modes     uint8
}

// Codes: "" has its own, and a name the index has never seen (a query's)
// gets codeUnknown; either makes comparisons fall back to the names.
const (
	codeEmpty   = math.MaxUint16 - 1
	codeUnknown = math.MaxUint16
	// Country codes below maskBits have a bit in facts.markets.
	maskBits = 64
)

// code returns the small number of a name in codes (a country, sector or
// subsector). Only writers (holding the engine's write lock) add; readers
// get codeUnknown.
func code(codes map[string]uint16, s string, add bool) uint16 {
	if s == "" {
		return codeEmpty
	}
	c, ok := codes[s]
	switch {
	case ok:
	case add && len(codes) < codeEmpty:
		c = uint16(len(codes))
		codes[s] = c
	default:
		return codeUnknown
	}
	return c
}

// factsOf computes d's facts; add says whether unseen codes and
// institutions are added (writers) or left unknown (queries).
func (ix *index) factsOf(d *doc, add bool) facts {
	inst, ok := ix.nameIDs[d.inst] // institutions are numbered with the other names
	if !ok {
		inst = math.MaxUint32
		if add {
			inst = ix.intern(d.inst)
		}
	}
	f := facts{ends: d.ends, published: d.published, amount: d.amountMin, inst: inst,
		country: code(ix.cc, d.country, add), sector: code(ix.codes, d.sector, add), subsector: code(ix.codes, d.subsector, add),
		flags: flagLive, rel: d.rel, region: d.region, trl: d.trl, modes: d.modes}
	if d.kind == Demand {
		f.amount = d.amountMax
	}
	if d.confidential {
		f.flags |= flagConfidential
	}
	if len(d.countries) > 0 {
		f.flags |= flagCountries
	}
	for _, c := range d.countries {
		if c := code(ix.cc, c, add); c < maskBits {
			f.markets |= 1 << c
		}
	}
	return f
}

// inList tells whether the country with code c (named name()) is in the
// countries list of f (side s): by the mask when c has a bit, else by name.
func inList(f *facts, s side, c uint16, name func() string) bool {
	if c < maskBits {
		return f.markets&(1<<c) != 0
	}
	return s.lists(name())
}

// same compares two codes, or the names when either is unknown or empty;
// the names are read only then (reading them is a pointer chase per doc).
func same(a, b uint16, names func() (string, string)) bool {
	if a < codeEmpty && b < codeEmpty {
		return a == b
	}
	sa, sb := names()
	return sa == sb
}

// living tells whether doc n is in the index (not removed).
func (ix *index) living(n uint32) bool { return ix.facts[n].flags&flagLive != 0 }

func (ix *index) avgLen() float64 {
	if ix.live == 0 {
		return 1
	}
	return ix.totalLen / float64(ix.live)
}

// bulk indexes many docs with the average length known up front, then
// makes the common lists dense and trims every list to its length. The
// postings hold the docs' raw saturated frequencies until normalise, once
// the statistics of both indexes are known.
func (ix *index) bulk(ds []*doc) {
	var total float64
	for _, d := range ds {
		total += float64(d.length)
	}
	avg := max(1, total/float64(max(1, len(ds))))
	if len(ix.entries) == 0 { // a new index: no growing by doubling
		ix.entries, ix.facts, ix.byID = make([]entry, 0, len(ds)), make([]facts, 0, len(ds)), newIDs(len(ds))
	}
	ix.slots = make([]*postings, len(ix.dict.snapshot()))
	for _, d := range ds {
		ix.remove(d.id) // a duplicate id keeps the last
		ix.insert(d, avg, false, nil)
	}
	ix.slots = nil
	limit := ix.denseLimit()
	for _, p := range ix.terms {
		p.finish(limit, len(ix.entries))
	}
	for _, p := range ix.concepts {
		p.finish(limit, len(ix.entries))
	}
}

func (p *postings) finish(limit, n int) {
	if len(p.docs) <= limit {
		p.clip()
	} else if p.dense == nil {
		p.densify(n)
	}
}

// textWeight is BM25's saturated, length-normalised term frequency.
func textWeight(tf float32, length float32, avg float64) uint16 {
	norm := float32(1 - bm25B + bm25B*float64(length)/avg)
	return quantize(tf * (bm25K1 + 1) / (tf + bm25K1*norm))
}

// put adds a doc, replacing one with the same id; its vector lengths are
// those under st.
func (ix *index) put(d *doc, st *termStats) {
	ix.remove(d.id)
	avg := ix.avgLen()
	if ix.live == 0 {
		avg = float64(max(d.length, 1))
	}
	ix.insert(d, avg, true, st)
}

// insert adds d as the next doc number; dense says whether lists that grow
// past the limit become dense at once (bulk does it once at the end). With
// st nil the postings get raw saturated frequencies, for normalise.
func (ix *index) insert(d *doc, avg float64, dense bool, st *termStats) {
	n := uint32(len(ix.entries))
	ix.entries = append(ix.entries, ix.store(d))
	ix.facts = append(ix.facts, ix.factsOf(d, true))
	var length [2]float64 // 0: raw
	if st != nil && !ix.bm25 {
		length = st.lengths(ix, d)
	}
	ix.byID.set(d.id, n)
	ix.live++
	ix.totalLen += float64(d.length)
	limit := ix.denseLimit()
	grow := func(p *postings) {
		if dense && p.dense == nil && len(p.docs) > limit {
			p.densify(len(ix.entries))
		}
	}
	ix.eachTerm(d, func(id int, t string, tf float32) {
		var p *postings
		if id >= 0 && id < len(ix.slots) {
			p = ix.slots[id]
		}
		if p == nil {
			if p = ix.terms[t]; p == nil {
				p = &postings{}
				ix.terms[t] = p
			}
			if id >= 0 && id < len(ix.slots) {
				ix.slots[id] = p
			}
		}
		switch {
		case ix.bm25:
			p.add(n, textWeight(tf, d.length, avg))
		case length[0] > 0:
			p.add(n, quantize(float32(maxWeight*st.word(t)*dequantize(satTF(tf))/length[0])))
		default:
			p.add(n, satTF(tf))
		}
		grow(p)
	})
	for _, c := range d.concepts {
		p := ix.concepts[c.concept]
		if p == nil {
			p = &postings{}
			ix.concepts[c.concept] = p
		}
		if length[1] > 0 {
			p.add(n, quantize(float32(maxWeight*st.concept(c.concept)*dequantize(quantize(saturate(c.weight)))/length[1])))
		} else {
			p.add(n, quantize(saturate(c.weight)))
		}
		grow(p)
	}
	d.terms = nil
}

// saturate maps a field-weighted frequency into (0, 1): a mention in the
// title counts for much, repetition for little.
func saturate(w float32) float32 { return w / (w + 1) }

func (ix *index) remove(id string) {
	n, ok := ix.byID.get(id)
	if !ok {
		return
	}
	ix.facts[n].flags &^= flagLive
	ix.byID.delete(id)
	ix.live--
	ix.holes++
	ix.totalLen -= float64(ix.entries[n].length)
	if ix.holes > 1024 && ix.holes > ix.live {
		ix.compact()
	}
}

// compact renumbers the living docs and drops the holes from every posting list.
func (ix *index) compact() {
	ix.slots = nil // they may name lists that go
	renum := make([]uint32, len(ix.entries))
	// The living entries move to fresh arenas: the removed ones' texts and
	// lists go with the old.
	to := &index{}
	entries, fs := make([]entry, 0, ix.live), make([]facts, 0, ix.live)
	for i, en := range ix.entries {
		if ix.living(uint32(i)) {
			renum[i] = uint32(len(entries))
			ix.byID.set(ix.idOf(uint32(i)), uint32(len(entries)))
			entries = append(entries, to.restore(ix, en))
			fs = append(fs, ix.facts[i])
		} else {
			renum[i] = math.MaxUint32
		}
	}
	ix.text, ix.analyses, ix.countryLists, ix.conceptLists = to.text, to.analyses, to.countryLists, to.conceptLists
	limit := ix.denseLimit()
	for k, p := range ix.terms {
		if !p.sweep(renum, len(entries), limit) {
			delete(ix.terms, k)
		}
	}
	for k, p := range ix.concepts {
		if !p.sweep(renum, len(entries), limit) {
			delete(ix.concepts, k)
		}
	}
	ix.entries, ix.facts, ix.holes = entries, fs, 0
}

// sweep renumbers the list after compaction (n docs are left in the
// index); false when nothing is left of it. A dense list that is no longer
// common (limit) becomes a list of postings again.
func (p *postings) sweep(renum []uint32, n, limit int) bool {
	if p.dense != nil {
		dense, count := make([]uint16, n), 0
		for d, q := range p.dense {
			if r := renum[d]; q != 0 && r != math.MaxUint32 {
				dense[r] = q
				count++
			}
		}
		p.dense, p.n = dense, count
		if count <= limit {
			p.docs, p.w = make([]uint32, 0, count), make([]uint16, 0, count)
			for d, q := range dense {
				if q != 0 {
					p.docs, p.w = append(p.docs, uint32(d)), append(p.w, q)
				}
			}
			p.dense, p.n = nil, 0
		}
		return count > 0
	}
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

// idf is BM25's inverse document frequency, never negative: postings still
// hold removed docs until compaction, so df may exceed the living n.
func idf(n, df int) float64 {
	df = min(df, n)
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

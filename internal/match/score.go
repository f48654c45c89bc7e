package match

import (
	"container/heap"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// How many query terms are kept (the most informative), and how many
// candidates get the full score.
const (
	maxQueryTerms = 32
	shortlist     = 200
)

// accumulator holds per-doc partial scores for one query, text and concept
// side by side (one cache line serves both); pooled.
type accumulator struct {
	s       []float32 // s[2d] text, s[2d+1] concepts
	touched []uint32
}

func (e *Engine) acquire(n int) *accumulator {
	a, _ := e.accs.Get().(*accumulator)
	if a == nil {
		a = &accumulator{}
	}
	if cap(a.s) < 2*n {
		a.s = make([]float32, 2*n)
	}
	a.s = a.s[:2*n]
	return a
}

func (e *Engine) release(a *accumulator) {
	for _, d := range a.touched {
		a.s[2*d], a.s[2*d+1] = 0, 0
	}
	a.touched = a.touched[:0]
	e.accs.Put(a)
}

type weightedTerm struct {
	postings *postings
	weight   float64 // idf × query weight
	concept  bool
}

// Postings longer than commonShare of the index are "common": they are not
// walked for every document but added afterwards, by binary search, to the
// candidates the rarer terms found; preselect is how many of those go on.
const (
	commonShare   = 0.10
	commonMinDocs = 5000
	preselect     = 600
)

func (a *accumulator) add(d uint32, slot int, v float32) {
	i := 2*int(d) + slot
	if a.s[2*d] == 0 && a.s[2*d+1] == 0 {
		a.touched = append(a.touched, d)
	}
	a.s[i] += v
}

// rank scores the counterparts of query doc q in ix.
func (e *Engine) rank(q *doc, ix *index, opt Query) []Result {
	n := len(ix.docs)
	if n == 0 || ix.live == 0 {
		return []Result{}
	}
	acc := e.acquire(n)
	defer e.release(acc)

	// Words: BM25 over the pruned query.
	var terms []weightedTerm
	var textIdeal float64
	for t, qw := range q.terms {
		if p := ix.terms[t]; p != nil {
			terms = append(terms, weightedTerm{postings: p, weight: idf(ix.live, len(p.docs)) * float64(qw)})
		}
	}
	sort.Slice(terms, func(i, j int) bool { return terms[i].weight > terms[j].weight })
	if len(terms) > maxQueryTerms {
		terms = terms[:maxQueryTerms]
	}
	for _, wt := range terms {
		textIdeal += wt.weight
	}
	// Concepts: the cross-lingual bridge.
	var conceptIdeal float64
	for _, c := range q.concepts {
		p := ix.concepts[c.concept]
		qw := float64(saturate(c.weight))
		if p == nil {
			conceptIdeal += idf(ix.live, 0) * qw * 0.75
			continue
		}
		w := idf(ix.live, len(p.docs)) * qw
		conceptIdeal += w * 0.75 // a doc naming the concept in its title scores 0.75
		terms = append(terms, weightedTerm{postings: p, weight: w, concept: true})
	}
	common := max(commonMinDocs, int(commonShare*float64(ix.live)))
	var deferred []weightedTerm
	walk := func(wt weightedTerm) {
		slot := 0
		if wt.concept {
			slot = 1
		}
		for i, d := range wt.postings.docs {
			acc.add(d, slot, float32(wt.weight)*wt.postings.w[i])
		}
	}
	for _, wt := range terms {
		if len(wt.postings.docs) > common {
			deferred = append(deferred, wt)
			continue
		}
		walk(wt)
	}
	// Too few candidates from the rarer terms: walk the common ones as well.
	if len(deferred) > 0 && len(acc.touched) < preselect {
		for _, wt := range deferred {
			walk(wt)
		}
		deferred = nil
	}

	wts := e.cfg.Weights
	relW := wts.Text + wts.Concepts
	relevance := func(dn uint32) (text, concept, rel float64) {
		text = ratio(float64(acc.s[2*dn]), textIdeal)
		concept = ratio(float64(acc.s[2*dn+1]), conceptIdeal)
		if e.cfg.TextOnly {
			return text, concept, text
		}
		return text, concept, (wts.Text*text + wts.Concepts*concept) / relW
	}
	// Shortlist by relevance first (cheap), then look at the document.
	now := opt.Now.Unix()
	qInst, ok := ix.instIDs[q.inst]
	if !ok {
		qInst = math.MaxUint32
	}
	country, sector := uint16(math.MaxUint16), uint16(math.MaxUint16)
	if opt.Country != "" {
		country = ix.code(opt.Country)
	}
	if opt.Sector != "" {
		sector = ix.code(opt.Sector)
	}
	keep := shortlist
	if len(deferred) > 0 {
		keep = preselect
	}
	h := &candidateHeap{}
	for _, dn := range acc.touched {
		_, _, rel := relevance(dn)
		if h.Len() >= keep && rel <= (*h)[0].rel {
			continue
		}
		f := ix.filters[dn]
		if (opt.only != nil && dn != *opt.only) || f.flags&flagLive == 0 || f.inst == qInst || (f.ends != 0 && f.ends <= now) ||
			(f.flags&flagConfidential != 0 && !opt.SeeConfidential) ||
			(opt.Country != "" && f.country != country) || (opt.Sector != "" && f.sector != sector) {
			continue
		}
		c := candidate{doc: dn, rel: rel}
		if h.Len() < keep {
			heap.Push(h, c)
		} else {
			(*h)[0] = c
			heap.Fix(h, 0)
		}
	}
	cands := []candidate(*h)
	if len(deferred) > 0 {
		// Add the common terms to the preselected, then keep the best.
		for i := range cands {
			dn := cands[i].doc
			for _, wt := range deferred {
				p := wt.postings
				if k, found := slices.BinarySearch(p.docs, dn); found {
					slot := 0
					if wt.concept {
						slot = 1
					}
					acc.s[2*int(dn)+slot] += float32(wt.weight) * p.w[k]
				}
			}
			_, _, cands[i].rel = relevance(dn)
		}
		sort.Slice(cands, func(i, j int) bool { return cands[i].rel > cands[j].rel })
		cands = cands[:min(len(cands), shortlist)]
	}
	results := make([]scored, 0, len(cands))
	for _, c := range cands {
		c.text, c.concept, c.rel = relevance(c.doc)
		sc := e.score(q, ix.docs[c.doc], c, opt)
		if sc.total >= opt.MinScore {
			results = append(results, sc)
		}
	}
	slices.SortFunc(results, func(a, b scored) int {
		switch {
		case a.total != b.total:
			if a.total > b.total {
				return -1
			}
			return 1
		}
		return strings.Compare(a.doc.id, b.doc.id)
	})
	if len(results) > opt.Limit {
		results = results[:opt.Limit]
	}
	out := make([]Result, len(results))
	for i, sc := range results {
		out[i] = e.result(sc)
		out[i].Reasons = e.explain(q, ix, ix.byID[sc.doc.id])
	}
	return out
}

func ratio(v, ideal float64) float64 {
	if ideal <= 0 {
		return 0
	}
	return math.Min(1, v/ideal)
}

type candidate struct {
	doc                uint32
	text, concept, rel float64
}

// candidateHeap is a min-heap on relevance: the shortlist's weakest on top.
type candidateHeap []candidate

func (h candidateHeap) Len() int           { return len(h) }
func (h candidateHeap) Less(i, j int) bool { return h[i].rel < h[j].rel }
func (h candidateHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *candidateHeap) Push(x any)        { *h = append(*h, x.(candidate)) }
func (h *candidateHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Pair scores one demand against one offer, as a ranking would have scored
// it: the score a recorded match freezes.
func (e *Engine) Pair(demand, offer Listing, now time.Time) Result {
	q := e.analyze(&demand)
	e.mu.RLock()
	defer e.mu.RUnlock()
	ix := e.offers
	n, indexed := ix.byID[offer.ID]
	if !indexed {
		// Not (yet) in the index: score it against a copy holding it alone,
		// with the main index's statistics for everything else.
		tmp := &index{docs: append([]*doc(nil), ix.docs...), filters: ix.filters, byID: map[string]uint32{}, terms: ix.terms,
			concepts: ix.concepts, live: ix.live, totalLen: ix.totalLen, instIDs: ix.instIDs, codes: ix.codes}
		ix = tmp.withExtra(e.analyze(&offer))
		n = uint32(len(ix.docs) - 1)
	}
	if rs := e.rank(q, ix, Query{Limit: 1, Now: now, SeeConfidential: true, only: &n}); len(rs) == 1 {
		return rs[0]
	}
	// No word or concept in common: only the structured components count.
	r := e.result(e.score(q, ix.docs[n], candidate{doc: n}, Query{Now: now}))
	r.Reasons = e.explain(q, ix, n)
	return r
}

// componentNames in a fixed order; scored.parts follows it.
var componentNames = [8]string{"text", "concepts", "sector", "trl", "transfer_mode", "geography", "budget", "freshness"}

// scored is a candidate's components and total, before it becomes a Result.
type scored struct {
	doc   *doc
	parts [8]float64
	total float64
}

// score combines the components of one pair into 0–100.
func (e *Engine) score(q, d *doc, c candidate, opt Query) scored {
	if e.cfg.TextOnly {
		return scored{doc: d, parts: [8]float64{round3(c.text)}, total: round2(100 * c.text)}
	}
	demand, offer := q, d
	if q.kind == Offer {
		demand, offer = d, q
	}
	sc := scored{doc: d, parts: [8]float64{c.text, c.concept, sectorFit(demand, offer), trlFit(int(offer.trl), int(demand.trl)),
		modeFit(demand.modes, offer.modes), geographyFit(demand, offer), budgetFit(demand, offer), freshness(d.published, opt.Now.Unix())}}
	w := e.weights()
	var sum, total float64
	for i := range sc.parts {
		sc.parts[i] = round3(sc.parts[i])
		sum += sc.parts[i] * w[i]
		total += w[i]
	}
	sc.total = round2(100 * sum / total)
	return sc
}

func (e *Engine) weights() [8]float64 {
	w := e.cfg.Weights
	return [8]float64{w.Text, w.Concepts, w.Sector, w.TRL, w.TransferMode, w.Geography, w.Budget, w.Freshness}
}

// result turns a scored candidate into what callers see.
func (e *Engine) result(sc scored) Result {
	if e.cfg.TextOnly {
		return Result{ID: sc.doc.id, Score: sc.total, Components: map[string]Component{"text": {sc.parts[0], 1}}}
	}
	w := e.weights()
	comps := make(map[string]Component, len(componentNames))
	for i, name := range componentNames {
		comps[name] = Component{Score: sc.parts[i], Weight: w[i]}
	}
	return Result{ID: sc.doc.id, Score: sc.total, Components: comps}
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// sectorFit: same subsector, related subsectors, same sector, or nothing.
func sectorFit(a, b *doc) float64 {
	switch {
	case a.subsector != "" && a.subsector == b.subsector:
		return 1
	case related(a.subsector, b.subsector) && a.sector == b.sector:
		return 0.7
	case related(a.subsector, b.subsector):
		return 0.6
	case a.sector == b.sector:
		return 0.4
	}
	return 0
}

// trlFit: meets the minimum, one below, two below, far below.
func trlFit(offer, minimum int) float64 {
	switch gap := minimum - offer; {
	case minimum <= 0 || gap <= 0:
		return 1
	case gap == 1:
		return 0.5
	case gap == 2:
		return 0.2
	}
	return 0
}

// modeFit: a transfer mode in common; unknown when a side names none.
func modeFit(a, b uint8) float64 {
	switch {
	case a == 0 || b == 0:
		return 0.5
	case a&b != 0:
		return 1
	}
	return 0
}

// geographyFit: the provider's country is an accepted source, the requester's
// country is one of the provider's markets, and the China–ASEAN corridor.
func geographyFit(demand, offer *doc) float64 {
	var s float64
	if len(demand.countries) == 0 || slices.Contains(demand.countries, offer.country) {
		s += 0.45
	}
	if len(offer.countries) == 0 || offer.country == demand.country || slices.Contains(offer.countries, demand.country) {
		s += 0.35
	}
	switch {
	case corridor(demand.country, offer.country):
		s += 0.2
	case isASEAN(demand.country) && isASEAN(offer.country):
		s += 0.1
	}
	return s
}

func corridor(a, b string) bool {
	return (a == "CN" && isASEAN(b)) || (b == "CN" && isASEAN(a))
}

var asean = map[string]bool{"BN": true, "KH": true, "ID": true, "LA": true, "MY": true, "MM": true, "PH": true,
	"SG": true, "TH": true, "TL": true, "VN": true}

func isASEAN(c string) bool { return asean[c] }

// budgetFit compares the offer's lowest price with the demand's highest
// budget in dollars: within, up to twice, far above; unknown in between.
func budgetFit(demand, offer *doc) float64 {
	price, budget := offer.amountMin, demand.amountMax
	switch {
	case price < 0 || budget < 0:
		return 0.6
	case price <= budget:
		return 1
	case price <= 2*budget:
		return 0.4
	}
	return 0
}

// freshness: full for three months, then down to half over two years.
func freshness(published, now int64) float64 {
	age := float64(now-published) / 86400
	if age <= 90 {
		return 1
	}
	return 1 - 0.5*math.Min(1, (age-90)/730)
}

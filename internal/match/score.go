package match

import (
	"math"
	"slices"
	"strings"
	"time"
)

// A query keeps its maxQueryTerms heaviest words, and up to
// maxQueryTermsLong while those left out could carry more than pruneShare
// of its vector length (keepWords).
const (
	maxQueryTerms     = 32
	maxQueryTermsLong = 64
	pruneShare        = 0.1
)

// accumulator holds per-doc partial scores for one query, text and concept
// side by side (one cache line serves both); pooled.
type accumulator struct {
	s       []float32 // s[2d] text, s[2d+1] concepts
	touched []uint32
	rels    []candidateRel // parallel to touched, once the walk is done
	cands   []candidate
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
	a.touched, a.rels, a.cands = a.touched[:0], a.rels[:0], a.cands[:0]
	e.accs.Put(a)
}

func (a *accumulator) add(d uint32, slot int, v float32) {
	if a.s[2*d] == 0 && a.s[2*d+1] == 0 {
		a.touched = append(a.touched, d)
	}
	a.s[2*int(d)+slot] += v
}

// weightedTerm is one word or concept of a prepared query.
type weightedTerm struct {
	term     string // the word; "" for a concept
	concept  int32
	postings *postings // nil when only an unindexed doc (Pair) has it
	weight   float64   // the query's unit-vector entry / maxWeight (BM25 baseline: idf × query weight)
	idf      float64   // tw, the term's weight in termStats (not BM25's idf, but its role)
	quantum  float32   // weight of one quantum of a posting weight
	slot     int       // 0 text, 1 concepts
}

func (wt *weightedTerm) deferred() bool { return wt.postings != nil && wt.postings.dense != nil }

// contribution of a posting weight q to a doc's sum. The explicit conversion
// rounds the product on its own, so no path fuses it with the addition
// (the Go spec allows fusing): ranking and Pair add identical numbers.
func (wt *weightedTerm) contribution(q uint16) float32 { return float32(wt.quantum * float32(q)) }

// prepared is a query made ready for one index: its terms, the rarer ones
// first and the common (deferred) ones last, each group by weight; and what
// turns the two sums into relevance.
type prepared struct {
	terms    []weightedTerm
	inv      [2]float64 // what turns the sums into relevance: 1 (BM25 baseline: 1 / ideal sum)
	relW     [2]float64 // the two sums' shares of relevance
	deferred int        // terms[len-deferred:] are common
	words    []int      // the words' indexes in terms, by weight, highest first
}

// prepare weighs q's words (pruned to the most informative) and concepts
// against ix. extra, when set, is a doc outside ix (Pair with an unindexed
// offer): its terms are looked up as well.
//
// Relevance is the cosine of the two listings' vectors (stats.go): a shared
// term adds its weight squared × the two saturated frequencies, and the sum
// is divided by both vector lengths, each over all of its listing's terms,
// whether the other side has them or not. One shared word that is common
// (low weight) therefore adds little, however few words the two listings
// share.
func (e *Engine) prepare(q *doc, ix *index, extra *doc) prepared {
	if e.cfg.TextOnly {
		return e.prepareBM25(q, ix, extra)
	}
	st := e.stats
	var words []weightedTerm
	var length [2]float64
	for t, tf := range q.terms {
		idf, s := st.word(t), dequantize(satTF(tf))
		length[0] += idf * s * idf * s
		p := ix.terms[t]
		if p == nil && (extra == nil || extra.terms[t] == 0) {
			continue // no counterpart has it
		}
		words = append(words, weightedTerm{term: t, postings: p, weight: idf * s, idf: idf})
	}
	// Heaviest first by what a word can add to a cosine: its entry times
	// the entry a listing can have, both growing with the word's weight.
	slices.SortFunc(words, func(a, b weightedTerm) int {
		ka, kb := a.weight*a.idf, b.weight*b.idf
		switch {
		case ka > kb:
			return -1
		case ka < kb:
			return 1
		}
		return strings.Compare(a.term, b.term)
	})
	terms := words[:keepWords(words, length[0])]
	for _, c := range q.concepts {
		idf, s := st.concept(c.concept), dequantize(quantize(saturate(c.weight)))
		length[1] += idf * s * idf * s
		p := ix.concepts[c.concept]
		if p == nil && (extra == nil || extra.concept(c.concept) == nil) {
			continue
		}
		terms = append(terms, weightedTerm{concept: c.concept, postings: p, weight: idf * s, idf: idf, slot: 1})
	}
	// Entries of the query's unit vector (postings hold the docs' own, times
	// maxWeight): the sum over shared terms is the cosine.
	for i := range terms {
		if l := length[terms[i].slot]; l > 0 {
			terms[i].weight /= math.Sqrt(l) * maxWeight
		}
	}
	return e.finishPrepared(terms, [2]float64{1, 1})
}

// keepWords returns how many of words (heaviest first) a query keeps: the
// maxQueryTerms heaviest, and more, up to maxQueryTermsLong, while the
// words left out could still carry more than pruneShare of the query's
// vector length (sq is its square). What is left out bounds how much the
// text component can differ from the cosine over all words (by
// Cauchy–Schwarz, at most the share left out), and so how much a pair's
// score can depend on which side asks.
func keepWords(words []weightedTerm, sq float64) int {
	var tail float64
	for _, wt := range words[min(len(words), maxQueryTerms):] {
		tail += wt.weight * wt.weight // weight × saturated frequency: the entry of the query's vector
	}
	k := min(len(words), maxQueryTerms)
	for k < len(words) && k < maxQueryTermsLong && tail > pruneShare*pruneShare*sq {
		tail -= words[k].weight * words[k].weight
		k++
	}
	return k
}

// prepareBM25 weighs q for the text-only baseline: BM25, each word's idf
// in ix times its field-weighted frequency in q, as a share of what q's
// own words could score (a constant per query: it does not change a
// ranking).
func (e *Engine) prepareBM25(q *doc, ix *index, extra *doc) prepared {
	live := ix.live
	var words []weightedTerm
	for t, qw := range q.terms {
		p, df := ix.terms[t], 0
		if p != nil {
			df = p.df()
		}
		if extra != nil && extra.terms[t] > 0 {
			df++
		}
		if df > 0 {
			words = append(words, weightedTerm{term: t, postings: p, weight: idf(live, df) * float64(qw), idf: e.stats.word(t)})
		}
	}
	slices.SortFunc(words, func(a, b weightedTerm) int { return heavierFirst(&a, &b) })
	words = words[:min(len(words), maxQueryTerms)]
	var ideal float64
	for _, wt := range words {
		ideal += wt.weight
	}
	var inv [2]float64
	if ideal > 0 {
		inv[0] = 1 / ideal
	}
	return e.finishPrepared(words, inv)
}

// finishPrepared orders the terms (rarer first, common ones last) and sets
// the relevance weights.
func (e *Engine) finishPrepared(terms []weightedTerm, inv [2]float64) prepared {
	pq := prepared{inv: inv}
	for i := range terms {
		terms[i].quantum = float32(terms[i].weight * maxWeight / 65535)
	}
	for _, wt := range terms {
		if !wt.deferred() {
			pq.terms = append(pq.terms, wt)
		}
	}
	for _, wt := range terms {
		if wt.deferred() {
			pq.terms = append(pq.terms, wt)
			pq.deferred++
		}
	}
	pq.orderWords()
	w := e.cfg.Weights
	switch {
	case e.cfg.TextOnly:
		pq.relW = [2]float64{1, 0}
	case w.Text+w.Concepts > 0:
		pq.relW = [2]float64{w.Text / (w.Text + w.Concepts), w.Concepts / (w.Text + w.Concepts)}
	}
	return pq
}

// heavierFirst orders terms by weight, highest first, ties by the word.
func heavierFirst(a, b *weightedTerm) int {
	switch {
	case a.weight > b.weight:
		return -1
	case a.weight < b.weight:
		return 1
	}
	return strings.Compare(a.term, b.term)
}

// orderWords lists the words' indexes in terms, heaviest first.
func (pq *prepared) orderWords() {
	pq.words = pq.words[:0]
	for i, wt := range pq.terms {
		if wt.slot == 0 {
			pq.words = append(pq.words, i)
		}
	}
	slices.SortFunc(pq.words, func(a, b int) int { return heavierFirst(&pq.terms[a], &pq.terms[b]) })
}

// relevance turns a doc's two sums into the text and concept components
// (each at most 1) and their weighted mean.
func (pq *prepared) relevance(text, concept float32) candidateRel {
	t, c := min(1, float64(text)*pq.inv[0]), min(1, float64(concept)*pq.inv[1])
	return candidateRel{text: t, concept: c, rel: pq.relW[0]*t + pq.relW[1]*c}
}

// rank scores the counterparts of query doc q in ix.
func (e *Engine) rank(q *doc, ix *index, opt Query) []Result {
	n := len(ix.entries)
	if n == 0 || ix.live == 0 {
		return []Result{}
	}
	pq := e.prepare(q, ix, nil)
	acc := e.acquire(n)
	defer e.release(acc)

	walk := func(wt *weightedTerm) {
		if p := wt.postings; p.dense == nil { // the common case, inlined
			for i, d := range p.docs {
				acc.add(d, wt.slot, wt.contribution(p.w[i]))
			}
			return
		}
		wt.postings.each(func(d uint32, q uint16) { acc.add(d, wt.slot, wt.contribution(q)) })
	}
	rare := pq.terms[:len(pq.terms)-pq.deferred]
	for i := range rare {
		walk(&rare[i])
	}
	deferred := pq.terms[len(rare):]
	// Too few candidates from the rarer terms: walk the common ones as well.
	if len(deferred) > 0 && (len(acc.touched) < e.cfg.Shortcuts.Preselect || opt.exhaustive) {
		for i := range deferred {
			walk(&deferred[i])
		}
		deferred = nil
	}

	// Keep the most relevant candidates that pass the filters, with their
	// structured components, then add the common terms and rank by score.
	keep := e.cfg.Shortcuts.Preselect
	if opt.exhaustive {
		keep = math.MaxInt
	}
	qf := ix.factsOf(q, false)
	cands := e.preselect(q, &qf, ix, acc, &pq, keep, opt)
	acc.cands = cands // handed back to the pool with its capacity
	if len(deferred) > 0 {
		// One common list at a time over the candidates (each doc still
		// gets the terms in list order, as Pair adds them).
		for j := range deferred {
			wt := &deferred[j]
			dense, slot := wt.postings.dense, wt.slot
			for i := range cands {
				if d := cands[i].doc; int(d) < len(dense) {
					acc.s[2*int(d)+slot] += wt.contribution(dense[d])
				}
			}
		}
		for i := range cands {
			d := cands[i].doc
			cands[i].candidateRel = pq.relevance(acc.s[2*d], acc.s[2*d+1])
		}
	}
	best := make([]scored, 0, min(opt.Limit, len(cands)))
	for _, c := range cands {
		if sc := (scored{dn: c.doc, c: c, total: e.total(c)}); sc.total >= opt.MinScore {
			best = insertTop(best, sc, opt.Limit, ix)
		}
	}
	out := make([]Result, len(best))
	for i, sc := range best {
		d := ix.doc(sc.dn)
		out[i] = e.result(d, sc, structure(pairAt(q, &qf, indexSide(ix, sc.dn), &ix.facts[sc.dn]), opt.Now.Unix()))
		dn := sc.dn
		out[i].Reasons = e.explain(q, d, &pq, acc.s[2*dn], func(wt *weightedTerm) uint16 { return wt.postings.weight(dn) },
			func(t string) bool { p := ix.terms[t]; return p != nil && p.weight(dn) > 0 })
	}
	return out
}

// relBuckets cut relevance (0..1) for finding the preselection's threshold.
const relBuckets = 1024

func bucketOf(rel float64) int { return max(0, min(relBuckets-1, int(rel*relBuckets))) }

// preselect returns the keep touched docs of highest relevance that pass
// the filters, each with its structured components' weighted sum. A
// histogram of relevance first finds the threshold, so that only docs
// above it are looked at (their facts are loaded once, while computing the
// structured sum); if the filters drop too many, lower buckets follow,
// each pass asking for twice as many docs as the one before (a filter that
// keeps few docs costs a few passes, not one per bucket).
func (e *Engine) preselect(q *doc, qf *facts, ix *index, acc *accumulator, pq *prepared, keep int, opt Query) []candidate {
	country, sector := code(ix.cc, opt.Country, false), code(ix.codes, opt.Sector, false)
	if (opt.Country != "" && country == codeUnknown) || (opt.Sector != "" && sector == codeUnknown) {
		return acc.cands[:0] // no doc has that country or sector
	}
	var hist [relBuckets]int32
	rels := acc.rels[:0]
	for _, dn := range acc.touched {
		r := pq.relevance(acc.s[2*dn], acc.s[2*dn+1])
		hist[bucketOf(r.rel)]++
		rels = append(rels, r)
	}
	acc.rels = rels
	now := opt.Now.Unix()
	qInst, ok := ix.nameIDs[q.inst]
	if !ok {
		qInst = math.MaxUint32
	}
	cands := acc.cands[:0]
	for hi, widen := relBuckets, 1; len(cands) < keep && hi > 0; widen *= 2 {
		lo, want := hi, 0
		for lo > 0 && want < (keep-len(cands))*widen {
			lo--
			want += int(hist[lo])
		}
		for i, dn := range acc.touched {
			r := rels[i]
			if b := bucketOf(r.rel); b < lo || b >= hi {
				continue
			}
			f := &ix.facts[dn]
			if f.flags&flagLive == 0 || f.inst == qInst || (f.ends != 0 && f.ends <= now) ||
				(f.flags&flagConfidential != 0 && !opt.SeeConfidential) ||
				(opt.Country != "" && f.country != country) || (opt.Sector != "" && f.sector != sector) {
				continue
			}
			c := candidate{doc: dn, candidateRel: r}
			if !e.cfg.TextOnly {
				c.structured = e.structuredSum(structure(pairAt(q, qf, indexSide(ix, dn), f), now))
			}
			cands = append(cands, c)
		}
		hi = lo
	}

	if len(cands) > keep {
		selectTop(cands, keep)
		cands = cands[:keep]
	}
	return cands
}

// insertTop adds sc to best (sorted, at most k long): higher scores first,
// ties by id so that equal scores come in a stable order.
func insertTop(best []scored, sc scored, k int, ix *index) []scored {
	i := len(best)
	for i > 0 && (best[i-1].total < sc.total || (best[i-1].total == sc.total && ix.idAfter(best[i-1].dn, sc.dn))) {
		i--
	}
	if i >= k {
		return best
	}
	if len(best) < k {
		best = append(best, scored{})
	}
	copy(best[i+1:], best[i:len(best)-1])
	best[i] = sc
	return best
}

// selectTop reorders c so that c[:k] holds k candidates of highest
// relevance (0 < k < len(c)).
func selectTop(c []candidate, k int) {
	lo, hi := 0, len(c)-1
	for lo < hi {
		// Median of three as the pivot; partition descending.
		mid := lo + (hi-lo)/2
		if c[mid].rel > c[lo].rel {
			c[mid], c[lo] = c[lo], c[mid]
		}
		if c[hi].rel > c[lo].rel {
			c[hi], c[lo] = c[lo], c[hi]
		}
		if c[mid].rel < c[hi].rel {
			c[mid], c[hi] = c[hi], c[mid]
		}
		pivot := c[mid].rel // c[lo] >= pivot >= c[hi]
		i, j := lo, hi
		for i <= j {
			for c[i].rel > pivot {
				i++
			}
			for c[j].rel < pivot {
				j--
			}
			if i <= j {
				c[i], c[j] = c[j], c[i]
				i++
				j--
			}
		}
		// c[lo..j] >= pivot, c[i..hi] <= pivot, and between them equal to it.
		switch {
		case k-1 <= j:
			hi = j
		case k-1 >= i:
			lo = i
		default:
			lo = hi
		}
	}
}

type candidateRel struct {
	text, concept, rel float64
}

type candidate struct {
	doc uint32
	candidateRel
	structured float64 // Σ weight × structured component
}

// Pair scores one demand against one offer exactly as a ranking would have
// scored it: the score a recorded match freezes. The offer need not be in
// the index.
func (e *Engine) Pair(demand, offer Listing, now time.Time) Result {
	lx := e.lex.Load()
	q := e.analyze(lx.matcher, &demand, true)
	e.mu.RLock()
	defer e.mu.RUnlock()
	if now := e.lex.Load(); now != lx {
		lx, q = now, e.analyze(now.matcher, &demand, true)
	}
	ix := e.offers
	var d *doc
	var ds side
	var df facts
	var pq prepared
	var weight func(wt *weightedTerm) uint16
	var has func(t string) bool
	if n, ok := ix.byID.get(offer.ID); ok && ix.living(n) {
		d, ds, df, pq = ix.doc(n), indexSide(ix, n), ix.facts[n], e.prepare(q, ix, nil)
		weight = func(wt *weightedTerm) uint16 { return wt.postings.weight(n) }
		has = func(t string) bool { p := ix.terms[t]; return p != nil && p.weight(n) > 0 }
	} else {
		// Not (yet) in the index: weighed with the index's statistics, as
		// if it had been added.
		d = e.analyze(lx.matcher, &offer, false)
		ds, df, pq = querySide(d), ix.factsOf(d, false), e.prepare(q, ix, d)
		avg := ix.avgLen()
		if ix.live == 0 {
			avg = float64(max(d.length, 1))
		}
		var length [2]float64
		if !ix.bm25 {
			length = e.stats.lengths(ix, d)
		}
		has = func(t string) bool { return d.terms[t] > 0 }
		weight = func(wt *weightedTerm) uint16 {
			if wt.slot == 0 {
				if tf := d.terms[wt.term]; tf > 0 && ix.bm25 {
					return textWeight(tf, d.length, avg)
				} else if tf > 0 {
					return quantize(float32(maxWeight * wt.idf * dequantize(satTF(tf)) / length[0]))
				}
			} else if c := d.concept(wt.concept); c != nil {
				return quantize(float32(maxWeight * wt.idf * dequantize(quantize(saturate(c.weight))) / length[1]))
			}
			return 0
		}
	}
	var s [2]float32
	for i := range pq.terms {
		s[pq.terms[i].slot] += pq.terms[i].contribution(weight(&pq.terms[i]))
	}
	qf := ix.factsOf(q, false)
	parts := structure(pairAt(q, &qf, ds, &df), now.Unix())
	c := candidate{candidateRel: pq.relevance(s[0], s[1]), structured: e.structuredSum(parts)}
	r := e.result(d, scored{c: c, total: e.total(c)}, parts)
	r.Reasons = e.explain(q, d, &pq, s[0], weight, has)
	return r
}

// componentNames in a fixed order; Engine.w and structure's parts (from
// "sector" on) follow it.
var componentNames = [8]string{"text", "concepts", "sector", "trl", "transfer_mode", "geography", "budget", "freshness"}

// scored is a candidate with its total, before it becomes a Result.
type scored struct {
	dn    uint32
	c     candidate
	total float64
}

// pair is a query and a candidate as demand and offer, each with its facts;
// the docs are read only where a name must be compared.
type pair struct {
	demand, offer   side
	demandF, offerF *facts
}

// pairAt pairs query q with its counterpart d.
func pairAt(q *doc, qf *facts, d side, df *facts) pair {
	if q.kind == Offer {
		return pair{demand: d, offer: querySide(q), demandF: df, offerF: qf}
	}
	return pair{demand: querySide(q), offer: d, demandF: qf, offerF: df}
}

// structure computes the structured components of a pair (componentNames
// from "sector" on), rounded as they are shown.
func structure(p pair, now int64) [6]float64 {
	d, o := p.demandF, p.offerF
	return [6]float64{round3(sectorFit(p)), round3(trlFit(int(o.trl), int(d.trl))), round3(modeFit(d.modes, o.modes)),
		round3(geographyFit(p)), round3(budgetFit(d.amount, o.amount)), round3((freshness(d.published, now) + freshness(o.published, now)) / 2)}
}

func (e *Engine) structuredSum(parts [6]float64) float64 {
	var sum float64
	for i, v := range parts {
		sum += v * e.w[i+2]
	}
	return sum
}

// total combines the components of one pair into 0–100.
func (e *Engine) total(c candidate) float64 {
	if e.cfg.TextOnly {
		return round2(100 * c.text)
	}
	return round2(100 * (round3(c.text)*e.w[0] + round3(c.concept)*e.w[1] + c.structured) / e.wSum)
}

// result turns a scored candidate into what callers see.
func (e *Engine) result(d *doc, sc scored, parts [6]float64) Result {
	if e.cfg.TextOnly {
		return Result{ID: d.id, Score: sc.total, Components: map[string]Component{"text": {round3(sc.c.text), 1}}}
	}
	all := [8]float64{round3(sc.c.text), round3(sc.c.concept)}
	copy(all[2:], parts[:])
	comps := make(map[string]Component, len(componentNames))
	for i, name := range componentNames {
		comps[name] = Component{Score: all[i], Weight: e.w[i]}
	}
	return Result{ID: d.id, Score: sc.total, Components: comps}
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// sectorFit: same subsector, related subsectors, same sector, or nothing.
func sectorFit(p pair) float64 {
	a, b := p.demandF, p.offerF
	sameSector := func() bool {
		return same(a.sector, b.sector, func() (string, string) { return p.demand.sector(), p.offer.sector() })
	}
	switch {
	case a.subsector != codeEmpty && same(a.subsector, b.subsector, func() (string, string) { return p.demand.subsector(), p.offer.subsector() }):
		return 1
	case related(a.rel, b.rel) && sameSector():
		return 0.7
	case related(a.rel, b.rel):
		return 0.6
	case sameSector():
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
func geographyFit(p pair) float64 {
	demand, offer := p.demandF, p.offerF
	var s float64
	if demand.flags&flagCountries == 0 || inList(demand, p.demand, offer.country, p.offer.country) {
		s += 0.45
	}
	if offer.flags&flagCountries == 0 || same(offer.country, demand.country, func() (string, string) { return p.offer.country(), p.demand.country() }) ||
		inList(offer, p.offer, demand.country, p.demand.country) {
		s += 0.35
	}
	switch {
	case corridor(demand.region, offer.region):
		s += 0.2
	case demand.region == regionASEAN && offer.region == regionASEAN:
		s += 0.1
	}
	return s
}

// Regions of an institution's country, for the corridor.
const (
	regionOther = iota
	regionCN
	regionASEAN
)

func regionOf(country string) uint8 {
	switch country {
	case "CN":
		return regionCN
	case "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN":
		return regionASEAN
	}
	return regionOther
}

func corridor(a, b uint8) bool {
	return (a == regionCN && b == regionASEAN) || (b == regionCN && a == regionASEAN)
}

// budgetFit compares the offer's lowest price with the demand's highest
// budget in dollars: within, up to twice, far above; unknown in between.
func budgetFit(budget, price float64) float64 {
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

// freshness of one listing: full for three months, then down to half over
// two years; full for a listing not published (0: a draft that asks). A
// pair's freshness is the mean of its two listings', the same whichever asks.
func freshness(published, now int64) float64 {
	if published == 0 {
		return 1
	}
	age := float64(now-published) / 86400
	if age <= 90 {
		return 1
	}
	return 1 - 0.5*math.Min(1, (age-90)/730)
}

package match

import (
	"container/heap"
	"math"
	"slices"
	"sort"
	"time"
)

// How many query terms are kept (the most informative), and how many
// candidates get the full score.
const (
	maxQueryTerms = 32
	shortlist     = 300
)

// accumulator holds per-doc partial scores for one query; pooled.
type accumulator struct {
	text    []float32
	concept []float32
	touched []uint32
}

func (e *Engine) acquire(n int) *accumulator {
	a, _ := e.accs.Get().(*accumulator)
	if a == nil {
		a = &accumulator{}
	}
	if cap(a.text) < n {
		a.text, a.concept = make([]float32, n), make([]float32, n)
	}
	a.text, a.concept = a.text[:n], a.concept[:n]
	return a
}

func (e *Engine) release(a *accumulator) {
	for _, d := range a.touched {
		a.text[d], a.concept[d] = 0, 0
	}
	a.touched = a.touched[:0]
	e.accs.Put(a)
}

type weightedTerm struct {
	postings *postings
	weight   float64 // idf × query weight
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
	var words []weightedTerm
	var textIdeal float64
	for t, qw := range q.terms {
		p := ix.terms[t]
		if p == nil {
			continue
		}
		w := idf(ix.live, len(p.docs)) * float64(qw)
		words = append(words, weightedTerm{p, w})
	}
	sort.Slice(words, func(i, j int) bool { return words[i].weight > words[j].weight })
	if len(words) > maxQueryTerms {
		words = words[:maxQueryTerms]
	}
	for _, wt := range words {
		textIdeal += wt.weight
		for i, d := range wt.postings.docs {
			if acc.text[d] == 0 && acc.concept[d] == 0 {
				acc.touched = append(acc.touched, d)
			}
			acc.text[d] += float32(wt.weight) * wt.postings.w[i]
		}
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
		for i, d := range p.docs {
			if acc.text[d] == 0 && acc.concept[d] == 0 {
				acc.touched = append(acc.touched, d)
			}
			acc.concept[d] += float32(w) * p.w[i]
		}
	}

	wts := e.cfg.Weights
	relW := wts.Text + wts.Concepts
	if e.cfg.TextOnly {
		relW = 1
	}
	now := opt.Now.Unix()
	h := &candidateHeap{}
	for _, dn := range acc.touched {
		d := ix.docs[dn]
		if (opt.only != nil && dn != *opt.only) || d == nil || d.inst == q.inst || (d.ends != 0 && d.ends <= now) || (d.confidential && !opt.SeeConfidential) ||
			(opt.Country != "" && d.country != opt.Country) || (opt.Sector != "" && d.sector != opt.Sector) {
			continue
		}
		text := ratio(float64(acc.text[dn]), textIdeal)
		concept := ratio(float64(acc.concept[dn]), conceptIdeal)
		rel := text
		if !e.cfg.TextOnly {
			rel = (wts.Text*text + wts.Concepts*concept) / relW
		}
		c := candidate{doc: dn, text: text, concept: concept, rel: rel}
		if h.Len() < shortlist {
			heap.Push(h, c)
		} else if rel > (*h)[0].rel {
			(*h)[0] = c
			heap.Fix(h, 0)
		}
	}

	results := make([]Result, 0, h.Len())
	for _, c := range *h {
		d := ix.docs[c.doc]
		r := e.score(q, d, c, opt)
		if r.Score >= opt.MinScore {
			results = append(results, r)
		}
	}
	sortResults(results)
	if len(results) > opt.Limit {
		results = results[:opt.Limit]
	}
	for i := range results {
		results[i].Reasons = e.explain(q, ix, ix.byID[results[i].ID])
	}
	return results
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
		tmp := &index{docs: append([]*doc(nil), ix.docs...), byID: map[string]uint32{}, terms: ix.terms,
			concepts: ix.concepts, live: ix.live, totalLen: ix.totalLen}
		ix = tmp.withExtra(e.analyze(&offer))
		n = uint32(len(ix.docs) - 1)
	}
	if rs := e.rank(q, ix, Query{Limit: 1, Now: now, SeeConfidential: true, only: &n}); len(rs) == 1 {
		return rs[0]
	}
	// No word or concept in common: only the structured components count.
	r := e.score(q, ix.docs[n], candidate{doc: n}, Query{Now: now})
	r.Reasons = e.explain(q, ix, n)
	return r
}

// score combines the components of one pair into 0–100.
func (e *Engine) score(q, d *doc, c candidate, opt Query) Result {
	w := e.cfg.Weights
	if e.cfg.TextOnly {
		return Result{ID: d.id, Score: round2(100 * c.text), Components: map[string]Component{"text": {round3(c.text), 1}}}
	}
	demand, offer := q, d
	if q.kind == Offer {
		demand, offer = d, q
	}
	comps := map[string]Component{
		"text":          {c.text, w.Text},
		"concepts":      {c.concept, w.Concepts},
		"sector":        {sectorFit(demand, offer), w.Sector},
		"trl":           {trlFit(int(offer.trl), int(demand.trl)), w.TRL},
		"transfer_mode": {modeFit(demand.modes, offer.modes), w.TransferMode},
		"geography":     {geographyFit(demand, offer), w.Geography},
		"budget":        {budgetFit(demand, offer), w.Budget},
		"freshness":     {freshness(d.published, opt.Now.Unix()), w.Freshness},
	}
	var sum, total float64
	for k, cp := range comps {
		cp.Score = round3(cp.Score)
		comps[k] = cp
		sum += cp.Score * cp.Weight
		total += cp.Weight
	}
	return Result{ID: d.id, Score: round2(100 * sum / total), Components: comps}
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

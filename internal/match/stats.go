package match

import (
	"math"
)

// Text and concept relevance are cosines of two listings' vectors: a term's
// entry is its weight (below) times its saturated, field-weighted frequency
// in the listing. The cosine is symmetric, so a pair scores the same
// whichever listing asks, provided both sides use the same term weights and
// the same vector lengths. termStats is that shared view: the weight of
// every word and concept over both indexes together (offers and demands),
// frozen at a snapshot so that the unit-vector entries the postings hold
// (normalise) stay exact. The snapshot is retaken, and the postings
// rescaled, when the indexes have changed by more than a sixteenth
// (refreshEvery).
//
// A term's weight is (N/df)^0.25 (termWeight), not BM25's log-shaped idf:
// listings that share no term with a pair multiply N, and so every weight
// of the pair's terms, by the same factor, which a cosine ignores. Scores
// therefore do not drift when unrelated listings arrive
// (TestDriftWhenUnrelatedListingsArrive; with a logarithm, common terms
// gained on rare ones and scores moved by up to 12 points). The exponent
// gives the same spread as the logarithm between a term in half the
// listings and one in a ten-thousandth of them (ln 5000 ≈ 8.5 ≈ 5000^0.25).

// termStats is a snapshot of document frequencies over both indexes.
type termStats struct {
	n        int // live listings of both kinds at the snapshot
	words    map[string]float32
	concepts []float32 // by concept number; 0 for a concept no listing had
	// fresh is the weight of a term no listing had at the snapshot (as if
	// in one listing): new words are rare until the next snapshot says otherwise.
	fresh float32
	// common: a term whose weight is at or below it is in more than a tenth
	// of all listings; it counts little in the cosine and is not named in
	// reasons. Zero (nothing is common) below 20 listings.
	common float32
	// changes counts upserts and removals since the snapshot.
	changes int
}

// refreshEvery is how many changes since the snapshot make a new one.
func (s *termStats) refreshEvery() int { return max(64, s.n/16) }

func (s *termStats) word(t string) float64 {
	if v, ok := s.words[t]; ok {
		return float64(v)
	}
	return float64(s.fresh)
}

func (s *termStats) concept(c int32) float64 {
	if int(c) < len(s.concepts) && s.concepts[c] > 0 {
		return float64(s.concepts[c])
	}
	return float64(s.fresh)
}

// newStats counts document frequencies over the indexes given.
func newStats(nConcepts int, ixs ...*index) *termStats {
	s := &termStats{words: map[string]float32{}, concepts: make([]float32, nConcepts)}
	df := map[string]int{}
	cdf := make([]int, nConcepts)
	for _, ix := range ixs {
		s.n += ix.live
		for t, p := range ix.terms {
			df[t] += p.df()
		}
		for c, p := range ix.concepts {
			if int(c) < nConcepts {
				cdf[c] += p.df()
			}
		}
	}
	n := max(1, s.n)
	for t, f := range df {
		s.words[t] = float32(termWeight(n, f))
	}
	for c, f := range cdf {
		if f > 0 {
			s.concepts[c] = float32(termWeight(n, f))
		}
	}
	s.fresh = float32(termWeight(n+1, 1))
	if s.n >= 20 {
		s.common = float32(termWeight(n, n/10))
	}
	return s
}

// termWeight is the weight of a term found in df of n listings.
func termWeight(n, df int) float64 { return math.Pow(float64(n)/float64(max(1, min(df, n))), 0.25) }

// isCommon tells whether a term of this weight is too common to name.
func (s *termStats) isCommon(w float64) bool { return w <= float64(s.common) }

// satTF is a listing's saturated term frequency (BM25's, without length
// normalisation: the cosine normalises length), quantised as postings keep it.
func satTF(tf float32) uint16 { return quantize(tf * (bm25K1 + 1) / (tf + bm25K1)) }

// dequantize is the value a quantised posting weight stands for.
func dequantize(q uint16) float64 { return float64(q) * maxWeight / 65535 }

// lengths returns the Euclidean lengths of a doc's word and concept
// vectors under s; its terms are d.terms or, once indexed in ix, its
// analysis.
func (s *termStats) lengths(ix *index, d *doc) [2]float64 {
	var l [2]float64
	ix.eachTerm(d, func(_ int, t string, tf float32) {
		v := s.word(t) * dequantize(satTF(tf))
		l[0] += v * v
	})
	for _, c := range d.concepts {
		v := s.concept(c.concept) * dequantize(quantize(saturate(c.weight)))
		l[1] += v * v
	}
	return [2]float64{math.Sqrt(l[0]), math.Sqrt(l[1])}
}

// normalise rewrites every posting of ix as its doc's entry of the unit
// vector under st (times maxWeight): the postings held entries under old
// (nil: raw saturated frequencies), each term's weight is scaled by its
// new weight over its old, and every doc's vector is brought back to unit
// length. Queries then add entries that are already divided by the doc's
// length: a cosine costs no more per candidate than a plain sum.
func (ix *index) normalise(old, st *termStats) {
	if ix.bm25 {
		return
	}
	sq := make([][2]float64, len(ix.entries))
	wordRatio := func(t string) float64 {
		if old == nil {
			return st.word(t)
		}
		return st.word(t) / old.word(t)
	}
	conceptRatio := func(c int32) float64 {
		if old == nil {
			return st.concept(c)
		}
		return st.concept(c) / old.concept(c)
	}
	for t, p := range ix.terms {
		r := wordRatio(t)
		p.each(func(d uint32, q uint16) {
			v := r * dequantize(q)
			sq[d][0] += v * v
		})
	}
	for c, p := range ix.concepts {
		r := conceptRatio(c)
		p.each(func(d uint32, q uint16) {
			v := r * dequantize(q)
			sq[d][1] += v * v
		})
	}
	for t, p := range ix.terms {
		r := wordRatio(t)
		p.rewrite(func(d uint32, q uint16) uint16 {
			return quantize(float32(maxWeight * r * dequantize(q) / math.Sqrt(sq[d][0])))
		})
	}
	for c, p := range ix.concepts {
		r := conceptRatio(c)
		p.rewrite(func(d uint32, q uint16) uint16 {
			return quantize(float32(maxWeight * r * dequantize(q) / math.Sqrt(sq[d][1])))
		})
	}
}

// rewrite replaces every weight of the list by fn of it.
func (p *postings) rewrite(fn func(d uint32, q uint16) uint16) {
	if p.dense == nil {
		for i, d := range p.docs {
			p.w[i] = fn(d, p.w[i])
		}
		return
	}
	for d, q := range p.dense {
		if q != 0 {
			p.dense[d] = fn(uint32(d), q)
		}
	}
}

package schedule

import (
	"math"
	"sort"
)

// UpperBound returns a number no schedule of p can exceed: the weight of
// the pinned candidates Solve places, plus a Lagrangian bound on the rest.
//
// Why it is a bound. After the pinned meetings, let x_c ∈ {0,1} say whether
// free candidate c is placed. Any feasible schedule satisfies
//
//	(1) Σ_{c ∋ q} x_c ≤ cap_q for each participant q, where cap_q is the
//	    smaller of the meetings MaxMeetings still allows and the largest set
//	    of pairwise non-overlapping slots q is free in (a participant's
//	    meetings never overlap in time);
//	(2) Σ_c x_c ≤ T, the tables left over all slots;
//	(3) Σ_{c needs an interpreter} x_c ≤ I, the interpreter seats left;
//
// and x_c = 0 for a candidate that fits in none of its slots even alone.
// For any λ_q, μ, ν ≥ 0, writing r_c = w_c − λ_A − λ_B − μ − ν·[c needs an
// interpreter],
//
//	Σ w_c x_c = Σ r_c x_c + Σ_q λ_q Σ_{c∋q} x_c + μ Σ x_c + ν Σ_interp x_c
//	          ≤ Σ max(0, r_c) + Σ_q λ_q cap_q + μ T + ν I
//
// since x_c ≤ 1 and by (1)–(3). So every choice of multipliers gives a
// bound; a subgradient descent looks for a small one and the least value
// seen is returned. (λ = μ = ν = 0 gives the plain sum of the weights.)
func UpperBound(p Problem) float64 {
	m := newModel(p)
	st := newState(m)
	st.placeFixed()
	base := st.obj
	nS := m.nS
	nP := len(p.Participants)

	// Candidates that could be placed alone, and the slots each participant
	// could use for them.
	type bc struct {
		a, b   int
		w      float64
		interp bool
	}
	var cs []bc
	usable := make([]bool, nP*nS)
	slotUsed := make([]bool, nS)
	for c := range m.cand {
		cm := &m.cand[c]
		if cm.bad != "" || cm.fixed || cm.w <= 0 || !st.capOK(c) {
			continue
		}
		ok := false
		for _, s := range cm.slots {
			if !st.fits(c, s) {
				continue
			}
			if cm.interp {
				seat := false
				for _, l := range cm.opts {
					if st.seatUsed[s*m.nL+l] < m.seats[s*m.nL+l] {
						seat = true
					}
				}
				if !seat {
					continue
				}
			}
			ok = true
			usable[cm.a*nS+s], usable[cm.b*nS+s], slotUsed[s] = true, true, true
		}
		if ok {
			cs = append(cs, bc{cm.a, cm.b, cm.w, cm.interp})
		}
	}
	T, I := 0.0, 0.0
	for s := range slotUsed {
		if !slotUsed[s] {
			continue
		}
		T += float64(p.Slots[s].Tables - st.used[s])
		for l := 0; l < m.nL; l++ {
			I += float64(m.seats[s*m.nL+l] - st.seatUsed[s*m.nL+l])
		}
	}
	capq := make([]float64, nP)
	for q := 0; q < nP; q++ {
		left := m.capP[q] - st.cnt[q]
		var free []int
		for s := 0; s < nS; s++ {
			if usable[q*nS+s] {
				free = append(free, s)
			}
		}
		capq[q] = float64(min(left, maxDisjoint(p.Slots, free)))
	}

	// Subgradient descent with Polyak steps towards the greedy's objective
	// (a lower bound on the optimum).
	lb := 0.0
	{
		g := newState(m)
		g.placeFixed()
		for _, c := range m.byWeight() {
			g.insert(c)
		}
		lb = g.obj - base
	}
	lam := make([]float64, nP)
	grad := make([]float64, nP)
	mu, nu := 0.0, 0.0
	best := math.Inf(1)
	theta, stall := 1.0, 0
	for it := 0; it < 1000; it++ {
		val := mu*T + nu*I
		for q := range lam {
			val += lam[q] * capq[q]
			grad[q] = capq[q]
		}
		gmu, gnu := T, I
		for _, c := range cs {
			r := c.w - lam[c.a] - lam[c.b] - mu
			if c.interp {
				r -= nu
			}
			if r > 0 {
				val += r
				grad[c.a]--
				grad[c.b]--
				gmu--
				if c.interp {
					gnu--
				}
			}
		}
		if it == 0 || val < best-1e-12*math.Abs(best) {
			best, stall = val, 0
		} else if stall++; stall >= 20 {
			theta, stall = theta/2, 0
		}
		norm := gmu*gmu + gnu*gnu
		for _, g := range grad {
			norm += g * g
		}
		if norm == 0 || val-lb <= 1e-9*math.Max(1, val) || theta < 1e-6 {
			break
		}
		step := theta * (val - lb) / norm
		for q := range lam {
			lam[q] = math.Max(0, lam[q]-step*grad[q])
		}
		mu = math.Max(0, mu-step*gmu)
		nu = math.Max(0, nu-step*gnu)
	}
	return base + best
}

// maxDisjoint is the size of the largest set of pairwise non-overlapping
// slots among idx: the classic earliest-end greedy, exact for intervals.
// Zero-length slots make "overlap" something else than interval
// intersection, so then it falls back to counting the slots (still an upper
// bound).
func maxDisjoint(slots []Slot, idx []int) int {
	for _, s := range idx {
		if slots[s].End <= slots[s].Start {
			return len(idx)
		}
	}
	ord := append([]int(nil), idx...)
	sort.Slice(ord, func(i, j int) bool {
		a, b := slots[ord[i]], slots[ord[j]]
		if a.End != b.End {
			return a.End < b.End
		}
		return a.Start < b.Start
	})
	n := 0
	var last int64
	for _, s := range ord {
		if n == 0 || slots[s].Start >= last {
			n++
			last = slots[s].End
		}
	}
	return n
}

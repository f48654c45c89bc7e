package schedule

// Exhaustive returns an optimal schedule by branch and bound: pinned
// candidates are placed as Solve places them, then every free candidate,
// heaviest first, is tried in each allowed slot where it fits and left out;
// a branch is cut when its weight plus all the weight still undecided cannot
// beat the best schedule found. Interpreter seats within a slot are assigned
// by augmenting paths, which is exact, so the search misses no schedule.
// Its time grows exponentially: it is meant for small instances (tests,
// a dozen candidates).
func Exhaustive(p Problem) Result {
	r, _ := exhaustive(p, -1, 0)
	return r
}

// exhaustive is Exhaustive that looks only for schedules better than
// lower, and gives up after maxNodes search steps (0: never); ok is false
// when it gave up, or found nothing better than lower.
func exhaustive(p Problem, lower float64, maxNodes int) (r Result, ok bool) {
	m := newModel(p)
	st := newState(m)
	st.placeFixed()
	order := m.byWeight()
	rest := make([]float64, len(order)+1)
	for i := len(order) - 1; i >= 0; i-- {
		rest[i] = rest[i+1] + m.cand[order[i]].w
	}
	best := lower
	var bestAt []int
	nodes, stopped := 0, false
	var search func(i int)
	search = func(i int) {
		if stopped || st.obj+rest[i] <= best+eps {
			return
		}
		if nodes++; maxNodes > 0 && nodes > maxNodes {
			stopped = true
			return
		}
		if i == len(order) {
			best = st.obj
			bestAt = append(bestAt[:0], st.at...)
			return
		}
		c := order[i]
		if st.capOK(c) {
			for _, s := range m.cand[c].slots {
				if st.fits(c, s) && st.add(c, s) {
					search(i + 1)
					st.remove(c)
				}
			}
		}
		search(i + 1)
	}
	search(0)
	if stopped || bestAt == nil {
		return Result{}, false
	}
	out := newState(m)
	out.placeFixed()
	for _, c := range order {
		if s := bestAt[c]; s >= 0 {
			out.add(c, s)
		}
	}
	return out.result(), true
}

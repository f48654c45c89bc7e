package schedule

import "sort"

// maxPasses bounds the improvement phase; every accepted move raises the
// objective, so the loop also ends on its own, but a bound keeps the worst
// case predictable on large events.
const maxPasses = 8

// scanLimit bounds the scans of a full slot's meetings and of a popular
// participant's unplaced candidates.
const scanLimit = 32

// eps is the least gain a move must bring; it keeps float rounding from
// cycling between equal schedules.
const eps = 1e-9

// Solve places the pinned candidates, then the others heaviest first (ties
// by index) each in the first allowed slot where it fits, then improves the
// schedule by local moves until none helps (see improve). It never breaks a
// hard constraint and is deterministic: no map iteration, no clock.
func Solve(p Problem) Result {
	return solve(p, defaults)
}

// options tune the improvement phase (tests measure the parts apart).
type options struct {
	greedyOnly bool // stop after the weight-ordered greedy (a benchmark baseline)
	depth      int  // how many times a pushed meeting may push others
	budget     int  // slots one relocation may try, before scaling
	passWork   int  // slots all relocations of a pass may try
	lnsSize    int  // largest neighbourhood re-solved exactly; 0 turns it off
	lnsNodes   int  // steps of one neighbourhood search
	lnsWork    int  // steps of all neighbourhood searches of one Solve, plus
	lnsPer     int  // this many per free candidate
}

// Budgets are counted in steps, not time, which keeps Solve deterministic.
var defaults = options{depth: 3, budget: 200, passWork: 200000, lnsSize: 24, lnsNodes: 5000, lnsWork: 10000, lnsPer: 20}

func solve(p Problem, o options) Result {
	m := newModel(p)
	st := newState(m)
	st.placeFixed()
	order := m.byWeight()
	for _, c := range order {
		st.insert(c)
	}
	if o.greedyOnly {
		return st.result()
	}
	// Relocation budget per candidate, shrunk on large problems so a pass
	// stays within passWork.
	o.budget = max(4, min(o.budget, o.passWork/max(len(order), 1)))
	st.lnsLeft = o.lnsWork + o.lnsPer*len(order)
	st.improve(order, o)
	r := st.result()
	// A small event is solved exactly: a bounded branch and bound looks for
	// anything better than the heuristic's agenda (which prunes it hard),
	// and gives up, keeping that agenda, past exactNodes steps.
	if o.lnsSize > 0 && len(order) <= exactCandidates {
		if e, ok := exhaustive(p, r.Objective, exactNodes); ok && e.Objective > r.Objective+eps {
			return e
		}
	}
	return r
}

// Small events are solved exactly (see solve): at most exactCandidates
// candidates, within exactNodes steps of the search.
const (
	exactCandidates = 40
	exactNodes      = 200000
)

// improve repeats passes over the unplaced candidates, heaviest first. Each
// one is inserted if it now fits; otherwise relocate tries an ejection
// chain to make room for it. Then swapOut tries taking each placed meeting
// out, lightest first, to let heavier pairs of lighter ones in. A pass that
// gains nothing ends the phase.
func (st *state) improve(order []int, o options) {
	st.commit()
	// A move around c is tried again only once a meeting of one of its two
	// participants has changed since it last failed.
	n := len(st.m.cand)
	triedReloc, triedSwap, triedLNS := stamps(n), stamps(n), stamps(n)
	for pass := 0; pass < maxPasses; pass++ {
		before := st.obj
		for _, c := range order {
			if st.at[c] >= 0 || triedReloc[c] == st.version(c) {
				continue
			}
			if !st.insert(c) {
				st.nodes = o.budget
				if !st.relocate(c, o.depth) {
					triedReloc[c] = st.version(c)
				}
			}
			st.commit()
		}
		for i := len(order) - 1; i >= 0; i-- {
			if d := order[i]; st.at[d] >= 0 && triedSwap[d] != st.version(d) {
				if !st.swapOut(d) {
					triedSwap[d] = st.version(d)
				}
				st.commit()
			}
		}
		for _, c := range order {
			if o.lnsSize > 0 && st.lnsLeft > 0 && st.at[c] < 0 && triedLNS[c] != st.version(c) {
				if !st.reoptimize(c, o) {
					triedLNS[c] = st.version(c)
				}
				st.commit()
			}
		}
		if st.obj <= before+eps {
			break
		}
	}
	for _, c := range order {
		if st.at[c] < 0 {
			st.insert(c)
		}
	}
	st.commit()
}

func stamps(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = -1
	}
	return s
}

// commit keeps the logged changes: the participants they touch get a new
// version, and the log starts afresh.
func (st *state) commit() {
	for _, o := range st.log {
		cm := &st.m.cand[o.c]
		st.ver[cm.a]++
		st.ver[cm.b]++
	}
	st.log = st.log[:0]
}

// version of candidate c's surroundings: changes whenever a meeting of
// either participant does.
func (st *state) version(c int) int {
	cm := &st.m.cand[c]
	return st.ver[cm.a] + st.ver[cm.b]
}

// swapOut takes placed meeting d out, lets the unplaced candidates of its
// two participants in (heaviest first, at most scanLimit each), then puts d
// back if it still fits anywhere; the change is kept only if the objective
// rose. It is tried only when those candidates together outweigh d. This is the move
// the weight order misses: one heavy meeting blocking two lighter ones that
// together weigh more.
func (st *state) swapOut(d int) bool {
	m := st.m
	// Cheap test first: the unplaced candidates that d's removal could let
	// in must outweigh d.
	gain := 0.0
	for _, side := range [2]int{m.cand[d].a, m.cand[d].b} {
		for i, k := 0, 0; i < len(m.adj[side]) && k < scanLimit; i++ {
			if c := m.adj[side][i]; c != d && st.at[c] < 0 {
				k++
				if st.capOKWithout(c, d) {
					gain += m.cand[c].w
				}
			}
		}
	}
	if gain <= m.cand[d].w+eps {
		return false
	}
	before, mark := st.obj, len(st.log)
	st.remove(d)
	in := false
	for _, side := range [2]int{m.cand[d].a, m.cand[d].b} {
		for i, k := 0, 0; i < len(m.adj[side]) && k < scanLimit; i++ {
			if c := m.adj[side][i]; c != d && st.at[c] < 0 {
				k++
				if st.insert(c) {
					in = true
				}
			}
		}
	}
	if in {
		st.insert(d)
		if st.obj > before+eps {
			return true
		}
	}
	st.rollback(mark)
	return false
}

// reoptimize re-solves exactly, by branch and bound, the neighbourhood of
// unplaced candidate c: the free candidates of its two participants, then
// of their counterparts and so on while they fit in lnsSize, with the rest
// of the schedule held still. It is skipped when c's two participants
// alone have more than lnsSize candidates, and the search stops after
// lnsNodes steps (keeping the best schedule seen), all searches sharing
// lnsWork, so large events pay little for it.
func (st *state) reoptimize(c int, o options) bool {
	m := st.m
	if len(m.adj[m.cand[c].a])+len(m.adj[m.cand[c].b]) > o.lnsSize+1 {
		return false
	}
	// Grow the neighbourhood participant by participant (breadth first from
	// c's two sides) while it stays within lnsSize candidates.
	var nb []int
	inNb := map[int]bool{}
	inPart := map[int]bool{}
	queue := []int{m.cand[c].a, m.cand[c].b}
	inPart[queue[0]], inPart[queue[1]] = true, true
	for qi := 0; qi < len(queue); qi++ {
		q := queue[qi]
		var add []int
		for _, d := range m.adj[q] {
			if !inNb[d] {
				add = append(add, d)
			}
		}
		if len(nb)+len(add) > o.lnsSize {
			if qi < 2 {
				return false
			}
			continue
		}
		for _, d := range add {
			inNb[d] = true
			nb = append(nb, d)
			for _, o := range [2]int{m.cand[d].a, m.cand[d].b} {
				if !inPart[o] {
					inPart[o] = true
					queue = append(queue, o)
				}
			}
		}
	}
	sort.Slice(nb, func(i, j int) bool {
		wi, wj := m.cand[nb[i]].w, m.cand[nb[j]].w
		return wi > wj || wi == wj && nb[i] < nb[j]
	})
	mark := len(st.log)
	old := 0.0
	for _, d := range nb {
		if st.at[d] >= 0 {
			old += m.cand[d].w
			st.remove(d)
		}
	}
	base := len(st.log)
	rest := make([]float64, len(nb)+1)
	for i := len(nb) - 1; i >= 0; i-- {
		rest[i] = rest[i+1] + m.cand[nb[i]].w
	}
	cur, best := make([]int, len(nb)), make([]int, len(nb))
	nodes := min(o.lnsNodes, st.lnsLeft)
	bestW, w := old, 0.0
	found := false
	var search func(i int)
	search = func(i int) {
		if w+rest[i] <= bestW+eps || nodes <= 0 {
			return
		}
		nodes--
		if i == len(nb) {
			bestW, found = w, true
			copy(best, cur)
			return
		}
		d := nb[i]
		if st.capOK(d) {
			for _, s := range m.cand[d].slots {
				if st.fits(d, s) && st.add(d, s) {
					cur[i], w = s, w+m.cand[d].w
					search(i + 1)
					w -= m.cand[d].w
					st.remove(d)
				}
			}
		}
		cur[i] = -1
		search(i + 1)
	}
	search(0)
	st.lnsLeft -= min(o.lnsNodes, st.lnsLeft) - max(nodes, 0)
	st.log = st.log[:base]
	if !found {
		st.rollback(mark)
		return false
	}
	for i, d := range nb {
		if best[i] >= 0 {
			st.add(d, best[i])
		}
	}
	return true
}

// capOKWithout is capOK as if placed meeting d were out.
func (st *state) capOKWithout(c, d int) bool {
	cm, dm := &st.m.cand[c], &st.m.cand[d]
	for _, x := range [2]int{cm.a, cm.b} {
		n := st.cnt[x]
		if x == dm.a || x == dm.b {
			n--
		}
		if n >= st.m.capP[x] {
			return false
		}
	}
	return true
}

// victim is the meeting of participant p to drop so that a new one can
// take the slot s: the lightest unpinned one, preferring one that also
// holds p at the time of s. ok is false when p's meetings are all pinned.
func (st *state) victim(p, s int) (v int, ok bool) {
	m := st.m
	best, bestOv := -1, false
	for _, d := range st.byPart[p] {
		if m.cand[d].fixed {
			continue
		}
		ov := st.holds(d, s)
		if best < 0 || (ov && !bestOv) || (ov == bestOv && (m.cand[d].w < m.cand[best].w || m.cand[d].w == m.cand[best].w && d < best)) {
			best, bestOv = d, ov
		}
	}
	return best, best >= 0
}

// holds says whether placed meeting d sits in a slot overlapping s.
func (st *state) holds(d, s int) bool {
	return contains(st.m.ovList[s], st.at[d])
}

// clear takes out what keeps c from slot s: the meetings holding either
// participant at that time and, when the slot is full, one unpinned meeting
// no heavier than c. It returns them (to be placed again) or ok=false when
// a pinned meeting is in the way (the caller rolls back).
func (st *state) clear(c, s int) (moved []int, ok bool) {
	m := st.m
	cm := &m.cand[c]
	for _, side := range [2]int{cm.a, cm.b} {
		for i := 0; i < len(st.byPart[side]); {
			d := st.byPart[side][i]
			if !st.holds(d, s) {
				i++
				continue
			}
			if m.cand[d].fixed {
				return moved, false
			}
			st.remove(d)
			moved = append(moved, d)
		}
	}
	if st.used[s] >= m.p.Slots[s].Tables {
		// The slot is full: move one of its unpinned meetings lighter than
		// c away, the latest seated (a bounded scan: slots can hold
		// hundreds).
		t := -1
		for i, k := len(st.inSlot[s])-1, 0; i >= 0 && k < scanLimit; i, k = i-1, k+1 {
			if d := st.inSlot[s][i]; !m.cand[d].fixed && m.cand[d].w <= cm.w {
				t = d
				break
			}
		}
		if t < 0 {
			return moved, false
		}
		st.remove(t)
		moved = append(moved, t)
	}
	return moved, true
}

// relocate makes room for unplaced candidate c in one of its slots: when a
// participant is at MaxMeetings its lightest meeting is dropped, the
// meetings in the way are taken out (clear) and placed again elsewhere
// (move, which may push others in turn). The first slot where the whole
// chain raises the objective is kept.
func (st *state) relocate(c, depth int) bool {
	m := st.m
	cm := &m.cand[c]
	nS := m.nS
	before := st.obj
	for _, s := range cm.slots {
		if m.blocked[cm.a*nS+s] || m.blocked[cm.b*nS+s] || m.p.Slots[s].Tables <= 0 {
			continue
		}
		if st.nodes <= 0 {
			return false
		}
		st.nodes--
		// Cheap test first: what is dropped for capacity must weigh less
		// than c.
		loss := 0.0
		var drop []int
		for _, side := range [2]int{cm.a, cm.b} {
			if st.cnt[side] < m.capP[side] {
				continue
			}
			v, ok := st.victim(side, s)
			if !ok {
				loss = cm.w + 1
				break
			}
			if !contains(drop, v) {
				drop = append(drop, v)
				loss += m.cand[v].w
			}
		}
		if loss >= cm.w-eps {
			continue
		}
		mark := len(st.log)
		for _, d := range drop {
			st.remove(d)
		}
		moved, ok := st.clear(c, s)
		if !ok || !st.fits(c, s) || !st.add(c, s) {
			st.rollback(mark)
			continue
		}
		for _, d := range moved {
			st.move(d, s, depth-1)
		}
		if st.obj > before+eps {
			return true
		}
		st.rollback(mark)
	}
	return false
}

// move places d, just pushed out of slot from, again: in a slot where it
// fits, or (depth permitting) in one where the meetings in its way can
// move in turn, taking the first option worth more than leaving d out.
// If none is, d stays out and the caller's gain test decides.
func (st *state) move(d, from, depth int) {
	m := st.m
	cm := &m.cand[d]
	if !st.capOK(d) {
		return
	}
	for _, t := range cm.slots {
		if t != from && st.fits(d, t) && st.add(d, t) {
			return
		}
	}
	if depth <= 0 {
		return
	}
	nS := m.nS
	for _, t := range cm.slots {
		if t == from || m.blocked[cm.a*nS+t] || m.blocked[cm.b*nS+t] || m.p.Slots[t].Tables <= 0 {
			continue
		}
		if st.nodes <= 0 {
			return
		}
		st.nodes--
		before, mark := st.obj, len(st.log)
		moved, ok := st.clear(d, t)
		if !ok || !st.fits(d, t) || !st.add(d, t) {
			st.rollback(mark)
			continue
		}
		for _, e := range moved {
			st.move(e, t, depth-1)
		}
		if st.obj > before+eps {
			return
		}
		st.rollback(mark)
	}
}

// Greedy is the first-come baseline: pinned candidates first, then the
// others in input order, each in its first allowed slot where it fits.
func Greedy(p Problem) Result {
	m := newModel(p)
	st := newState(m)
	st.placeFixed()
	for c := range m.cand {
		if m.cand[c].bad == "" && !m.cand[c].fixed {
			st.insert(c)
		}
	}
	return st.result()
}

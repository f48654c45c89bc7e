package schedule

import (
	"math"
	"sort"
)

// noCap stands for "no MaxMeetings".
const noCap = math.MaxInt32

// model is a Problem checked and indexed once: languages become small
// integers (sorted tags, so no map order leaks into the search), slot
// overlaps and unavailability become flat tables, and every candidate knows
// its allowed slots and the interpreter languages that can serve it.
type model struct {
	p       Problem
	nS, nL  int
	ovList  [][]int // slot -> slots overlapping it, itself included
	blocked []bool  // participant*nS+slot: unavailable at the time of slot
	capP    []int   // participant -> MaxMeetings, or noCap
	langs   []string
	seats   []int // slot*nL+language -> interpreter seats
	cand    []cmodel
	adj     [][]int // participant -> its free candidates, heaviest first
}

type cmodel struct {
	a, b   int
	w      float64
	bad    Reason // set when the candidate can never be placed
	interp bool   // the two sides share no language
	opts   []int  // languages (of A, then of B) whose interpreter can serve the meeting
	slots  []int  // allowed slots, ascending
	fixed  bool
	fslot  int
	ftable int
	flang  int // fixed interpreter language, or -1
}

func overlap(s, t Slot) bool { return s.Start < t.End && t.Start < s.End }

func newModel(p Problem) *model {
	m := &model{p: p, nS: len(p.Slots)}
	nS, nP := m.nS, len(p.Participants)

	tags := map[string]bool{}
	for _, pa := range p.Participants {
		for _, l := range pa.Languages {
			tags[l] = true
		}
	}
	for _, s := range p.Slots {
		for l := range s.Interpreters {
			tags[l] = true
		}
	}
	for l := range tags {
		m.langs = append(m.langs, l)
	}
	sort.Strings(m.langs)
	m.nL = len(m.langs)
	li := make(map[string]int, m.nL)
	for i, l := range m.langs {
		li[l] = i
	}
	m.seats = make([]int, nS*m.nL)
	for s, sl := range p.Slots {
		for l, n := range sl.Interpreters {
			m.seats[s*m.nL+li[l]] = n
		}
	}

	m.ovList = make([][]int, nS)
	for i := range p.Slots {
		for j := range p.Slots {
			if i == j || overlap(p.Slots[i], p.Slots[j]) {
				m.ovList[i] = append(m.ovList[i], j)
			}
		}
	}

	m.blocked = make([]bool, nP*nS)
	m.capP = make([]int, nP)
	plangs := make([][]int, nP)
	for i, pa := range p.Participants {
		for _, u := range pa.Unavailable {
			if u < 0 || u >= nS {
				continue
			}
			for _, o := range m.ovList[u] {
				m.blocked[i*nS+o] = true
			}
		}
		m.capP[i] = noCap
		if pa.MaxMeetings > 0 {
			m.capP[i] = pa.MaxMeetings
		}
		for _, l := range pa.Languages {
			plangs[i] = append(plangs[i], li[l])
		}
	}

	all := make([]int, nS)
	for i := range all {
		all[i] = i
	}
	m.cand = make([]cmodel, len(p.Candidates))
	for ci, c := range p.Candidates {
		cm := &m.cand[ci]
		cm.a, cm.b, cm.w, cm.flang = c.A, c.B, c.Weight, -1
		if c.A < 0 || c.B < 0 || c.A >= nP || c.B >= nP || c.A == c.B ||
			math.IsNaN(c.Weight) || math.IsInf(c.Weight, 0) || c.Weight < 0 {
			cm.bad = ReasonInvalid
			continue
		}
		pa, pb := p.Participants[c.A], p.Participants[c.B]
		if pa.Institution != "" && pa.Institution == pb.Institution {
			cm.bad = ReasonSameInstitution
			continue
		}
		cm.interp = needsInterpreter(pa.Languages, pb.Languages)
		if cm.interp {
			seen := map[int]bool{}
			for _, l := range append(append([]int{}, plangs[c.A]...), plangs[c.B]...) {
				if !seen[l] {
					seen[l] = true
					cm.opts = append(cm.opts, l)
				}
			}
		}
		if c.Fixed != nil {
			f := c.Fixed
			cm.fixed, cm.fslot, cm.ftable = true, f.Slot, f.Table
			if f.Slot < 0 || f.Slot >= nS || f.Table < 0 || f.Table >= p.Slots[f.Slot].Tables {
				cm.bad = ReasonInvalid
				continue
			}
			if cm.interp && f.Interpreter != "" {
				l, ok := li[f.Interpreter]
				if !ok || !contains(cm.opts, l) {
					cm.bad = ReasonInvalid
					continue
				}
				cm.flang = l
			}
			cm.slots = []int{f.Slot}
			continue
		}
		if len(c.Slots) == 0 {
			cm.slots = all
			continue
		}
		seen := make(map[int]bool, len(c.Slots))
		for _, s := range c.Slots {
			if s >= 0 && s < nS && !seen[s] {
				seen[s] = true
				cm.slots = append(cm.slots, s)
			}
		}
		sort.Ints(cm.slots)
		if len(cm.slots) == 0 {
			cm.bad = ReasonInvalid
		}
	}
	return m
}

// needsInterpreter: both sides name their languages and share none. A side
// that names none is taken to need no help (nothing to plan for).
func needsInterpreter(a, b []string) bool {
	return len(a) > 0 && len(b) > 0 && !shared(a, b)
}

func shared(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// state is a partial schedule: which candidate sits in which slot with which
// interpreter language. Table numbers are given only at the end (result):
// within a slot, tables are interchangeable apart from the pinned ones.
type state struct {
	m        *model
	occ      []int32 // participant*nS+slot -> meetings of the participant in slots overlapping slot
	cnt      []int   // participant -> meetings
	used     []int   // slot -> meetings
	seatUsed []int   // slot*nL+language -> seats taken
	seatFree []int   // slot -> seats left, all languages
	byLang   [][]int // slot*nL+language -> meetings seated there
	at       []int   // candidate -> slot, or -1
	lang     []int   // candidate -> interpreter language, or -1
	inSlot   [][]int // slot -> placed candidates
	byPart   [][]int // participant -> placed candidates
	why      []Reason
	obj      float64
	vis      []int // language -> visit stamp of the current augmenting search
	stamp    int
	log      []op  // adds and removes since the last mark, to roll back
	nodes    int   // budget of the current improving search
	lnsLeft  int   // budget left for neighbourhood searches
	ver      []int // participant -> count of committed changes to its meetings
}

// op is one logged add (slot >= 0 was the slot it went to) or remove (the
// slot it left), so rollback can replay the inverse in reverse order.
type op struct {
	c, slot int
	add     bool
}

func newState(m *model) *state {
	nP := len(m.p.Participants)
	st := &state{m: m, occ: make([]int32, nP*m.nS), cnt: make([]int, nP), used: make([]int, m.nS),
		seatUsed: make([]int, m.nS*m.nL), at: make([]int, len(m.cand)), lang: make([]int, len(m.cand)),
		inSlot: make([][]int, m.nS), byPart: make([][]int, nP), why: make([]Reason, len(m.cand)), vis: make([]int, m.nL)}
	for i := range st.at {
		st.at[i], st.lang[i] = -1, -1
	}
	st.ver = make([]int, nP)
	st.seatFree = make([]int, m.nS)
	st.byLang = make([][]int, m.nS*m.nL)
	for s := 0; s < m.nS; s++ {
		for l := 0; l < m.nL; l++ {
			st.seatFree[s] += max(m.seats[s*m.nL+l], 0)
		}
	}
	return st
}

func (st *state) free(part, slot int) bool {
	i := part*st.m.nS + slot
	return !st.m.blocked[i] && st.occ[i] == 0
}

func (st *state) capOK(c int) bool {
	cm := &st.m.cand[c]
	return st.cnt[cm.a] < st.m.capP[cm.a] && st.cnt[cm.b] < st.m.capP[cm.b]
}

// fits says whether both sides are free at slot s and a table is left; the
// interpreter seat is decided by add.
func (st *state) fits(c, s int) bool {
	cm := &st.m.cand[c]
	return st.used[s] < st.m.p.Slots[s].Tables && st.free(cm.a, s) && st.free(cm.b, s)
}

// add places c in slot s if an interpreter seat can be found (moving other
// meetings of the slot to other languages when that frees one). The caller
// has checked fits and capOK.
func (st *state) add(c, s int) bool {
	cm := &st.m.cand[c]
	if cm.interp {
		st.stamp++
		if !st.seat(c, s) {
			return false
		}
	}
	nS := st.m.nS
	for _, o := range st.m.ovList[s] {
		st.occ[cm.a*nS+o]++
		st.occ[cm.b*nS+o]++
	}
	st.cnt[cm.a]++
	st.cnt[cm.b]++
	st.used[s]++
	st.at[c] = s
	st.inSlot[s] = append(st.inSlot[s], c)
	st.byPart[cm.a] = append(st.byPart[cm.a], c)
	st.byPart[cm.b] = append(st.byPart[cm.b], c)
	st.obj += cm.w
	st.log = append(st.log, op{c: c, slot: s, add: true})
	return true
}

// seat finds an interpreter language for c in slot s: an augmenting path in
// the bipartite graph meetings × language seats of the slot, so a slot's
// seats are always used as well as a maximum matching would use them.
func (st *state) seat(c, s int) bool {
	nL := st.m.nL
	if st.seatFree[s] == 0 {
		return false // no path can end anywhere
	}
	opts := st.m.cand[c].opts
	if fl := st.m.cand[c].flang; fl >= 0 {
		opts = []int{fl}
	}
	for _, l := range opts {
		if st.seatUsed[s*nL+l] < st.m.seats[s*nL+l] {
			st.assign(c, s, l)
			return true
		}
	}
	return st.augment(c, s, opts)
}

func (st *state) augment(c, s int, opts []int) bool {
	nL := st.m.nL
	for _, l := range opts {
		if st.vis[l] == st.stamp {
			continue
		}
		st.vis[l] = st.stamp
		if st.seatUsed[s*nL+l] < st.m.seats[s*nL+l] {
			st.assign(c, s, l)
			return true
		}
		for _, d := range st.byLang[s*nL+l] {
			if d == c || st.m.cand[d].flang >= 0 {
				continue
			}
			if st.augment(d, s, st.m.cand[d].opts) {
				st.assign(c, s, l)
				return true
			}
		}
	}
	return false
}

// assign gives c the seat of language l in slot s, releasing its old one.
func (st *state) assign(c, s, l int) {
	nL := st.m.nL
	if old := st.lang[c]; old >= 0 {
		st.seatUsed[s*nL+old]--
		st.seatFree[s]++
		st.byLang[s*nL+old] = del(st.byLang[s*nL+old], c)
	}
	st.seatUsed[s*nL+l]++
	st.seatFree[s]--
	st.byLang[s*nL+l] = append(st.byLang[s*nL+l], c)
	st.lang[c] = l
}

func (st *state) remove(c int) {
	cm := &st.m.cand[c]
	s := st.at[c]
	st.log = append(st.log, op{c: c, slot: s})
	if l := st.lang[c]; l >= 0 {
		st.seatUsed[s*st.m.nL+l]--
		st.seatFree[s]++
		st.byLang[s*st.m.nL+l] = del(st.byLang[s*st.m.nL+l], c)
		st.lang[c] = -1
	}
	nS := st.m.nS
	for _, o := range st.m.ovList[s] {
		st.occ[cm.a*nS+o]--
		st.occ[cm.b*nS+o]--
	}
	st.cnt[cm.a]--
	st.cnt[cm.b]--
	st.used[s]--
	st.at[c] = -1
	st.inSlot[s] = del(st.inSlot[s], c)
	st.byPart[cm.a] = del(st.byPart[cm.a], c)
	st.byPart[cm.b] = del(st.byPart[cm.b], c)
	st.obj -= cm.w
}

// rollback undoes every add and remove logged after mark, newest first.
// Putting a removed meeting back always succeeds: the state is then the one
// it left (an augmenting search finds seats whenever a matching exists).
func (st *state) rollback(mark int) {
	for i := len(st.log) - 1; i >= mark; i-- {
		o := st.log[i]
		if o.add {
			st.remove(o.c)
		} else {
			st.add(o.c, o.slot)
		}
	}
	st.log = st.log[:mark]
}

func del(xs []int, x int) []int {
	for i, y := range xs {
		if y == x {
			return append(xs[:i], xs[i+1:]...)
		}
	}
	return xs
}

// insert places c in its first allowed slot where it fits.
func (st *state) insert(c int) bool {
	if !st.capOK(c) {
		return false
	}
	for _, s := range st.m.cand[c].slots {
		if st.fits(c, s) && st.add(c, s) {
			return true
		}
	}
	return false
}

// placeFixed places the pinned candidates in index order; a pinned candidate
// that collides with an earlier one (or breaks a constraint) is left out.
func (st *state) placeFixed() {
	tablesTaken := map[[2]int]bool{}
	for c := range st.m.cand {
		cm := &st.m.cand[c]
		if !cm.fixed {
			continue
		}
		if cm.bad != "" {
			st.why[c] = cm.bad
			continue
		}
		s := cm.fslot
		switch {
		case !st.capOK(c):
			st.why[c] = ReasonMaxMeetings
		case tablesTaken[[2]int{s, cm.ftable}] || !st.fits(c, s) || !st.add(c, s):
			st.why[c] = ReasonFixedConflict
		default:
			tablesTaken[[2]int{s, cm.ftable}] = true
		}
	}
}

// byWeight lists the free candidates (valid, not pinned), heaviest first,
// ties by index, and fills adj in the same order.
func (m *model) byWeight() []int {
	var order []int
	for c := range m.cand {
		if m.cand[c].bad == "" && !m.cand[c].fixed {
			order = append(order, c)
		}
	}
	sort.Slice(order, func(i, j int) bool {
		wi, wj := m.cand[order[i]].w, m.cand[order[j]].w
		return wi > wj || wi == wj && order[i] < order[j]
	})
	m.adj = make([][]int, len(m.p.Participants))
	for _, c := range order {
		m.adj[m.cand[c].a] = append(m.adj[m.cand[c].a], c)
		m.adj[m.cand[c].b] = append(m.adj[m.cand[c].b], c)
	}
	return order
}

// result numbers the tables (pinned tables first, then the lowest free
// table in candidate order) and says why each unplaced candidate is out.
func (st *state) result() Result {
	m := st.m
	var r Result
	taken := make([][]bool, m.nS)
	for s := range taken {
		taken[s] = make([]bool, max(m.p.Slots[s].Tables, 0))
	}
	table := make([]int, len(m.cand))
	for c := range m.cand {
		if st.at[c] >= 0 && m.cand[c].fixed {
			taken[st.at[c]][m.cand[c].ftable] = true
			table[c] = m.cand[c].ftable
		}
	}
	next := make([]int, m.nS)
	for c := range m.cand {
		s := st.at[c]
		if s < 0 || m.cand[c].fixed {
			continue
		}
		for taken[s][next[s]] {
			next[s]++
		}
		taken[s][next[s]] = true
		table[c] = next[s]
	}
	for c := range m.cand {
		s := st.at[c]
		if s < 0 {
			r.Unplaced = append(r.Unplaced, Unplaced{Candidate: c, Reason: st.reason(c)})
			continue
		}
		pl := Place{Slot: s, Table: table[c]}
		if l := st.lang[c]; l >= 0 {
			pl.Interpreter = m.langs[l]
		}
		r.Assignments = append(r.Assignments, Assignment{Candidate: c, Place: pl})
		r.Objective += m.cand[c].w
	}
	return r
}

func (st *state) reason(c int) Reason {
	cm := &st.m.cand[c]
	if st.why[c] != "" {
		return st.why[c]
	}
	if cm.bad != "" {
		return cm.bad
	}
	if !st.capOK(c) {
		return ReasonMaxMeetings
	}
	common, table := false, false
	for _, s := range cm.slots {
		if st.free(cm.a, s) && st.free(cm.b, s) {
			common = true
			if st.used[s] < st.m.p.Slots[s].Tables {
				table = true
			}
		}
	}
	switch {
	case !common:
		return ReasonNoCommonSlot
	case !table:
		return ReasonNoTable
	default:
		return ReasonNoInterpreter
	}
}

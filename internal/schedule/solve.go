package schedule

import "sort"

// Solve places candidates greedily by weight (heaviest first, ties by
// candidate index), fixed candidates first.
func Solve(p Problem) Result {
	st := newState(p)
	order := make([]int, len(p.Candidates))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool {
		cx, cy := p.Candidates[order[x]], p.Candidates[order[y]]
		if (cx.Fixed != nil) != (cy.Fixed != nil) {
			return cx.Fixed != nil
		}
		return cx.Weight > cy.Weight
	})
	var res Result
	for _, ci := range order {
		pl, why := st.place(ci)
		if why != "" {
			res.Unplaced = append(res.Unplaced, Unplaced{Candidate: ci, Reason: why})
			continue
		}
		res.Assignments = append(res.Assignments, Assignment{Candidate: ci, Place: pl})
		res.Objective += p.Candidates[ci].Weight
	}
	sort.Slice(res.Assignments, func(i, j int) bool { return res.Assignments[i].Candidate < res.Assignments[j].Candidate })
	sort.Slice(res.Unplaced, func(i, j int) bool { return res.Unplaced[i].Candidate < res.Unplaced[j].Candidate })
	return res
}

type state struct {
	p        Problem
	busy     []map[int]bool // participant -> slot -> busy
	count    []int          // participant -> meetings
	tables   []map[int]bool // slot -> table -> taken
	interp   []map[string]int
	overlaps [][]int // slot -> slots overlapping it (itself included)
}

func newState(p Problem) *state {
	st := &state{p: p, busy: make([]map[int]bool, len(p.Participants)), count: make([]int, len(p.Participants)),
		tables: make([]map[int]bool, len(p.Slots)), interp: make([]map[string]int, len(p.Slots)), overlaps: make([][]int, len(p.Slots))}
	for i := range st.busy {
		st.busy[i] = map[int]bool{}
		for _, s := range p.Participants[i].Unavailable {
			st.busy[i][s] = true
		}
	}
	for i, s := range p.Slots {
		st.tables[i] = map[int]bool{}
		st.interp[i] = map[string]int{}
		for j, t := range p.Slots {
			if s.Start < t.End && t.Start < s.End || i == j {
				st.overlaps[i] = append(st.overlaps[i], j)
			}
		}
	}
	return st
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

func (st *state) free(part, slot int) bool {
	for _, o := range st.overlaps[slot] {
		if st.busy[part][o] {
			return false
		}
	}
	return true
}

// place finds the first slot and table for candidate ci and commits it.
func (st *state) place(ci int) (Place, Reason) {
	p := st.p
	c := p.Candidates[ci]
	if c.A < 0 || c.B < 0 || c.A >= len(p.Participants) || c.B >= len(p.Participants) || c.A == c.B {
		return Place{}, ReasonInvalid
	}
	pa, pb := p.Participants[c.A], p.Participants[c.B]
	if pa.Institution != "" && pa.Institution == pb.Institution {
		return Place{}, ReasonSameInstitution
	}
	if c.Fixed == nil {
		if (pa.MaxMeetings > 0 && st.count[c.A] >= pa.MaxMeetings) || (pb.MaxMeetings > 0 && st.count[c.B] >= pb.MaxMeetings) {
			return Place{}, ReasonMaxMeetings
		}
	}
	needInterp := !shared(pa.Languages, pb.Languages)
	slots := c.Slots
	if c.Fixed != nil {
		slots = []int{c.Fixed.Slot}
	} else if len(slots) == 0 {
		slots = make([]int, len(p.Slots))
		for i := range slots {
			slots[i] = i
		}
	}
	why := ReasonNoCommonSlot
	for _, s := range slots {
		if s < 0 || s >= len(p.Slots) {
			continue
		}
		if !st.free(c.A, s) || !st.free(c.B, s) {
			if c.Fixed != nil {
				return Place{}, ReasonFixedConflict
			}
			continue
		}
		table := -1
		if c.Fixed != nil {
			if c.Fixed.Table < p.Slots[s].Tables && !st.tables[s][c.Fixed.Table] {
				table = c.Fixed.Table
			}
		} else {
			for t := 0; t < p.Slots[s].Tables; t++ {
				if !st.tables[s][t] {
					table = t
					break
				}
			}
		}
		if table < 0 {
			if c.Fixed != nil {
				return Place{}, ReasonFixedConflict
			}
			why = ReasonNoTable
			continue
		}
		lang := ""
		if needInterp {
			for _, l := range append(append([]string{}, pa.Languages...), pb.Languages...) {
				if st.interp[s][l] < p.Slots[s].Interpreters[l] {
					lang = l
					break
				}
			}
			if lang == "" {
				if c.Fixed != nil {
					return Place{}, ReasonFixedConflict
				}
				why = ReasonNoInterpreter
				continue
			}
			st.interp[s][lang]++
		}
		st.busy[c.A][s], st.busy[c.B][s] = true, true
		st.tables[s][table] = true
		st.count[c.A]++
		st.count[c.B]++
		return Place{Slot: s, Table: table, Interpreter: lang}, ""
	}
	return Place{}, why
}

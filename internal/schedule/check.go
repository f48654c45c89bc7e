package schedule

import (
	"errors"
	"fmt"
	"math"
)

// Check verifies r against every hard constraint of p, independently of the
// solver's own bookkeeping: each candidate is either assigned or unplaced
// with a reason (once, in index order); the objective is the sum of the
// assigned weights; an assignment names a valid slot and table, no two share
// a table; pinned candidates sit where they are pinned and others in their
// allowed slots; two participants of one institution never meet; nobody
// meets at a time they are unavailable, twice at overlapping times, or more
// than MaxMeetings times; a meeting without a shared language has an
// interpreter of a language of one side, and a slot never uses more seats
// of a language than it has. It returns all violations joined, nil if none.
func Check(p Problem, r Result) error {
	var errs []error
	fail := func(format string, args ...any) {
		if len(errs) < 50 {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	nC, nS, nP := len(p.Candidates), len(p.Slots), len(p.Participants)
	seen := make([]bool, nC)
	mark := func(kind string, i, c, prev int) {
		switch {
		case c < 0 || c >= nC:
			fail("%s %d: candidate %d out of range", kind, i, c)
		case seen[c]:
			fail("candidate %d listed twice", c)
		default:
			seen[c] = true
		}
		if i > 0 && c <= prev {
			fail("%s not sorted by candidate at %d", kind, i)
		}
	}
	for i, u := range r.Unplaced {
		prev := 0
		if i > 0 {
			prev = r.Unplaced[i-1].Candidate
		}
		mark("unplaced", i, u.Candidate, prev)
		if u.Reason == "" {
			fail("candidate %d unplaced without a reason", u.Candidate)
		}
	}
	sum := 0.0
	tables := map[[2]int]int{}
	seats := map[string]int{} // "slot\x00lang"
	type meet struct{ slot, cand int }
	meets := make([][]meet, nP)
	for i, a := range r.Assignments {
		prev := 0
		if i > 0 {
			prev = r.Assignments[i-1].Candidate
		}
		mark("assignment", i, a.Candidate, prev)
		c := a.Candidate
		if c < 0 || c >= nC {
			continue
		}
		cd := p.Candidates[c]
		sum += cd.Weight
		if cd.A < 0 || cd.B < 0 || cd.A >= nP || cd.B >= nP || cd.A == cd.B {
			fail("candidate %d: invalid participants placed", c)
			continue
		}
		if a.Slot < 0 || a.Slot >= nS {
			fail("candidate %d: slot %d out of range", c, a.Slot)
			continue
		}
		sl := p.Slots[a.Slot]
		if a.Table < 0 || a.Table >= sl.Tables {
			fail("candidate %d: table %d out of range in slot %d", c, a.Table, a.Slot)
		}
		if o, dup := tables[[2]int{a.Slot, a.Table}]; dup {
			fail("candidates %d and %d share table %d of slot %d", o, c, a.Table, a.Slot)
		}
		tables[[2]int{a.Slot, a.Table}] = c
		if f := cd.Fixed; f != nil {
			if f.Slot != a.Slot || f.Table != a.Table {
				fail("candidate %d: pinned to slot %d table %d, placed at slot %d table %d", c, f.Slot, f.Table, a.Slot, a.Table)
			}
		} else if len(cd.Slots) > 0 && !containsInt(cd.Slots, a.Slot) {
			fail("candidate %d: slot %d not among its allowed slots", c, a.Slot)
		}
		pa, pb := p.Participants[cd.A], p.Participants[cd.B]
		if pa.Institution != "" && pa.Institution == pb.Institution {
			fail("candidate %d: participants %d and %d are of one institution", c, cd.A, cd.B)
		}
		if !needsInterpreter(pa.Languages, pb.Languages) {
			if a.Interpreter != "" {
				fail("candidate %d: interpreter %q though the sides need none", c, a.Interpreter)
			}
		} else {
			switch {
			case a.Interpreter == "":
				fail("candidate %d: no interpreter though the sides share no language", c)
			case !containsString(pa.Languages, a.Interpreter) && !containsString(pb.Languages, a.Interpreter):
				fail("candidate %d: interpreter %q speaks neither side's language", c, a.Interpreter)
			case cd.Fixed != nil && cd.Fixed.Interpreter != "" && cd.Fixed.Interpreter != a.Interpreter:
				fail("candidate %d: pinned interpreter %q, placed with %q", c, cd.Fixed.Interpreter, a.Interpreter)
			default:
				k := fmt.Sprint(a.Slot, "\x00", a.Interpreter)
				seats[k]++
				if seats[k] > sl.Interpreters[a.Interpreter] {
					fail("slot %d: more than %d %q interpreter seats used", a.Slot, sl.Interpreters[a.Interpreter], a.Interpreter)
				}
			}
		}
		for _, x := range [2]int{cd.A, cd.B} {
			for _, u := range p.Participants[x].Unavailable {
				if u >= 0 && u < nS && (u == a.Slot || overlap(p.Slots[u], sl)) {
					fail("candidate %d: participant %d unavailable at slot %d (unavailable slot %d)", c, x, a.Slot, u)
					break
				}
			}
			for _, o := range meets[x] {
				if o.slot == a.Slot || overlap(p.Slots[o.slot], sl) {
					fail("participant %d double-booked: candidates %d (slot %d) and %d (slot %d)", x, o.cand, o.slot, c, a.Slot)
				}
			}
			meets[x] = append(meets[x], meet{a.Slot, c})
		}
	}
	for x, ms := range meets {
		if mx := p.Participants[x].MaxMeetings; mx > 0 && len(ms) > mx {
			fail("participant %d: %d meetings, MaxMeetings %d", x, len(ms), mx)
		}
	}
	for c := range seen {
		if !seen[c] {
			fail("candidate %d neither placed nor unplaced", c)
		}
	}
	if math.Abs(sum-r.Objective) > 1e-9*math.Max(1, math.Abs(sum)) {
		fail("objective %g, assigned weights sum to %g", r.Objective, sum)
	}
	return errors.Join(errs...)
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

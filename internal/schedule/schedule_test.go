package schedule

import (
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
)

// pinSome returns a copy of p where every third meeting of r is pinned
// where r put it, plus a collider: the last candidate r left out, pinned
// onto the table of an earlier pinned candidate, so it alone must be left
// out (pins are placed in index order).
func pinSome(p Problem, r Result) (Problem, *Place) {
	q := p
	q.Candidates = append([]Candidate(nil), p.Candidates...)
	for i, a := range r.Assignments {
		if i%3 == 0 {
			pl := a.Place
			q.Candidates[a.Candidate].Fixed = &pl
		}
	}
	if len(r.Unplaced) == 0 {
		return q, nil
	}
	u := r.Unplaced[len(r.Unplaced)-1].Candidate
	for c := u - 1; c >= 0; c-- {
		if f := q.Candidates[c].Fixed; f != nil {
			pl := *f
			q.Candidates[u].Fixed = &pl
			return q, &pl
		}
	}
	return q, nil
}

func TestSolveKeepsEveryConstraint(t *testing.T) {
	for seed := int64(0); seed < 60; seed++ {
		p := Random(seed, 40, 4, 5, 4, 200)
		var collider *Place
		for _, name := range []string{"plain", "pinned"} {
			if name == "pinned" {
				p, collider = pinSome(p, Greedy(p))
			}
			for solver, r := range map[string]Result{"Solve": Solve(p), "Greedy": Greedy(p)} {
				if err := Check(p, r); err != nil {
					t.Fatalf("seed %d %s %s: %v", seed, name, solver, err)
				}
			}
		}
		// The pins taken from a valid schedule all hold; the one that
		// collides is left out as a conflict.
		r := Solve(p)
		at := map[int]Place{}
		for _, a := range r.Assignments {
			at[a.Candidate] = a.Place
		}
		for i, c := range p.Candidates {
			if c.Fixed == nil {
				continue
			}
			pl, ok := at[i]
			if !ok {
				if collider == nil || *c.Fixed != *collider {
					t.Fatalf("seed %d: pinned candidate %d left out", seed, i)
				}
				continue
			}
			if pl.Slot != c.Fixed.Slot || pl.Table != c.Fixed.Table {
				t.Fatalf("seed %d: pinned candidate %d moved", seed, i)
			}
		}
	}
}

func TestSolveIsDeterministic(t *testing.T) {
	for seed := int64(0); seed < 10; seed++ {
		p := Random(seed, 40, 4, 5, 4, 200)
		a := Solve(p)
		// A copy with freshly built maps (another iteration order).
		q := p
		q.Slots = nil
		for _, s := range p.Slots {
			in := map[string]int{}
			for _, l := range []string{"ms", "id", "vi", "th", "en", "zh"} {
				if n, ok := s.Interpreters[l]; ok {
					in[l] = n
				}
			}
			s.Interpreters = in
			q.Slots = append(q.Slots, s)
		}
		if b := Solve(q); !reflect.DeepEqual(a, b) {
			t.Fatalf("seed %d: two runs differ", seed)
		}
	}
}

// TestSolveReachesTheOptimum compares Solve with Exhaustive on thousands of
// small events, and checks UpperBound never falls below the optimum.
func TestSolveReachesTheOptimum(t *testing.T) {
	const n = 2000
	equal, heurEqual := 0, 0
	for seed := int64(0); seed < n; seed++ {
		p := Random(seed, 8, 2, 3, 2, 12)
		e := Exhaustive(p)
		if err := Check(p, e); err != nil {
			t.Fatalf("seed %d: Exhaustive: %v", seed, err)
		}
		if ub := UpperBound(p); ub < e.Objective-1e-6 {
			t.Fatalf("seed %d: UpperBound %g below the optimum %g", seed, ub, e.Objective)
		}
		for _, o := range []options{defaults, {depth: 3, budget: 200, passWork: 200000}} {
			r := solve(p, o)
			if err := Check(p, r); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			if r.Objective > e.Objective+1e-6 {
				t.Fatalf("seed %d: Solve %g beats the optimum %g", seed, r.Objective, e.Objective)
			}
			if r.Objective >= e.Objective-1e-9 {
				if o.lnsSize > 0 {
					equal++
				} else {
					heurEqual++
				}
			}
		}
	}
	t.Logf("Solve optimal on %d/%d; without the neighbourhood search %d/%d", equal, n, heurEqual, n)
	// Small events are solved exactly (a bounded branch and bound after the
	// heuristic), so Solve is optimal on every one; the heuristic alone
	// (measured: 1720 of 2000) is held to what it reaches.
	if equal != n {
		t.Errorf("Solve optimal on %d/%d, want all", equal, n)
	}
	if heurEqual < n*85/100 {
		t.Errorf("without the neighbourhood search optimal on %d/%d, want at least 85%%", heurEqual, n)
	}
}

func TestUpperBoundOnKnownCases(t *testing.T) {
	// A star: one delegation capped at 2 meetings, three requests of 5, 3, 1:
	// the optimum is 8 and the capacity relaxation comes close to proving it.
	p := Problem{
		Slots:        []Slot{{Start: 0, End: 10, Tables: 5}, {Start: 10, End: 20, Tables: 5}, {Start: 20, End: 30, Tables: 5}},
		Participants: []Participant{{MaxMeetings: 2}, {}, {}, {}},
		Candidates:   []Candidate{{A: 0, B: 1, Weight: 5}, {A: 0, B: 2, Weight: 3}, {A: 0, B: 3, Weight: 1}},
	}
	if ub := UpperBound(p); ub < 8 || ub > 8.5 {
		t.Fatalf("UpperBound = %g, want 8 (a subgradient gets near)", ub)
	}
	if r := Solve(p); r.Objective != 8 {
		t.Fatalf("Solve = %g, want 8", r.Objective)
	}
}

func TestOverlappingSlotsAreOneTime(t *testing.T) {
	// Slots 0 and 1 overlap (parallel rooms), slot 2 is later. Delegation 0
	// meets 1 and 2: never in slots 0 and 1 together.
	p := Problem{
		Slots:        []Slot{{Start: 0, End: 20, Tables: 1}, {Start: 10, End: 40, Tables: 1}, {Start: 40, End: 60, Tables: 1}},
		Participants: []Participant{{}, {}, {}},
		Candidates:   []Candidate{{A: 0, B: 1, Weight: 2, Slots: []int{0, 1}}, {A: 0, B: 2, Weight: 1, Slots: []int{0, 1}}},
	}
	r := Solve(p)
	if len(r.Assignments) != 1 || r.Unplaced[0].Reason != ReasonNoCommonSlot {
		t.Fatalf("got %+v", r)
	}
	p.Candidates[1].Slots = nil
	if r := Solve(p); len(r.Assignments) != 2 || r.Assignments[1].Slot != 2 {
		t.Fatalf("got %+v", r)
	}
}

func TestInterpreterSeatsAreReassigned(t *testing.T) {
	// One slot with one th and one vi seat. Meeting 0 (zh with th+vi) could
	// use either; meeting 1 (zh with th only) needs th. Meeting 0, heavier,
	// is seated first on th and must move to vi for meeting 1 to fit.
	p := Problem{
		Slots: []Slot{{Start: 0, End: 10, Tables: 5, Interpreters: map[string]int{"th": 1, "vi": 1}}},
		Participants: []Participant{
			{Languages: []string{"zh"}}, {Languages: []string{"th", "vi"}},
			{Languages: []string{"zh"}}, {Languages: []string{"th"}},
		},
		Candidates: []Candidate{{A: 0, B: 1, Weight: 2}, {A: 2, B: 3, Weight: 1}},
	}
	r := Solve(p)
	if err := Check(p, r); err != nil {
		t.Fatal(err)
	}
	if len(r.Assignments) != 2 || r.Assignments[0].Interpreter != "vi" || r.Assignments[1].Interpreter != "th" {
		t.Fatalf("got %+v", r)
	}
	// A pinned meeting keeps the language it was pinned with, even if
	// that leaves the other without a seat.
	p.Candidates[0].Fixed = &Place{Slot: 0, Table: 3, Interpreter: "th"}
	r = Solve(p)
	if err := Check(p, r); err != nil {
		t.Fatal(err)
	}
	if len(r.Assignments) != 1 || r.Assignments[0].Interpreter != "th" || r.Unplaced[0].Reason != ReasonNoInterpreter {
		t.Fatalf("got %+v", r)
	}
	p.Candidates[0].Fixed = nil
	// Without seats the second meeting says why.
	p.Slots[0].Interpreters = map[string]int{"th": 1}
	r = Solve(p)
	if len(r.Unplaced) != 1 || r.Unplaced[0].Reason != ReasonNoInterpreter {
		t.Fatalf("got %+v", r)
	}
}

func TestEveryLeftOutCandidateSaysWhy(t *testing.T) {
	two := []Slot{{Start: 0, End: 10, Tables: 1}, {Start: 10, End: 20, Tables: 1}}
	cases := []struct {
		name string
		p    Problem
		want Reason
	}{
		{"same institution", Problem{Slots: two, Participants: []Participant{{Institution: "x"}, {Institution: "x"}},
			Candidates: []Candidate{{A: 0, B: 1, Weight: 1}}}, ReasonSameInstitution},
		{"self", Problem{Slots: two, Participants: []Participant{{}}, Candidates: []Candidate{{A: 0, B: 0, Weight: 1}}}, ReasonInvalid},
		{"out of range", Problem{Slots: two, Participants: []Participant{{}}, Candidates: []Candidate{{A: 0, B: 3, Weight: 1}}}, ReasonInvalid},
		{"NaN weight", Problem{Slots: two, Participants: []Participant{{}, {}}, Candidates: []Candidate{{A: 0, B: 1, Weight: math.NaN()}}}, ReasonInvalid},
		{"no allowed slot exists", Problem{Slots: two, Participants: []Participant{{}, {}}, Candidates: []Candidate{{A: 0, B: 1, Weight: 1, Slots: []int{7}}}}, ReasonInvalid},
		{"unavailable", Problem{Slots: two, Participants: []Participant{{Unavailable: []int{0}}, {Unavailable: []int{1}}},
			Candidates: []Candidate{{A: 0, B: 1, Weight: 1}}}, ReasonNoCommonSlot},
		{"max meetings", Problem{Slots: two, Participants: []Participant{{MaxMeetings: 1}, {}, {}},
			Candidates: []Candidate{{A: 0, B: 1, Weight: 2}, {A: 0, B: 2, Weight: 1}}}, ReasonMaxMeetings},
		{"tables", Problem{Slots: two[:1], Participants: []Participant{{}, {}, {}, {}},
			Candidates: []Candidate{{A: 0, B: 1, Weight: 2}, {A: 2, B: 3, Weight: 1}}}, ReasonNoTable},
		{"interpreter", Problem{Slots: two, Participants: []Participant{{Languages: []string{"zh"}}, {Languages: []string{"th"}}},
			Candidates: []Candidate{{A: 0, B: 1, Weight: 1}}}, ReasonNoInterpreter},
		{"pinned on a taken table", Problem{Slots: two, Participants: []Participant{{}, {}, {}, {}},
			Candidates: []Candidate{{A: 0, B: 1, Weight: 1, Fixed: &Place{Slot: 0}}, {A: 2, B: 3, Weight: 1, Fixed: &Place{Slot: 0}}}}, ReasonFixedConflict},
		{"pinned while unavailable", Problem{Slots: two, Participants: []Participant{{}, {}, {Unavailable: []int{0}}, {}},
			Candidates: []Candidate{{A: 0, B: 1, Weight: 1}, {A: 2, B: 3, Weight: 1, Fixed: &Place{Slot: 0}}}}, ReasonFixedConflict},
		{"pinned interpreter nobody speaks", Problem{Slots: two, Participants: []Participant{{Languages: []string{"zh"}}, {Languages: []string{"th"}}},
			Candidates: []Candidate{{A: 0, B: 1, Weight: 1, Fixed: &Place{Slot: 0, Interpreter: "vi"}}}}, ReasonInvalid},
		{"pinned beyond the tables", Problem{Slots: two, Participants: []Participant{{}, {}, {}, {}},
			Candidates: []Candidate{{A: 0, B: 1, Weight: 1}, {A: 2, B: 3, Weight: 1, Fixed: &Place{Slot: 0, Table: 4}}}}, ReasonInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := Solve(tc.p)
			if err := Check(tc.p, r); err != nil {
				t.Fatal(err)
			}
			last := r.Unplaced[len(r.Unplaced)-1]
			if last.Reason != tc.want {
				t.Fatalf("reason %q, want %q (%+v)", last.Reason, tc.want, r)
			}
		})
	}
}

// checkBase is a small valid schedule that the violations below break one
// at a time.
func checkBase() (Problem, Result) {
	p := Problem{
		Slots: []Slot{
			{Start: 0, End: 20, Tables: 2, Interpreters: map[string]int{"th": 1}},
			{Start: 10, End: 30, Tables: 2},
			{Start: 30, End: 50, Tables: 2},
		},
		Participants: []Participant{
			{Institution: "a", Languages: []string{"zh"}, MaxMeetings: 2},
			{Institution: "b", Languages: []string{"th"}},
			{Institution: "c", Languages: []string{"zh", "en"}, Unavailable: []int{2}},
			{Institution: "a", Languages: []string{"en"}},
		},
		Candidates: []Candidate{
			{A: 0, B: 1, Weight: 3},                     // needs an interpreter
			{A: 2, B: 3, Weight: 2, Slots: []int{0, 1}}, // shares en
			{A: 0, B: 2, Weight: 1},
			{A: 0, B: 3, Weight: 1}, // one institution
		},
	}
	r := Result{
		Assignments: []Assignment{
			{Candidate: 0, Place: Place{Slot: 0, Table: 0, Interpreter: "th"}},
			{Candidate: 1, Place: Place{Slot: 0, Table: 1}},
			{Candidate: 2, Place: Place{Slot: 1, Table: 0}},
		},
		Unplaced:  []Unplaced{{Candidate: 3, Reason: ReasonSameInstitution}},
		Objective: 6,
	}
	return p, r
}

func TestCheckCatchesEachViolation(t *testing.T) {
	p, r := checkBase()
	if err := Check(p, r); err == nil || !strings.Contains(err.Error(), "double-booked") {
		// Candidates 0 (slot 0) and 2 (slot 1) both hold participant 0 and
		// slots 0 and 1 overlap: the base itself is bad; move 2 to slot 2
		// after making participant 2 available there.
		t.Fatalf("overlap not caught: %v", err)
	}
	base := func() (Problem, Result) {
		p, r := checkBase()
		p.Participants[2].Unavailable = nil
		r.Assignments[2].Slot = 2
		return p, r
	}
	p, r = base()
	if err := Check(p, r); err != nil {
		t.Fatalf("valid schedule rejected: %v", err)
	}
	cases := []struct {
		name   string
		break_ func(p *Problem, r *Result)
		want   string
	}{
		{"table out of range", func(p *Problem, r *Result) { r.Assignments[0].Table = 2 }, "out of range"},
		{"slot out of range", func(p *Problem, r *Result) { r.Assignments[0].Slot = 9 }, "out of range"},
		{"one table twice", func(p *Problem, r *Result) { r.Assignments[1].Table = 0 }, "share table"},
		{"tables per slot", func(p *Problem, r *Result) { p.Slots[0].Tables = 1 }, "out of range"},
		{"unavailable", func(p *Problem, r *Result) { p.Participants[2].Unavailable = []int{1} }, "unavailable"},
		{"unavailable at an overlapping slot", func(p *Problem, r *Result) { p.Participants[3].Unavailable = []int{1} }, "unavailable"},
		{"max meetings", func(p *Problem, r *Result) { p.Participants[0].MaxMeetings = 1 }, "MaxMeetings"},
		{"same institution", func(p *Problem, r *Result) { p.Participants[2].Institution = "a" }, "one institution"},
		{"allowed slots", func(p *Problem, r *Result) { p.Candidates[1].Slots = []int{1} }, "allowed"},
		{"pinned elsewhere", func(p *Problem, r *Result) { p.Candidates[1].Fixed = &Place{Slot: 0, Table: 0} }, "pinned"},
		{"no interpreter", func(p *Problem, r *Result) { r.Assignments[0].Interpreter = "" }, "no interpreter"},
		{"interpreter of neither side", func(p *Problem, r *Result) { r.Assignments[0].Interpreter = "vi" }, "neither"},
		{"interpreter seats", func(p *Problem, r *Result) { p.Slots[0].Interpreters = map[string]int{"th": 0} }, "seats"},
		{"interpreter not needed", func(p *Problem, r *Result) { r.Assignments[1].Interpreter = "en" }, "need none"},
		{"missing candidate", func(p *Problem, r *Result) { r.Unplaced = nil }, "neither placed nor unplaced"},
		{"listed twice", func(p *Problem, r *Result) {
			r.Unplaced = append(r.Unplaced, Unplaced{Candidate: 0, Reason: ReasonNoTable})
		}, "twice"},
		{"no reason", func(p *Problem, r *Result) { r.Unplaced[0].Reason = "" }, "without a reason"},
		{"objective", func(p *Problem, r *Result) { r.Objective = 7 }, "objective"},
		{"pinned interpreter", func(p *Problem, r *Result) { p.Candidates[0].Fixed = &Place{Slot: 0, Table: 0, Interpreter: "zh"} }, "pinned interpreter"},
		{"order", func(p *Problem, r *Result) { r.Assignments[0], r.Assignments[1] = r.Assignments[1], r.Assignments[0] }, "sorted"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, r := base()
			tc.break_(&p, &r)
			err := Check(p, r)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestSolveOnOddInput(t *testing.T) {
	cases := map[string]Problem{
		"empty":    {},
		"no slots": {Participants: []Participant{{}, {}}, Candidates: []Candidate{{A: 0, B: 1, Weight: 1}}},
		"no tables and negative seats": {
			Slots:        []Slot{{Start: 0, End: 10, Tables: 0}, {Start: 10, End: 20, Tables: -3, Interpreters: map[string]int{"th": -1}}},
			Participants: []Participant{{Languages: []string{"zh"}}, {Languages: []string{"th"}, Unavailable: []int{-1, 99}}},
			Candidates:   []Candidate{{A: 0, B: 1, Weight: 1}, {A: 0, B: 1, Weight: 1, Fixed: &Place{Slot: 1}}},
		},
		"zero-length slots": {
			Slots:        []Slot{{Start: 5, End: 5, Tables: 1}, {Start: 5, End: 5, Tables: 1}, {Start: 0, End: 10, Tables: 1}},
			Participants: []Participant{{}, {}, {}},
			Candidates:   []Candidate{{A: 0, B: 1, Weight: 1}, {A: 0, B: 2, Weight: 1}, {A: 1, B: 2, Weight: 1}, {A: 0, B: 1, Weight: math.Inf(1)}},
		},
	}
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			for _, r := range []Result{Solve(p), Greedy(p), Exhaustive(p)} {
				if err := Check(p, r); err != nil {
					t.Fatal(err)
				}
				if ub := UpperBound(p); ub < r.Objective-1e-9 {
					t.Fatalf("UpperBound %g below %g", ub, r.Objective)
				}
			}
		})
	}
}

// TestSolveNearTheOptimumOnLargerEvents uses events of 30 candidates, more
// than the exact neighbourhood search covers, so there Solve is a heuristic:
// it must never beat Exhaustive (that would be a broken constraint) and on
// average it stays within 1 % of it. SCHEDULE_LONG=1 runs 200 events
// instead of 12 (measured: optimal on 98, mean gap 0.1 %, worst 16.5 %: one
// event where a request fits only if about ten meetings move at once).
func TestSolveNearTheOptimumOnLargerEvents(t *testing.T) {
	n := int64(12)
	if os.Getenv("SCHEDULE_LONG") != "" {
		n = 200
	}
	equal, worst, sum := 0, 0.0, 0.0
	for seed := int64(0); seed < n; seed++ {
		p := Random(seed, 12, 2, 4, 2, 30)
		e, r := Exhaustive(p), Solve(p)
		if r.Objective > e.Objective+1e-6 {
			t.Fatalf("seed %d: Solve %g beats the optimum %g", seed, r.Objective, e.Objective)
		}
		if r.Objective >= e.Objective-1e-9 {
			equal++
		}
		if e.Objective > 0 {
			gap := 1 - r.Objective/e.Objective
			worst, sum = math.Max(worst, gap), sum+gap
		}
	}
	mean := sum / float64(n)
	t.Logf("optimal on %d/%d, mean gap %.3f%%, worst gap %.2f%%", equal, n, 100*mean, 100*worst)
	if mean > 0.01 {
		t.Errorf("mean gap %.3f%%, want at most 1%%", 100*mean)
	}
}

// FuzzSolve builds events from a seed and small sizes, pins some meetings
// (and one collision), and checks that Solve and Greedy keep every
// constraint and stay under UpperBound.
func FuzzSolve(f *testing.F) {
	f.Add(int64(1), uint8(10), uint8(2), uint8(3), uint8(2), uint8(20))
	f.Add(int64(7), uint8(2), uint8(0), uint8(0), uint8(0), uint8(5))
	f.Add(int64(3), uint8(30), uint8(4), uint8(5), uint8(1), uint8(120))
	f.Fuzz(func(t *testing.T, seed int64, participants, sessions, slots, tables, candidates uint8) {
		p := Random(seed, int(participants%40), int(sessions%5), int(slots%6), int(tables%4), int(candidates))
		p, _ = pinSome(p, Greedy(p))
		ub := UpperBound(p)
		for _, r := range []Result{Solve(p), Greedy(p)} {
			if err := Check(p, r); err != nil {
				t.Fatal(err)
			}
			if r.Objective > ub+1e-6 {
				t.Fatalf("objective %g above UpperBound %g", r.Objective, ub)
			}
		}
	})
}

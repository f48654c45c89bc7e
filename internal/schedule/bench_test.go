package schedule

import (
	"fmt"
	"math"
	"syscall"
	"testing"
	"time"
)

// BenchmarkSchedule times Solve, its first phase alone (ByWeight: the
// weight-ordered greedy) and the first-come Greedy on the same events and
// reports each one's objective as a share of UpperBound.
// 1,000 participants: 4 sessions of 16 slots, 100 tables, 20,000
// candidates (the target); 10,000 participants: the same agenda with 1,000
// tables and 200,000 candidates; 1000-flat: the first event with all
// candidates in one tier.
func BenchmarkSchedule(b *testing.B) {
	for _, size := range []struct {
		participants, tables, candidates int
		flat                             bool
	}{
		{1000, 100, 20000, false},
		{10000, 1000, 200000, false},
		{1000, 100, 20000, true},
	} {
		p := Random(1, size.participants, 4, 16, size.tables, size.candidates)
		name := fmt.Sprint(size.participants)
		if size.flat {
			p, name = flatten(p), name+"-flat"
		}
		ub := UpperBound(p)
		for _, solver := range []struct {
			name string
			f    func(Problem) Result
		}{
			{"Solve", Solve},
			{"ByWeight", func(p Problem) Result { return solve(p, options{greedyOnly: true}) }},
			{"Greedy", Greedy},
		} {
			b.Run(name+"/"+solver.name, func(b *testing.B) {
				var r Result
				cpu := cpuTime()
				for b.Loop() {
					r = solver.f(p)
				}
				b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
				b.ReportMetric(r.Objective/ub, "of-bound")
				b.ReportMetric(float64(len(r.Assignments)), "meetings")
				b.ReportMetric(tierShare(p, r, WeightMutual), "mutual-placed")
				b.ReportMetric(tierShare(p, r, WeightAccepted), "accepted-placed")
			})
		}
		b.Run(name+"/UpperBound", func(b *testing.B) {
			for b.Loop() {
				UpperBound(p)
			}
		})
	}
}

// flatten puts every candidate in one tier, its weight a score in (0, 1]:
// without tiers the objective no longer hides how well the lower tiers are
// served.
func flatten(p Problem) Problem {
	q := p
	q.Candidates = append([]Candidate(nil), p.Candidates...)
	for i := range q.Candidates {
		q.Candidates[i].Weight = math.Mod(q.Candidates[i].Weight, 1) + 0.001
	}
	return q
}

// tierShare is the share of the candidates of one weight tier (weights in
// [w, 100·w)) that r places.
func tierShare(p Problem, r Result, w float64) float64 {
	placed, all := 0, 0
	in := make([]bool, len(p.Candidates))
	for _, a := range r.Assignments {
		in[a.Candidate] = true
	}
	for i, c := range p.Candidates {
		if c.Weight >= w && c.Weight < 100*w {
			all++
			if in[i] {
				placed++
			}
		}
	}
	if all == 0 {
		return 0
	}
	return float64(placed) / float64(all)
}

// cpuTime is the process's user and system CPU time: the machine is shared,
// so wall time alone says little.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

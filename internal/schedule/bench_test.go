package schedule

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// BenchmarkSchedule times Solve, its first phase alone (ByWeight: the
// weight-ordered greedy) and the first-come Greedy on the same events and
// reports each one's objective as a share of UpperBound.
// 1,000 participants: 4 sessions of 16 slots, 100 tables, 20,000
// candidates (the target); 10,000 participants: the same agenda with 1,000
// tables and 200,000 candidates.
func BenchmarkSchedule(b *testing.B) {
	for _, size := range []struct{ participants, tables, candidates int }{
		{1000, 100, 20000},
		{10000, 1000, 200000},
	} {
		p := Random(1, size.participants, 4, 16, size.tables, size.candidates)
		ub := UpperBound(p)
		for _, solver := range []struct {
			name string
			f    func(Problem) Result
		}{
			{"Solve", Solve},
			{"ByWeight", func(p Problem) Result { return solve(p, options{greedyOnly: true}) }},
			{"Greedy", Greedy},
		} {
			b.Run(fmt.Sprintf("%d/%s", size.participants, solver.name), func(b *testing.B) {
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
		b.Run(fmt.Sprintf("%d/UpperBound", size.participants), func(b *testing.B) {
			for b.Loop() {
				UpperBound(p)
			}
		})
	}
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

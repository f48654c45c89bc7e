package schedule

import (
	"fmt"
	"math/rand"
)

// Weights of the three tiers Random uses; a suggestion weighs its score in
// (0, 1].
const (
	WeightMutual   = 10000
	WeightAccepted = 100
)

// Random builds a realistic, deterministic Problem for tests and
// benchmarks. Sessions run in pairs in parallel (two sector rooms), the
// second room with longer slots, so slots of the two rooms partly overlap.
// About half the delegations are Chinese (zh, often en), the others from
// ASEAN (th, vi, id or ms, often en); institutions send one to three
// delegations; slots have a few interpreter seats per language; a third of
// the delegations miss a block of slots; most cap their meetings. Requests go
// mostly across the China–ASEAN line towards popular delegations: 5 %
// mutual, 15 % one-sided accepted, the rest engine suggestions weighted by
// score and usually restricted to the slots of one session (the sector).
func Random(seed int64, participants, sessions, slotsPerSession, tables, candidates int) Problem {
	rng := rand.New(rand.NewSource(seed))
	var p Problem
	var sessionSlots [][]int
	for se := 0; se < sessions; se++ {
		day := int64(se / 2)
		length, gap := int64(20), int64(5)
		if se%2 == 1 {
			length, gap = 30, 0
		}
		var idx []int
		for k := 0; k < slotsPerSession; k++ {
			start := day*24*60 + 9*60 + int64(k)*(length+gap)
			in := map[string]int{}
			for _, l := range []string{"zh", "en", "th", "vi", "id", "ms"} {
				if n := rng.Intn(4); n > 0 {
					in[l] = n
				}
			}
			idx = append(idx, len(p.Slots))
			p.Slots = append(p.Slots, Slot{Start: start, End: start + length, Tables: tables, Interpreters: in, Session: se})
		}
		sessionSlots = append(sessionSlots, idx)
	}
	asean := []string{"th", "vi", "id", "ms"}
	china := make([]bool, participants)
	inst := 0
	for i := 0; i < participants; i++ {
		if i == 0 || rng.Intn(3) == 0 {
			inst++
		}
		china[i] = rng.Intn(2) == 0
		var langs []string
		if china[i] {
			langs = []string{"zh"}
		} else {
			langs = []string{asean[rng.Intn(len(asean))]}
		}
		if rng.Intn(5) < 3 {
			langs = append(langs, "en")
		}
		pa := Participant{Institution: fmt.Sprintf("inst-%d", inst), Languages: langs}
		if rng.Intn(3) == 0 && len(p.Slots) > 0 {
			from := rng.Intn(len(p.Slots))
			for k := from; k < len(p.Slots) && k < from+1+rng.Intn(8); k++ {
				pa.Unavailable = append(pa.Unavailable, k)
			}
		}
		if rng.Intn(5) > 0 {
			pa.MaxMeetings = 4 + rng.Intn(9)
		}
		p.Participants = append(p.Participants, pa)
	}
	if participants < 2 {
		return p
	}
	seen := map[[2]int]bool{}
	// Popular delegations draw more requests: the index is skewed towards 0.
	pick := func() int {
		u := rng.Float64()
		return int(u * u * float64(participants))
	}
	for tries := 0; len(p.Candidates) < candidates && tries < 20*candidates; tries++ {
		a := rng.Intn(participants)
		b := pick()
		if a == b || (china[a] == china[b] && rng.Intn(5) > 0) {
			continue
		}
		key := [2]int{min(a, b), max(a, b)}
		if seen[key] {
			continue
		}
		seen[key] = true
		c := Candidate{A: a, B: b}
		switch r := rng.Intn(100); {
		case r < 5:
			c.Weight = WeightMutual + float64(rng.Intn(100))/100
		case r < 20:
			c.Weight = WeightAccepted + float64(rng.Intn(100))/100
		default:
			c.Weight = float64(1+rng.Intn(1000)) / 1000
			if rng.Intn(10) < 7 && sessions > 0 {
				c.Slots = append([]int(nil), sessionSlots[rng.Intn(sessions)]...)
			}
		}
		p.Candidates = append(p.Candidates, c)
	}
	return p
}

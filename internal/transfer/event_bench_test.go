package transfer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/schedule"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// The scheduling size: 1,000 delegations, 4 sessions of 16 slots,
// 100 tables, 20,000 candidate pairs (here all accepted one-sided requests).
const (
	benchParticipants = 1000
	benchSessions     = 4
	benchSlots        = 16
	benchTables       = 100
	benchPairs        = 20000
)

// BenchmarkScheduleEvent measures a whole schedule run (POST
// /events/{id}/schedule without HTTP): reading the event, delegations and
// requests, building the problem, Solve, and writing every meeting with its
// bookings, audit entries and webhook events in one transaction. Solve
// alone on a problem of the same shape is the baseline of the same run.
func BenchmarkScheduleEvent(b *testing.B) {
	for _, dialect := range dbtest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				svc, eventID := benchEvent(b, dbtest.New(b, dialect))
				b.StartTimer()
				res, err := svc.Schedule(context.Background(), benchStaff, eventID, transfer.ScheduleOptions{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Created), "meetings")
			}
		})
	}
	b.Run("solve-only", func(b *testing.B) {
		p := benchProblem()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			r := schedule.Solve(p)
			b.ReportMetric(float64(len(r.Assignments)), "meetings")
		}
	})
}

var benchStaff = transfer.Actor{ID: "bench", Kind: transfer.ActorUser, Role: transfer.RoleStaff}

// benchPairs draws the same pairs every time (seed 1), never a delegation with itself.
func benchPairList() [][2]int {
	r := rand.New(rand.NewPCG(1, 1))
	seen := map[[2]int]bool{}
	var out [][2]int
	for len(out) < benchPairs {
		a, c := r.IntN(benchParticipants), r.IntN(benchParticipants)
		if a == c || seen[[2]int{a, c}] || seen[[2]int{c, a}] {
			continue
		}
		seen[[2]int{a, c}] = true
		out = append(out, [2]int{a, c})
	}
	return out
}

func benchSessionsOf(start time.Time) []transfer.Session {
	var ss []transfer.Session
	for i := 0; i < benchSessions; i++ {
		st := start.Add(time.Duration(i) * 8 * time.Hour)
		ss = append(ss, transfer.Session{ID: uuid.NewString(), Sector: "new_energy", StartsAt: st,
			EndsAt: st.Add(time.Duration(benchSlots*25) * time.Minute), SlotMinutes: 20, BreakMinutes: 5, Tables: benchTables})
	}
	return ss
}

// benchEvent writes an open event with the delegations and accepted requests
// straight through the store (one transaction), and returns a service on it.
func benchEvent(b *testing.B, s *store.Store) (*transfer.Service, string) {
	b.Helper()
	ctx := context.Background()
	svc, err := transfer.NewService(s, auth.FastArgon2, nil, transfer.Config{})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	start := time.Date(2027, 9, 18, 0, 0, 0, 0, time.UTC)
	e := transfer.Event{ID: uuid.NewString(), Name: "bench", TimeZone: "Asia/Shanghai", StartsOn: "2027-09-18", EndsOn: "2027-09-20",
		Status: transfer.EventOpen, Sessions: benchSessionsOf(start), CreatedBy: "bench", Version: 1, CreatedAt: now, UpdatedAt: now}
	regs := make([]string, benchParticipants)
	err = s.Tx(ctx, func(st transfer.Store) error {
		if err := st.CreateEvent(ctx, e); err != nil {
			return err
		}
		for i := range regs {
			in := transfer.Institution{ID: uuid.NewString(), Name: fmt.Sprintf("Institution %d", i), Country: "VN", Type: "enterprise",
				Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := st.CreateInstitution(ctx, in); err != nil {
				return err
			}
			regs[i] = uuid.NewString()
			if err := st.CreateRegistration(ctx, transfer.Registration{ID: regs[i], EventID: e.ID, InstitutionID: in.ID,
				Delegates: []transfer.Delegate{{Name: "D", Languages: []string{"en"}}}, MaxMeetings: 30,
				Status: transfer.RegistrationActive, CreatedBy: "bench", Version: 1, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		for _, p := range benchPairList() {
			if err := st.CreateMeetingRequest(ctx, transfer.MeetingRequest{ID: uuid.NewString(), EventID: e.ID,
				FromRegistrationID: regs[p[0]], ToRegistrationID: regs[p[1]], Status: transfer.RequestAccepted, CreatedBy: "bench",
				Version: 2, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return svc, e.ID
}

// benchProblem is the Problem the run above builds, without storage.
func benchProblem() schedule.Problem {
	var p schedule.Problem
	start := time.Date(2027, 9, 18, 0, 0, 0, 0, time.UTC)
	for si, s := range benchSessionsOf(start) {
		for _, sl := range s.Slots() {
			p.Slots = append(p.Slots, schedule.Slot{Start: sl.Start.Unix() / 60, End: sl.End.Unix() / 60, Tables: benchTables,
				Interpreters: map[string]int{}, Session: si})
		}
	}
	for i := 0; i < benchParticipants; i++ {
		p.Participants = append(p.Participants, schedule.Participant{Institution: fmt.Sprint(i), Languages: []string{"en"}, MaxMeetings: 30})
	}
	for _, pr := range benchPairList() {
		p.Candidates = append(p.Candidates, schedule.Candidate{A: pr[0], B: pr[1], Weight: 1e3})
	}
	return p
}

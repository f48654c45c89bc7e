package transfer

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestGateAdmitsAFewAtATime(t *testing.T) {
	g := newGate(2, 50*time.Millisecond, "busy")
	var leaves []func()
	for range 2 {
		leave, err := g.enter(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, leave)
	}
	start := time.Now()
	_, err := g.enter(context.Background())
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrUnavailable) || e.RetryAfter <= 0 || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("third caller: %v after %v", err, time.Since(start))
	}
	// A caller that waits gets the slot someone leaves.
	var wg sync.WaitGroup
	wg.Go(func() {
		leave, err := g.enter(context.Background())
		if err != nil {
			t.Error(err)
			return
		}
		leave()
	})
	time.Sleep(10 * time.Millisecond)
	leaves[0]()
	wg.Wait()
	// A caller that goes away stops waiting.
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	leaves[1]()
	leave, _ := g.enter(context.Background())
	leave2, _ := g.enter(context.Background())
	if _, err := g.enter(gone); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v", err)
	}
	leave()
	leave2()
}

// Statistics queries pass the gate before they touch the store (nil here:
// reaching it would panic).
func TestStatisticsWaitForTheirGate(t *testing.T) {
	s := &Service{statsGate: newGate(1, 20*time.Millisecond, "busy"), statsTimeout: time.Second}
	leave, err := s.statsGate.enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer leave()
	staff := Actor{ID: "s", Kind: ActorUser, Role: RoleStaff}
	if _, err := s.AgreementStats(context.Background(), staff, StatsQuery{GroupBy: []string{"sector"}}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("a second statistics query while one runs: %v", err)
	}
}

package transfer

import (
	"context"
	"time"
)

// gate admits a few callers at a time to expensive work (password hashes,
// statistics queries). A caller that cannot enter within wait is turned away
// with ErrUnavailable and a Retry-After, so that a flood costs a bounded
// amount of memory and CPU and queues for a bounded time.
type gate struct {
	slots   chan struct{}
	wait    time.Duration
	message string
}

func newGate(n int, wait time.Duration, message string) *gate {
	return &gate{slots: make(chan struct{}, max(n, 1)), wait: wait, message: message}
}

// enter returns the function that leaves, or the error for a caller turned away.
func (g *gate) enter(ctx context.Context) (func(), error) {
	leave := func() { <-g.slots }
	select {
	case g.slots <- struct{}{}:
		return leave, nil
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return leave, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, &Error{Kind: ErrUnavailable, Message: g.message, RetryAfter: time.Second}
	}
}

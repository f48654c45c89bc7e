package transfer

import (
	"sync"
	"time"
)

// throttle counts failed logins per account and per client IP in a sliding
// window. It lives in the process: with several API processes each keeps its
// own count, which still bounds guessing to a small multiple of the limit.
type throttle struct {
	mu           sync.Mutex
	failures     map[string][]time.Time
	accountLimit int
	ipLimit      int
	window       time.Duration
	lastSweep    time.Time
}

func newThrottle(accountLimit, ipLimit int, window time.Duration) *throttle {
	return &throttle{failures: make(map[string][]time.Time), accountLimit: accountLimit, ipLimit: ipLimit, window: window}
}

// check returns how long the caller must wait, or zero when a login may be tried.
func (t *throttle) check(account, ip string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweep(now)
	wait := t.blocked("a:"+account, t.accountLimit, now)
	if ip != "" {
		wait = max(wait, t.blocked("i:"+ip, t.ipLimit, now))
	}
	return wait
}

func (t *throttle) blocked(key string, limit int, now time.Time) time.Duration {
	fs := t.recent(key, now)
	if len(fs) < limit {
		return 0
	}
	// The oldest failure that keeps the count at the limit must age out.
	return fs[len(fs)-limit].Add(t.window).Sub(now)
}

func (t *throttle) recent(key string, now time.Time) []time.Time {
	fs := t.failures[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= t.window {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(t.failures, key)
	} else {
		t.failures[key] = fs
	}
	return fs
}

// fail records a failed attempt.
func (t *throttle) fail(account, ip string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failures["a:"+account] = append(t.recent("a:"+account, now), now)
	if ip != "" {
		t.failures["i:"+ip] = append(t.recent("i:"+ip, now), now)
	}
}

// succeed forgets an account's failures; the IP's stay, so that one good
// account cannot be used to reset guessing against others.
func (t *throttle) succeed(account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, "a:"+account)
}

// sweep drops expired entries now and then so the map cannot grow without bound.
func (t *throttle) sweep(now time.Time) {
	if now.Sub(t.lastSweep) < t.window {
		return
	}
	t.lastSweep = now
	for k := range t.failures {
		t.recent(k, now)
	}
}

package auth

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

// A cached token gives the same actor as a verified one, stops working
// exactly where the parser would stop it (exp plus leeway), and a token that
// differs from a cached one by a byte is verified afresh.
func TestVerifiedTokenCache(t *testing.T) {
	clock := now
	tk, err := NewTokens(secret, 15*time.Minute, func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	s, _, _ := tk.IssueAccessToken(staff)
	first, err := tk.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tk.cache.get(s, clock); !ok {
		t.Fatal("a verified token is not cached")
	}
	if again, err := tk.Parse(s); err != nil || again != first {
		t.Fatalf("cached parse = %+v, %v; want %+v", again, err, first)
	}
	// A changed signature byte, or a changed payload, is not the cached token.
	for _, at := range []int{strings.IndexByte(s, '.') + 5, strings.LastIndexByte(s, '.') + 5} {
		b := []byte(s)
		if b[at] == 'A' {
			b[at] = 'B'
		} else {
			b[at] = 'A'
		}
		if _, err := tk.Parse(string(b)); err == nil {
			t.Fatalf("a token differing from a cached one at byte %d was accepted", at)
		}
	}
	clock = now.Add(15*time.Minute + leeway - time.Second)
	if _, err := tk.Parse(s); err != nil {
		t.Fatalf("inside the leeway: %v", err)
	}
	clock = now.Add(15*time.Minute + leeway)
	if _, err := tk.Parse(s); err == nil {
		t.Fatal("an expired token was accepted from the cache")
	}
}

// The cache stays bounded: past its size it drops expired entries, then
// everything, and still answers correctly.
func TestVerifiedTokenCacheBounded(t *testing.T) {
	var c verifiedCache
	a := transfer.Actor{ID: "x", Kind: transfer.ActorUser, Role: transfer.RoleStaff}
	for i := range verifiedCacheSize + 10 {
		c.put(fmt.Sprint(i), a, now.Add(time.Minute), now)
	}
	if len(c.m) > verifiedCacheSize {
		t.Fatalf("%d entries, bound %d", len(c.m), verifiedCacheSize)
	}
	if _, ok := c.get(fmt.Sprint(verifiedCacheSize+9), now); !ok {
		t.Fatal("the newest entry is missing")
	}
	// An entry put with a past expiry is never returned.
	c.put("old", a, now, now)
	if _, ok := c.get("old", now); ok {
		t.Fatal("an expired entry was returned")
	}
}

package auth

import (
	"sync"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

// verifiedCacheSize bounds the verified-token cache: a few hundred bytes
// per entry, so at most a few MB.
const verifiedCacheSize = 8192

// verifiedCache remembers tokens whose signature and claims were verified,
// by their exact bytes, until they expire: a client sends the same token
// on every request, and verifying it again (base64, JSON, HMAC) was a tenth
// of a simple read. Only the token's own checks are skipped; revocation is
// checked by the caller on every request, cached or not.
type verifiedCache struct {
	mu sync.RWMutex
	m  map[string]verifiedToken
}

type verifiedToken struct {
	actor   transfer.Actor
	expires time.Time // the parser's limit: exp plus the leeway
}

// get returns the actor of a token verified before and still unexpired at now.
func (c *verifiedCache) get(token string, now time.Time) (transfer.Actor, bool) {
	c.mu.RLock()
	v, ok := c.m[token]
	c.mu.RUnlock()
	if !ok || !now.Before(v.expires) {
		return transfer.Actor{}, false
	}
	return v.actor, true
}

// put remembers a verified token; when full, expired entries go first,
// and everything if none has expired.
func (c *verifiedCache) put(token string, a transfer.Actor, expires, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]verifiedToken)
	}
	if len(c.m) >= verifiedCacheSize {
		for k, v := range c.m {
			if !now.Before(v.expires) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= verifiedCacheSize {
			clear(c.m)
		}
	}
	c.m[token] = verifiedToken{actor: a, expires: expires}
}

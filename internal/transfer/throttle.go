package transfer

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"
)

// ThrottleStore counts authentication attempts in the database, so that
// every API process shares one count and a burst cannot slip between a read
// and a write.
type ThrottleStore interface {
	// CountAttempt adds one attempt under key and returns the count of the
	// current window, this attempt included, and when the window began.
	CountAttempt(ctx context.Context, key, account string, now time.Time, window time.Duration) (int, time.Time, error)
	// ReturnAttempt takes one attempt back.
	ReturnAttempt(ctx context.Context, key string) error
	ForgetAttempts(ctx context.Context, key string) error
	// ClearAccountAttempts drops every count of an account (an admin's unlock).
	ClearAccountAttempts(ctx context.Context, account string) (int64, error)
	PurgeAttempts(ctx context.Context, before time.Time) (int64, error)
}

// throttle says how many attempts a window allows. Attempts are counted
// before any secret is checked, so simultaneous guesses cannot all pass
// the check; a success gives its attempts back.
//
// Keys are per account and address pair, plus per address over all
// accounts: an attacker elsewhere cannot lock the real owner out, and one
// address cannot spray guesses over many accounts. There is deliberately no
// per-account key across addresses, which would hand every attacker a
// lock-out button; guessing from many addresses is bounded per address.
type throttle struct {
	pairLimit int
	ipLimit   int
	window    time.Duration
}

type attemptKey struct {
	key, account string
	limit        int
}

// maxAccountLen bounds what a key holds of an account name: no email or
// client id is longer, and a megabyte of "email" must not become a row.
const maxAccountLen = 320

// keys are the keys a request for account from ip counts under: the
// address first, so that an address over its limit adds no rows.
func (t throttle) keys(kind, account, ip string) []attemptKey {
	if len(account) > maxAccountLen {
		n := maxAccountLen
		for n > 0 && !utf8.RuneStart(account[n]) { // never split a character: keys are text
			n--
		}
		account = account[:n]
	}
	var keys []attemptKey
	if ip != "" {
		keys = append(keys, attemptKey{key: "ip:" + ip, limit: t.ipLimit})
	}
	return append(keys, attemptKey{key: kind + ":" + account + "|" + ip, account: account, limit: t.pairLimit})
}

// countAttempt counts one attempt under each key in turn and refuses it at
// the first key over its limit, saying how long to wait.
func (s *Service) countAttempt(ctx context.Context, keys []attemptKey) error {
	now := s.now()
	for _, k := range keys {
		n, start, err := s.db(ctx).CountAttempt(ctx, k.key, k.account, now, s.throttle.window)
		if err != nil {
			return fmt.Errorf("count attempt: %w", err)
		}
		if n > k.limit {
			wait := max(start.Add(s.throttle.window).Sub(now), time.Second)
			return &Error{Kind: ErrRateLimited, Message: "too many attempts; try again later", RetryAfter: wait}
		}
	}
	return nil
}

// attemptSucceeded forgets the pair's attempts and gives the address its
// attempt back: the owner's successes never count against it, and guesses
// stay counted.
func (s *Service) attemptSucceeded(ctx context.Context, keys []attemptKey) error {
	for _, k := range keys {
		var err error
		if k.account != "" {
			err = s.db(ctx).ForgetAttempts(ctx, k.key)
		} else {
			err = s.db(ctx).ReturnAttempt(ctx, k.key)
		}
		if err != nil {
			return fmt.Errorf("forget attempts: %w", err)
		}
	}
	return nil
}

// PurgeAttempts drops attempt windows that have ended.
func (s *Service) PurgeAttempts(ctx context.Context) (int, error) {
	n, err := s.db(ctx).PurgeAttempts(ctx, s.now().Add(-s.throttle.window))
	return int(n), err
}

// UnlockUser clears every failed-login count of a user (admins only), so
// that an account locked by someone else's guesses can log in at once.
func (s *Service) UnlockUser(ctx context.Context, a Actor, id string) error {
	a, err := s.freshActor(ctx, a)
	if err != nil {
		return err
	}
	u, err := s.User(ctx, a, id)
	if err != nil {
		return err
	}
	for _, account := range []string{u.Email, u.ID} {
		if _, err := s.db(ctx).ClearAccountAttempts(ctx, account); err != nil {
			return fmt.Errorf("unlock user %s: %w", id, err)
		}
	}
	return nil
}

// verifyPassword checks a password inside the hash gate.
func (s *Service) verifyPassword(ctx context.Context, hash, password string) (bool, error) {
	leave, err := s.hashGate.enter(ctx)
	if err != nil {
		return false, err
	}
	defer leave()
	ok, err := s.hasher.Verify(hash, password)
	if err != nil {
		return false, fmt.Errorf("verify password: %w", err)
	}
	return ok, nil
}

// hashPassword hashes a password inside the hash gate.
func (s *Service) hashPassword(ctx context.Context, password string) (string, error) {
	leave, err := s.hashGate.enter(ctx)
	if err != nil {
		return "", err
	}
	defer leave()
	return s.hasher.Hash(password)
}

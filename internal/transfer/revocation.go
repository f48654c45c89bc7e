package transfer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// RevocationStore keeps token cutoffs: an access token issued to a principal
// before its cutoff is refused.
type RevocationStore interface {
	SetTokenCutoff(ctx context.Context, principalID string, at time.Time) error
	// TokenCutoffsAfter returns the cutoffs later than since, by principal.
	TokenCutoffsAfter(ctx context.Context, since time.Time) (map[string]time.Time, error)
	// TokenCutoff returns a principal's cutoff, the zero time when it has none.
	TokenCutoff(ctx context.Context, principalID string) (time.Time, error)
}

// How fresh the in-memory cutoffs must be: a revocation made on any process
// is seen by every other within revocationMaxAge plus one reload.
const (
	revocationMaxAge = time.Second
	// A reload that fails keeps the old table this long before tokens are
	// refused with 503: a revocation must not be missed for longer.
	revocationGrace = 2 * time.Second
)

// revocations is each process's copy of the recent token cutoffs, so that
// the auth path needs no query per request. Only cutoffs younger than the
// longest access token's life can matter, so the copy stays small.
type revocations struct {
	mu       sync.RWMutex
	cutoffs  map[string]time.Time
	loadedAt time.Time // process clock (monotonic) of the last good reload

	reload sync.Mutex // one reload at a time
}

func (r *revocations) cutoff(id string) (time.Time, time.Time) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.cutoffs[id], r.loadedAt
}

// RefreshRevocations reloads the token cutoffs from the database. Every API
// process runs it every half second; the auth path also runs it itself when
// the copy has grown older than a second.
func (s *Service) RefreshRevocations(ctx context.Context) (int, error) {
	return s.reloadRevocations(ctx, 0)
}

// reloadRevocations reloads unless another caller did within maxAge while
// this one waited its turn.
func (s *Service) reloadRevocations(ctx context.Context, maxAge time.Duration) (int, error) {
	r := &s.revoked
	r.reload.Lock()
	defer r.reload.Unlock()
	if _, loadedAt := r.cutoff(""); maxAge > 0 && time.Since(loadedAt) <= maxAge {
		return 0, nil
	}
	started := time.Now()
	// Its own short deadline: callers queue behind this reload, and a hung
	// database must not hold them longer than the grace period.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(outside(ctx)), revocationGrace/2)
	defer cancel()
	fresh, err := s.store.TokenCutoffsAfter(ctx, s.now().Add(-s.tokenTTL-2*time.Minute))
	if err != nil {
		return 0, fmt.Errorf("reload token cutoffs: %w", err)
	}
	r.mu.Lock()
	r.cutoffs, r.loadedAt = fresh, started
	r.mu.Unlock()
	return len(fresh), nil
}

var errRevokedToken = Errorf(ErrUnauthenticated, "the access token is invalid or expired")

// CheckToken refuses an access token issued before its principal's cutoff:
// the user was disabled, demoted, moved or changed its password, or the
// machine client was revoked, after the token was made.
func (s *Service) CheckToken(ctx context.Context, a Actor) error {
	at, loadedAt := s.revoked.cutoff(a.ID)
	if time.Since(loadedAt) > revocationMaxAge {
		if _, err := s.reloadRevocations(ctx, revocationMaxAge); err != nil {
			if time.Since(loadedAt) > revocationGrace {
				return &Error{Kind: ErrUnavailable, Message: "token revocations cannot be checked", RetryAfter: time.Second}
			}
		}
		at, _ = s.revoked.cutoff(a.ID)
	}
	if !at.IsZero() && a.IssuedAt.Before(at) {
		return errRevokedToken
	}
	return nil
}

// revokeTokens refuses the principal's access tokens issued before at: at
// once for the calls that re-read the actor, within a second elsewhere.
func (s *Service) revokeTokens(ctx context.Context, st Store, principalID string, at time.Time) error {
	if err := st.SetTokenCutoff(ctx, principalID, at); err != nil {
		return fmt.Errorf("revoke access tokens of %s: %w", principalID, err)
	}
	return nil
}

// freshActor re-reads the actor from the database for calls that change
// who may do what (users, clients, webhooks): the role, binding and standing
// in the token may be up to a second old everywhere else, never here.
func (s *Service) freshActor(ctx context.Context, a Actor) (Actor, error) {
	if !a.Authenticated() {
		return Actor{}, ErrUnauthenticated
	}
	gone := Errorf(ErrUnauthenticated, "the access token no longer stands for an active account")
	if !ValidID(a.ID) {
		return Actor{}, gone // no account has such an id, and Postgres would refuse to compare it
	}
	var fresh Actor
	if a.Kind == ActorClient {
		c, err := s.db(ctx).ClientByID(ctx, a.ID)
		if errors.Is(err, ErrNotFound) || (err == nil && c.RevokedAt != nil) {
			return Actor{}, gone
		}
		if err != nil {
			return Actor{}, fmt.Errorf("read actor %s: %w", a.ID, err)
		}
		fresh = c.Actor()
	} else {
		u, err := s.db(ctx).UserByID(ctx, a.ID)
		if errors.Is(err, ErrNotFound) || (err == nil && u.Disabled) {
			return Actor{}, gone
		}
		if err != nil {
			return Actor{}, fmt.Errorf("read actor %s: %w", a.ID, err)
		}
		fresh = u.Actor()
	}
	cutoff, err := s.db(ctx).TokenCutoff(ctx, a.ID)
	if err != nil {
		return Actor{}, fmt.Errorf("read actor %s: %w", a.ID, err)
	}
	if !cutoff.IsZero() && a.IssuedAt.Before(cutoff) {
		return Actor{}, gone
	}
	fresh.IssuedAt = a.IssuedAt
	return fresh, nil
}

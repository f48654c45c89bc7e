package transfer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// IdempotencyRecord remembers the response to a POST sent with an
// Idempotency-Key, so that a retry gets the same response and creates nothing.
// Keys are scoped to the caller: two clients may use the same key.
type IdempotencyRecord struct {
	Scope       string
	Key         string
	Fingerprint string // hash of method, path and body: the same key with another request is refused
	Done        bool
	Response    StoredResponse
	CreatedAt   time.Time
}

// StoredResponse is what is replayed.
type StoredResponse struct {
	Status  int
	Headers map[string]string
	Body    []byte
}

// How long keys live, and how long a request may hold one before it counts as abandoned.
const (
	IdempotencyTTL     = 24 * time.Hour
	idempotencyLease   = 5 * time.Minute // longer than a request can run (the server's write timeout is 60 s)
	idempotencyWait    = 10 * time.Second
	idempotencyPollGap = 20 * time.Millisecond
)

// BeginIdempotent claims key for the actor. It returns nil, nil when the
// caller should run the request (and later call FinishIdempotent), a stored
// response when the request already ran, ErrInvalid when the key was used for
// another request, and ErrConflict when the first request is still running
// after a short wait. Concurrent retries therefore usually get the first
// response rather than an error.
func (s *Service) BeginIdempotent(ctx context.Context, a Actor, key, fingerprint string) (*StoredResponse, error) {
	if len(key) == 0 || len(key) > 255 {
		return nil, Problems{{Field: "Idempotency-Key", Message: "must be 1 to 255 characters"}}.Err()
	}
	for _, r := range key {
		if r < 0x21 || r > 0x7e {
			return nil, Problems{{Field: "Idempotency-Key", Message: "must be printable ASCII without spaces"}}.Err()
		}
	}
	scope := string(a.Kind) + ":" + a.ID
	deadline := time.Now().Add(idempotencyWait)
	for {
		now := s.now()
		rec := IdempotencyRecord{Scope: scope, Key: key, Fingerprint: fingerprint, CreatedAt: now}
		existing, claimed, err := s.store.ClaimIdempotencyKey(ctx, rec, now.Add(-IdempotencyTTL), now.Add(-idempotencyLease))
		if err != nil {
			return nil, fmt.Errorf("idempotency key: %w", err)
		}
		switch {
		case claimed:
			return nil, nil
		case existing.Fingerprint != fingerprint:
			return nil, Problems{{Field: "Idempotency-Key", Message: "was already used for a different request"}}.Err()
		case existing.Done:
			return &existing.Response, nil
		case time.Now().After(deadline):
			return nil, &Error{Kind: ErrConflict, Message: "a request with this Idempotency-Key is still being processed", RetryAfter: time.Second}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(idempotencyPollGap):
		}
	}
}

// FinishIdempotent stores the response for replay, or releases the key when
// the request failed on our side (5xx), so that a retry runs again.
func (s *Service) FinishIdempotent(ctx context.Context, a Actor, key string, resp StoredResponse) error {
	scope := string(a.Kind) + ":" + a.ID
	if resp.Status >= 500 {
		return s.store.ReleaseIdempotencyKey(ctx, scope, key)
	}
	return s.store.CompleteIdempotencyKey(ctx, scope, key, resp)
}

// PurgeIdempotencyKeys forgets keys older than IdempotencyTTL.
func (s *Service) PurgeIdempotencyKeys(ctx context.Context) (int64, error) {
	n, err := s.store.PurgeIdempotencyKeys(ctx, s.now().Add(-IdempotencyTTL))
	if err != nil && !errors.Is(err, context.Canceled) {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	return n, err
}

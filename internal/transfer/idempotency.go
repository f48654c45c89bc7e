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

// How long keys live, and how old an unfinished claim left by an older
// version of the service must be before it gives way.
const (
	IdempotencyTTL   = 24 * time.Hour
	idempotencyLease = 5 * time.Minute
)

// errFailed rolls a request back when it failed on our side (5xx).
var errFailed = errors.New("the request failed")

// Idempotent runs a request sent with an Idempotency-Key in one transaction
// with the key: the claim, every write the request makes (Service.write
// joins that transaction), and the response to replay commit together or
// not at all. So a retry after any failure either gets the committed
// answer or runs once: a response lost on the way, a process killed after
// its commit, or a commit that failed cannot leave a write without its
// answer, nor a key held after the request that held it.
//
// run produces the response without sending it; the caller sends it once
// Idempotent returns. replayed is true when resp is the stored answer of an
// earlier request (run did not run). A response of 500 or more is not kept:
// the request's writes roll back and a retry runs again. The same key with
// another fingerprint (method, path, body) is ErrInvalid; a first request
// still running when the retry has waited 10 s is ErrConflict. A refusal
// (4xx) is kept and replayed, and whatever the request wrote before it
// was refused is undone.
func (s *Service) Idempotent(ctx context.Context, a Actor, key, fingerprint string, run func(ctx context.Context) StoredResponse) (resp StoredResponse, replayed bool, err error) {
	if len(key) == 0 || len(key) > 255 {
		return resp, false, Problems{{Field: "Idempotency-Key", Message: "must be 1 to 255 characters"}}.Err()
	}
	for _, r := range key {
		if r < 0x21 || r > 0x7e {
			return resp, false, Problems{{Field: "Idempotency-Key", Message: "must be printable ASCII without spaces"}}.Err()
		}
	}
	scope := string(a.Kind) + ":" + a.ID
	amb := &ambient{}
	err = s.store.Tx(ctx, func(st Store) error {
		now := s.now()
		rec := IdempotencyRecord{Scope: scope, Key: key, Fingerprint: fingerprint, CreatedAt: now}
		existing, claimed, err := st.ClaimIdempotencyKey(ctx, rec, now.Add(-IdempotencyTTL), now.Add(-idempotencyLease))
		switch {
		case err != nil:
			return fmt.Errorf("idempotency key: %w", err)
		case !claimed && existing.Fingerprint != fingerprint:
			return Problems{{Field: "Idempotency-Key", Message: "was already used for a different request"}}.Err()
		case !claimed && existing.Done:
			resp, replayed = existing.Response, true
			return nil
		case !claimed:
			return &Error{Kind: ErrConflict, Message: "a request with this Idempotency-Key is still being processed", RetryAfter: time.Second}
		}
		// The request runs in a savepoint, so that a refusal (4xx) undoes
		// whatever it wrote, and a statement that failed in it (which dooms a
		// Postgres transaction) does not keep its answer from being stored.
		err = st.Tx(ctx, func(inner Store) error {
			amb.st = inner
			resp = run(context.WithValue(ctx, ambientKey{}, amb))
			if resp.Status >= 400 {
				return errFailed
			}
			return nil
		})
		switch {
		case errors.Is(err, errFailed) && resp.Status >= 500:
			return errFailed
		case errors.Is(err, errFailed):
			amb.after = nil // what the request did was undone
		case err != nil:
			return err
		}
		return st.CompleteIdempotencyKey(ctx, scope, key, resp)
	})
	if errors.Is(err, errFailed) {
		return resp, false, nil // answered as it is, kept nowhere
	}
	if err != nil {
		return StoredResponse{}, false, err
	}
	for _, f := range amb.after {
		f()
	}
	return resp, replayed, nil
}

// PurgeIdempotencyKeys forgets keys older than IdempotencyTTL.
func (s *Service) PurgeIdempotencyKeys(ctx context.Context) (int64, error) {
	n, err := s.db(ctx).PurgeIdempotencyKeys(ctx, s.now().Add(-IdempotencyTTL))
	if err != nil && !errors.Is(err, context.Canceled) {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	return n, err
}

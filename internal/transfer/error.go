package transfer

import (
	"errors"
	"fmt"
	"time"
)

// Error kinds. Every error a use case returns wraps exactly one of them, so the
// HTTP layer can choose a status in one place with errors.Is.
var (
	ErrInvalid              = errors.New("invalid input")           // 422: a well-formed request that breaks a rule
	ErrBadRequest           = errors.New("bad request")             // 400: a request that cannot be read at all
	ErrUnauthenticated      = errors.New("unauthenticated")         // 401
	ErrForbidden            = errors.New("forbidden")               // 403
	ErrNotFound             = errors.New("not found")               // 404
	ErrConflict             = errors.New("conflict")                // 409
	ErrPrecondition         = errors.New("precondition failed")     // 412: stale If-Match
	ErrPreconditionRequired = errors.New("precondition required")   // 428: If-Match missing where required
	ErrRateLimited          = errors.New("too many requests")       // 429
	ErrUnavailable          = errors.New("temporarily unavailable") // 503: the database or another dependency is down
)

// Error carries a kind plus what a client may be told: a message, the fields
// that failed validation and, for throttling and outages, when to retry.
type Error struct {
	Kind       error
	Message    string
	Fields     []FieldError
	RetryAfter time.Duration
	// lostRace marks a versioned write that found its row changed by a
	// concurrent writer since it was read (see LostRace).
	lostRace bool
}

// LostRace is the error of a versioned write whose row another writer
// changed since it was read: ErrPrecondition to a caller. The HTTP layer
// runs a request that meets it again from the start when the client sent no
// If-Match (httpapi.retryLostRace), so that nobody sees a 412 they did not
// ask for.
func LostRace(format string, args ...any) error {
	return &Error{Kind: ErrPrecondition, Message: fmt.Sprintf(format, args...), lostRace: true}
}

// IsLostRace reports whether err is (or wraps) a LostRace error.
func IsLostRace(err error) bool { return isLostRace(err) }

func isLostRace(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.lostRace
}

// FieldError names one bad field by its JSON name.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Kind.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Kind }

// Errorf builds an Error of the given kind whose message is safe to show to a client.
func Errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Problems collects validation failures so that one response can list them all.
type Problems []FieldError

// Add records a problem with field.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was added, otherwise an ErrInvalid carrying every problem.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Kind: ErrInvalid, Message: "the request has invalid fields", Fields: p}
}

package transfer

import (
	"context"
	"fmt"
	"reflect"
	"time"
)

// AuditEvent records one change to an object: who, when, what.
type AuditEvent struct {
	ID         string
	EntityType string // "offer", "demand", …
	EntityID   string
	ActorID    string // empty for the system (expiry)
	ActorKind  ActorKind
	ActorRole  Role
	Action     string // created, updated, submitted, published, rejected, withdrawn, expired, imported
	Changes    map[string]Change
	At         time.Time
}

// Change is a field's value before and after.
type Change struct {
	Old any `json:"old"`
	New any `json:"new"`
}

// diff compares two snapshots field by field; nil old means a creation.
func diff(before, after map[string]any) map[string]Change {
	out := map[string]Change{}
	for k, v := range after {
		var old any
		if before != nil {
			old = before[k]
		}
		if !reflect.DeepEqual(deref(old), deref(v)) {
			out[k] = Change{Old: deref(old), New: deref(v)}
		}
	}
	return out
}

// deref turns typed nil pointers into nil and pointers into their values, so
// that an unset price and a missing one compare equal and JSON shows values.
func deref(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		return rv.Elem().Interface()
	}
	if rv.Kind() == reflect.Slice && rv.Len() == 0 {
		return nil
	}
	if rv.IsValid() && rv.IsZero() && rv.Kind() != reflect.Bool && rv.Kind() != reflect.Int {
		return nil
	}
	return v
}

func (s *Service) auditEvent(a Actor, entityType, id, action string, before, after map[string]any, at time.Time) AuditEvent {
	return AuditEvent{ID: newID(), EntityType: entityType, EntityID: id, ActorID: a.ID, ActorKind: a.Kind,
		ActorRole: a.Role, Action: action, Changes: diff(before, after), At: at}
}

// ListingHistory returns the audit trail of a listing, oldest first (staff only).
func (s *Service) ListingHistory(ctx context.Context, a Actor, kind Kind, id string) ([]AuditEvent, error) {
	if _, err := s.Listing(ctx, a, kind, id); err != nil {
		return nil, err
	}
	if !a.IsStaff() {
		return nil, Errorf(ErrForbidden, "only staff may read the audit trail")
	}
	evs, err := s.db(ctx).History(ctx, string(kind), id)
	if err != nil {
		return nil, fmt.Errorf("history of %s %s: %w", kind, id, err)
	}
	return evs, nil
}

package transfer

import "context"

// FailingWrite runs a unit of work that changes l, records everything a
// publication implies (audit entry, events, re-indexing) and then fails
// with err: what a rollback must leave untouched.
func (s *Service) FailingWrite(ctx context.Context, a Actor, l Listing, err error) error {
	return s.write(ctx, a, func(u *unit) error {
		before := l.Status
		l.Status, l.Version = StatusPublished, l.Version+1
		l.PublishedAt = &u.now
		if e := u.UpdateListing(ctx, l); e != nil {
			return e
		}
		u.record(string(l.Kind), l.ID, "published", map[string]any{"status": before}, map[string]any{"status": l.Status})
		u.listingMoved(l, before)
		return err
	})
}

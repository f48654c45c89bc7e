package transfer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/techbridge/techbridge/internal/match"
)

// Notification types.
const (
	NoteAlertMatched      = "alert.matched"
	NoteListingPublished  = "listing.published"
	NoteListingRejected   = "listing.rejected"
	NoteListingSubmitted  = "listing.submitted"
	NoteMatchIntroduced   = "match.introduced"
	NoteInterestExpressed = "match.interest"
	NoteAgreementRecorded = "agreement.recorded"
	NoteMeetingScheduled  = "meeting.scheduled"
	NoteMeetingChanged    = "meeting.changed"
	NoteMeetingCancelled  = "meeting.cancelled"
)

// Notification is one message to one person or machine client, in the app
// and, for people who want it, by e-mail.
type Notification struct {
	ID            string
	RecipientID   string
	InstitutionID string // the recipient's, for partners
	Type          string
	Title         string
	Body          string
	Data          map[string]any
	// Key makes a notification happen once: a second one with the same key
	// is not written (alerts use "alert:<search>:<listing>").
	Key       string
	ReadAt    *time.Time
	MailedAt  *time.Time
	CreatedAt time.Time
}

// NotifyInput is a notification to raise: to one user or client
// (RecipientID), or to every active person of an institution.
type NotifyInput struct {
	RecipientID   string
	InstitutionID string
	Staff         bool // every active staff member and admin
	Type          string
	Title         string
	Body          string
	Data          map[string]any
	Key           string // optional: at most one notification per key and recipient
}

// NotificationFilter narrows the list.
type NotificationFilter struct {
	UnreadOnly bool
}

// pendingNote waits for the unit's commit.
type pendingNote struct{ in NotifyInput }

// notify raises a notification when the unit commits.
func (u *unit) notify(in NotifyInput) { u.notes = append(u.notes, pendingNote{in}) }

// Notify raises a notification outside any other change (for other parts of
// the service, such as the events' meeting scheduler). It is written with
// its e-mail in one transaction.
func (s *Service) Notify(ctx context.Context, in NotifyInput) error {
	return s.write(ctx, systemActor, func(u *unit) error {
		u.notify(in)
		return nil
	})
}

// writeNotes fans the unit's notifications out to their recipients.
func (u *unit) writeNotes() error {
	notes := u.notes
	u.notes = nil
	// A schedule run notifies the same institutions many times: read each
	// institution's users once per unit.
	members := map[string][]User{}
	for _, pn := range notes {
		in := pn.in
		var recipients []User
		switch {
		case in.RecipientID != "":
			recipients = append(recipients, User{ID: in.RecipientID, InstitutionID: in.InstitutionID})
		case in.Staff:
			for _, role := range []Role{RoleStaff, RoleAdmin} {
				us, _, err := u.ListUsers(u.ctx, UserFilter{Role: role}, ListQuery{Limit: 1000, Sort: Sort{Key: "created_at"}})
				if err != nil {
					return err
				}
				recipients = append(recipients, us...)
			}
		case in.InstitutionID != "":
			us, ok := members[in.InstitutionID]
			if !ok {
				var err error
				us, _, err = u.ListUsers(u.ctx, UserFilter{InstitutionID: in.InstitutionID}, ListQuery{Limit: 1000, Sort: Sort{Key: "created_at"}})
				if err != nil {
					return err
				}
				members[in.InstitutionID] = us
			}
			recipients = us
		}
		for _, r := range recipients {
			if r.Disabled {
				continue
			}
			n := Notification{ID: newID(), RecipientID: r.ID, InstitutionID: r.InstitutionID, Type: in.Type,
				Title: in.Title, Body: in.Body, Data: in.Data, CreatedAt: u.now}
			if in.Key != "" {
				n.Key = in.Key + ":" + r.ID
			}
			if _, err := u.deliverNote(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// deliverNote writes a notification unless its key was used, and queues
// its instant e-mail. It reports whether it was written.
func (u *unit) deliverNote(n Notification) (bool, error) {
	if n.Data == nil {
		n.Data = map[string]any{}
	}
	ok, err := u.AddNotification(u.ctx, n)
	if err != nil || !ok {
		return false, err
	}
	if err := u.svc.mailInstant(u, n); err != nil {
		return false, err
	}
	return true, nil
}

// alertListings evaluates the saved searches and watches against listings
// that were published or changed while published. Each (listing, search)
// pair notifies at most once, ever: the notification's key is unique in the
// database, so restarts and other processes cannot repeat it.
func (u *unit) alertListings() error {
	for _, l := range u.alerting {
		if !l.Live(u.now) {
			continue
		}
		country, err := u.svc.countryOf(u.ctx, u.Store, l.InstitutionID)
		if err != nil {
			return err
		}
		f := newListingFacts(l, country)
		hits := u.svc.alerts.candidates(f)
		scores := map[string]float64{}
		if u.svc.alerts.hasWatches() {
			results := u.svc.matches.engine.Match(EngineListing(l, country), match.Query{Limit: 200, Now: u.now, SeeConfidential: true})
			ids := make([]string, len(results))
			for i, r := range results {
				ids[i], scores[r.ID] = r.ID, r.Score
			}
			for _, w := range u.svc.alerts.watchesOf(ids) {
				if scores[w.WatchListingID] >= float64(w.MinScore) {
					hits = append(hits, w)
				}
			}
		}
		for _, ss := range hits {
			if err := u.alert(ss, l, scores[ss.WatchListingID]); err != nil {
				return err
			}
		}
	}
	return nil
}

// alert notifies a search's owner of a listing, after checking again, as
// the owner stands now, that the owner may see it.
func (u *unit) alert(ss SavedSearch, l Listing, score float64) error {
	if ss.InstitutionID != "" && ss.InstitutionID == l.InstitutionID {
		return nil // one's own listing is no news
	}
	owner, ok, err := u.ownerActor(ss)
	if err != nil || !ok {
		return err
	}
	if owner.BelongsTo(l.InstitutionID) || !l.visibleTo(owner, u.now) {
		return nil
	}
	if ss.Type == SearchWatch {
		// The watched listing, as it stands now, must still be one the owner
		// may edit (their institution's) and see: a partner moved elsewhere
		// hears nothing more of the old institution's listing.
		ws, err := u.ListingsByIDs(u.ctx, []string{ss.WatchListingID})
		if err != nil {
			return err
		}
		if len(ws) == 0 || !ws[0].mayEdit(owner) || !ws[0].visibleTo(owner, u.now) {
			return nil
		}
	}
	data := map[string]any{"saved_search_id": ss.ID, "saved_search_name": ss.Name, "type": ss.Type,
		"listing_id": l.ID, "kind": l.Kind, "title": l.Title, "institution_id": l.InstitutionID}
	for tag, tr := range l.Translations {
		if tr.Title != "" {
			data["title_"+tag] = tr.Title
		}
	}
	if ss.Type == SearchWatch {
		data["watched_listing_id"] = ss.WatchListingID
		data["score"] = score
	}
	n := Notification{ID: newID(), RecipientID: ss.OwnerID, InstitutionID: owner.InstitutionID, Type: NoteAlertMatched,
		Title: l.Title, Body: ss.Name, Data: data, Key: "alert:" + ss.ID + ":" + l.ID, CreatedAt: u.now}
	written, err := u.deliverNote(n)
	if err != nil || !written {
		return err
	}
	if owner.InstitutionID != "" {
		u.emit("alert.matched", []string{owner.InstitutionID}, map[string]any{"notification_id": n.ID,
			"saved_search": map[string]any{"id": ss.ID, "name": ss.Name, "type": ss.Type},
			"listing": map[string]any{"id": l.ID, "kind": l.Kind, "title": l.Title, "summary": l.Summary,
				"sector": l.Sector, "subsector": l.Subsector, "institution_id": l.InstitutionID}, "score": data["score"]})
	}
	return nil
}

// ownerActor reads a search's owner as it stands now: a disabled user or a
// revoked client hears nothing, a changed role or institution counts.
func (u *unit) ownerActor(ss SavedSearch) (Actor, bool, error) {
	if ss.OwnerKind == ActorClient {
		c, err := u.ClientByID(u.ctx, ss.OwnerID)
		if errors.Is(err, ErrNotFound) || (err == nil && c.RevokedAt != nil) {
			return Actor{}, false, nil
		}
		return c.Actor(), err == nil, err
	}
	usr, err := u.UserByID(u.ctx, ss.OwnerID)
	if errors.Is(err, ErrNotFound) || (err == nil && usr.Disabled) {
		return Actor{}, false, nil
	}
	return usr.Actor(), err == nil, err
}

// BuildAlertIndex loads every saved search into the percolator (at start).
func (s *Service) BuildAlertIndex(ctx context.Context) error {
	_, err := s.SyncAlertIndex(ctx)
	return err
}

// SyncAlertIndex reads the saved searches changed since the last pass
// (other processes' creates, changes and deletions) into the percolator.
// Like the matching index it re-reads a few seconds of overlap, so that a
// transaction committing late with an early timestamp is not missed.
func (s *Service) SyncAlertIndex(ctx context.Context) (int, error) {
	s.alertSync.Lock()
	defer s.alertSync.Unlock()
	since, after, n := s.alertSince, "", 0
	for {
		ss, err := s.db(ctx).SavedSearchesChangedSince(ctx, since, after, 5000)
		if err != nil {
			return n, fmt.Errorf("saved searches changed since %s: %w", since.Format(time.RFC3339), err)
		}
		for _, x := range ss {
			if s.alerts.put(x) {
				n++
			}
		}
		if len(ss) == 0 {
			break
		}
		since, after = ss[len(ss)-1].UpdatedAt, ss[len(ss)-1].ID
		if len(ss) < 5000 {
			break
		}
	}
	// The next pass re-reads five seconds before the newest row seen: a row
	// of a transaction that committed late with an earlier timestamp is
	// still found (put ignores versions it holds).
	if next := since.Add(-5 * time.Second); next.After(s.alertSince) {
		s.alertSince = next
	}
	return n, nil
}

// Notifications lists the caller's notifications, newest first.
func (s *Service) Notifications(ctx context.Context, a Actor, f NotificationFilter, r PageRequest) (Page[Notification], error) {
	if !a.Authenticated() {
		return Page[Notification]{}, ErrUnauthenticated
	}
	q, err := r.query([]string{"created_at"}, "-created_at")
	if err != nil {
		return Page[Notification]{}, err
	}
	items, total, err := s.db(ctx).ListNotifications(ctx, a.ID, f, q)
	if err != nil {
		return Page[Notification]{}, fmt.Errorf("list notifications: %w", err)
	}
	return makePage(items, total, q, func(n Notification) (string, string) { return "", n.ID }), nil
}

// UnreadNotifications counts the caller's unread notifications.
func (s *Service) UnreadNotifications(ctx context.Context, a Actor) (int64, error) {
	if !a.Authenticated() {
		return 0, ErrUnauthenticated
	}
	return s.db(ctx).CountUnreadNotifications(ctx, a.ID)
}

// MarkNotificationRead marks one of the caller's notifications read.
func (s *Service) MarkNotificationRead(ctx context.Context, a Actor, id string) (Notification, error) {
	if !a.Authenticated() {
		return Notification{}, ErrUnauthenticated
	}
	missing := Errorf(ErrNotFound, "notification %s not found", id)
	if !ValidID(id) {
		return Notification{}, missing
	}
	n, err := s.db(ctx).NotificationByID(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && n.RecipientID != a.ID) {
		return Notification{}, missing
	}
	if err != nil {
		return Notification{}, err
	}
	if n.ReadAt != nil {
		return n, nil
	}
	now := s.now()
	err = s.write(ctx, a, func(u *unit) error {
		_, err := u.MarkNotificationsRead(ctx, a.ID, []string{id}, now)
		return err
	})
	n.ReadAt = &now
	return n, err
}

// MarkAllNotificationsRead marks every notification of the caller read and
// returns how many were unread.
func (s *Service) MarkAllNotificationsRead(ctx context.Context, a Actor) (int64, error) {
	if !a.Authenticated() {
		return 0, ErrUnauthenticated
	}
	var n int64
	err := s.write(ctx, a, func(u *unit) error {
		var err error
		n, err = u.MarkNotificationsRead(ctx, a.ID, nil, u.now)
		return err
	})
	return n, err
}

// NoteDataJSON is a notification's data as stored.
func NoteDataJSON(d map[string]any) string {
	b, _ := json.Marshal(d)
	return string(b)
}

// NoteDataOf reads stored data back.
func NoteDataOf(s string) map[string]any {
	var d map[string]any
	if err := json.Unmarshal([]byte(s), &d); err != nil || d == nil {
		return map[string]any{}
	}
	return d
}

// reasonText shortens a reason for a notification's body.
func reasonText(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return s
}

package transfer

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/techbridge/techbridge/internal/match"
)

// unit is one write: a transaction, the store bound to it, and what the
// change implies beyond its own rows. Use cases record those implications
// (audit entries, webhook events, listings to re-index, statistics deltas)
// as they go; write applies them once: the rows at commit, inside the
// transaction, the rest after it. On rollback nothing of it leaks.
type unit struct {
	Store // bound to the transaction; the only store a use case touches while it writes
	ctx   context.Context
	svc   *Service
	actor Actor
	now   time.Time

	audit     []AuditEvent
	events    []pendingEvent
	published []Listing   // newly published: their new matches are announced
	listings  []Listing   // to re-index after commit
	removed   []Agreement // agreements whose statistics counts go…
	added     []Agreement // …and those whose counts come, summed at commit
	queued    bool        // deliveries were written: wake the delivery loop

	alerting   []Listing     // published or changed while published: saved searches are evaluated
	notes      []pendingNote // notifications to raise
	mailQueued bool          // e-mail was queued: wake the mail loop
	searches   []SavedSearch // saved searches written: into this process's percolator after commit
}

// pendingEvent is a webhook event waiting for the commit: to the active
// endpoints of each institution that subscribed to the type, or to the
// endpoints named.
type pendingEvent struct {
	typ          string
	institutions []string
	endpoints    []string // when set, exactly these (one institution's), subscribed or not
	data         any
}

// write runs fn as one unit of work for actor a. Every change the service
// makes goes through it, so that what a change implies is decided in one
// place and happens exactly when the change commits. Inside an idempotent
// request (see Idempotent) the unit is a savepoint of the request's
// transaction, and what follows the commit waits for that transaction's.
func (s *Service) write(ctx context.Context, a Actor, fn func(u *unit) error) error {
	var done *unit
	err := s.db(ctx).Tx(ctx, func(st Store) error {
		u := &unit{Store: st, ctx: ctx, svc: s, actor: a, now: s.now()}
		if err := fn(u); err != nil {
			return err
		}
		if err := u.flush(); err != nil {
			return err
		}
		done = u
		return nil
	})
	if err != nil {
		return err
	}
	after := func() {
		// This process's matches see the change at once; others within a poll.
		s.reindex(context.WithoutCancel(outside(ctx)), done.listings...)
		if done.queued {
			s.wake()
		}
		if done.mailQueued {
			s.wakeMail()
		}
		for _, ss := range done.searches {
			s.alerts.put(ss)
		}
	}
	if amb := ambientOf(ctx); amb != nil {
		amb.after = append(amb.after, after)
	} else {
		after()
	}
	return nil
}

// ambient is the transaction an idempotent request runs in: every read and
// write of the request goes through it (one connection, its own writes in
// sight), and what must follow its commit is kept until then.
type ambient struct {
	st    Store
	after []func()
}

type ambientKey struct{}

func ambientOf(ctx context.Context) *ambient {
	amb, _ := ctx.Value(ambientKey{}).(*ambient)
	if amb == nil || amb.st == nil {
		return nil
	}
	return amb
}

// outside is ctx without the request's transaction (for work after it).
func outside(ctx context.Context) context.Context {
	return context.WithValue(ctx, ambientKey{}, (*ambient)(nil))
}

// db is the store to use: the request's transaction when there is one.
func (s *Service) db(ctx context.Context) Store {
	if amb := ambientOf(ctx); amb != nil {
		return amb.st
	}
	return s.store
}

// record adds an audit entry for a change of one object by the unit's actor.
func (u *unit) record(entityType, id, action string, before, after map[string]any) {
	u.audit = append(u.audit, u.svc.auditEvent(u.actor, entityType, id, action, before, after, u.now))
}

// emit queues an event for each of the institutions' subscribed endpoints.
func (u *unit) emit(typ string, institutions []string, data any) {
	u.events = append(u.events, pendingEvent{typ: typ, institutions: institutions, data: data})
}

// send queues an event for named endpoints of one institution.
func (u *unit) send(typ, institution string, endpoints []string, data any) {
	u.events = append(u.events, pendingEvent{typ: typ, institutions: []string{institution}, endpoints: endpoints, data: data})
}

// countAgreements moves the statistics from the agreements removed to those added.
func (u *unit) countAgreements(removed, added []Agreement) {
	u.removed = append(u.removed, removed...)
	u.added = append(u.added, added...)
}

// listingMoved is the one place that decides what a listing's change
// implies: it is re-indexed; a new status is announced; a publication is
// announced and so are the counterparts it newly matches well. A single
// move, an import that publishes and the expiry sweep all come here, so they
// behave alike. previous is "" for a listing that did not exist before.
func (u *unit) listingMoved(l Listing, previous Status) {
	u.listings = append(u.listings, l)
	if l.Status == StatusPublished {
		u.alerting = append(u.alerting, l)
	}
	if l.Status == previous {
		return
	}
	u.noteListingMoved(l)
	u.emit("listing.status_changed", []string{l.InstitutionID}, listingEvent(l, previous))
	if l.Status != StatusPublished {
		return
	}
	u.emit("listing.published", []string{l.InstitutionID}, listingEvent(l, previous))
	u.published = append(u.published, l)
}

// flush writes what the unit collected, inside its transaction.
func (u *unit) flush() error {
	if err := u.announceMatches(); err != nil {
		return err
	}
	if err := u.alertListings(); err != nil {
		return err
	}
	if err := u.writeNotes(); err != nil {
		return err
	}
	if len(u.audit) > 0 {
		if err := u.AddAudit(u.ctx, u.audit...); err != nil {
			return err
		}
	}
	// One sorted batch for the whole unit, so that concurrent writers lock
	// the counting rows in one order.
	if ds := StatsDeltas(u.removed, u.added); len(ds) > 0 {
		if err := u.AddStatsDeltas(u.ctx, ds); err != nil {
			return err
		}
	}
	return u.enqueueEvents()
}

// enqueueEvents writes each pending event and its deliveries, looking up
// each institution's endpoints once per unit.
func (u *unit) enqueueEvents() error {
	endpoints := map[string][]Endpoint{}
	for _, ev := range u.events {
		seen := map[string]bool{}
		for _, inst := range ev.institutions {
			if inst == "" || seen[inst] {
				continue
			}
			seen[inst] = true
			targets := ev.endpoints
			if targets == nil {
				eps, ok := endpoints[inst]
				if !ok {
					var err error
					if eps, err = u.ListEndpoints(u.ctx, inst); err != nil {
						return err
					}
					endpoints[inst] = eps
				}
				for _, e := range eps {
					if e.DisabledReason == "" && slices.Contains(e.Events, ev.typ) {
						targets = append(targets, e.ID)
					}
				}
			}
			if len(targets) == 0 {
				continue
			}
			if err := u.svc.enqueue(u.ctx, u.Store, ev.typ, inst, ev.data, targets, u.now); err != nil {
				return err
			}
			u.queued = true
		}
	}
	return nil
}

// MatchEventThreshold is the score above which a newly published listing is
// announced (match.created) to the institutions whose listings it matches.
const MatchEventThreshold = 60

// announceMatches tells the owners of the counterparts that newly published
// listings match well (match.created). A confidential listing is announced
// to no one. Everything it reads, it reads inside the transaction.
func (u *unit) announceMatches() error {
	type found struct {
		l Listing
		r match.Result
	}
	var hits []found
	var ids []string
	for _, l := range u.published {
		if l.Visibility == "confidential" {
			continue
		}
		country, err := u.svc.countryOf(u.ctx, u.Store, l.InstitutionID)
		if err != nil {
			return err
		}
		for _, r := range u.svc.matches.engine.Match(EngineListing(l, country), match.Query{Limit: 20, MinScore: MatchEventThreshold, Now: u.now}) {
			hits = append(hits, found{l, r})
			ids = append(ids, r.ID)
		}
	}
	if len(hits) == 0 {
		return nil
	}
	byID := map[string]Listing{}
	for start := 0; start < len(ids); start += 1000 {
		ls, err := u.ListingsByIDs(u.ctx, ids[start:min(start+1000, len(ids))])
		if err != nil {
			return fmt.Errorf("counterparts: %w", err)
		}
		for _, c := range ls {
			byID[c.ID] = c
		}
	}
	version := u.svc.MatchingVersion()
	for _, h := range hits {
		c, ok := byID[h.r.ID]
		if !ok {
			continue
		}
		u.emit("match.created", []string{c.InstitutionID}, map[string]any{"listing_id": c.ID, "kind": c.Kind,
			"counterpart_id": h.l.ID, "counterpart_kind": h.l.Kind, "counterpart_title": h.l.Title, "score": h.r.Score,
			"reasons": h.r.Reasons, "algorithm_version": version})
	}
	return nil
}

// systemActor acts for the service itself (the expiry sweep, notices).
var systemActor = Actor{Kind: "system"}

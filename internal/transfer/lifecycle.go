package transfer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/techbridge/techbridge/internal/match"
)

// ListingFilter narrows a listing list. Scope is set by the service from the
// actor, never by the caller.
type ListingFilter struct {
	Kind          Kind
	Sector        string
	Subsector     string
	Country       string // of the institution
	InstitutionID string
	Status        Status
	TRLMin        int
	TRLMax        int
	TransferMode  string
	Language      string
	Q             string
	Search        SearchQuery // Q analysed, set by the service
	UpdatedSince  *time.Time
	Scope         ListingScope
}

// ListingScope is what the viewer may see: everything (staff), or live public
// listings plus everything of its own institution.
type ListingScope struct {
	All         bool
	Institution string
	Now         time.Time
}

// ListingSorts are the keys listings may be sorted by. "relevance" needs q
// and is its default: listings whose title holds more of the query's terms
// first, then the newest.
var ListingSorts = []string{"created_at", "updated_at", "title", "trl", "relevance"}

// ListingPatch changes a listing; unset fields stay as they are.
type ListingPatch struct {
	Title, Summary, Description, Language, Sector, Subsector *string
	Keywords, TransferModes, Countries                       *[]string
	TRL                                                      *int
	IPStatus, Currency, Visibility                           *string
	AmountMin, AmountMax                                     Optional[int64]
	EndsAt                                                   Optional[time.Time]
	// Translations by language: a translation replaces that language's,
	// nil removes it; languages not named stay.
	Translations map[string]*Translation
	Problems     Problems // found while reading the request
}

// Optional is a field that a PATCH may also clear: Set when it was sent,
// Value nil when it was sent as null.
type Optional[T any] struct {
	Set   bool
	Value *T
}

func (o Optional[T]) apply(dst **T) {
	if o.Set {
		*dst = o.Value
	}
}

// visibleTo reports whether the actor may see the listing at all. Anything
// else answers exactly like a missing id.
func (l Listing) visibleTo(a Actor, now time.Time) bool {
	return a.IsStaff() || a.BelongsTo(l.InstitutionID) || (a.Authenticated() && l.Live(now) && l.Visibility == "public")
}

// mayEdit reports whether the actor may change the listing.
func (l Listing) mayEdit(a Actor) bool { return a.IsStaff() || a.BelongsTo(l.InstitutionID) }

// shown is the listing as it stands now: a published listing past its end is
// expired even before the sweeper has written that down.
func (l Listing) shown(now time.Time) Listing {
	if l.Status == StatusPublished && l.Expired(now) {
		l.Status = StatusExpired
	}
	return l
}

func notFound(kind Kind, id string) error { return Errorf(ErrNotFound, "%s %s not found", kind, id) }

// CreateListing drafts an offer or a demand. Partners create for their own
// institution only; staff name the institution.
func (s *Service) CreateListing(ctx context.Context, a Actor, kind Kind, in ListingInput) (Listing, error) {
	if !a.Authenticated() {
		return Listing{}, ErrUnauthenticated
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return Listing{}, Errorf(ErrForbidden, "only partners and staff may create listings")
	}
	now := s.now()
	l := in.Listing
	l.Kind, l.Status = kind, StatusDraft
	if err := s.fillNew(a, &l, now, in.Problems).Err(); err != nil {
		return Listing{}, err
	}
	if err := s.institutionMustExist(ctx, "institution_id", l.InstitutionID); err != nil {
		return Listing{}, err
	}
	err := s.write(ctx, a, func(u *unit) error {
		u.record(string(l.Kind), l.ID, "created", nil, l.auditFields())
		return u.CreateListing(ctx, l)
	})
	if err != nil {
		return Listing{}, fmt.Errorf("create %s: %w", l.Kind, err)
	}
	return l, nil
}

// fillNew completes a new listing and returns every problem with it, after
// the ones the caller already found; it does not touch the store.
func (s *Service) fillNew(a Actor, l *Listing, now time.Time, p Problems) Problems {
	if a.Role == RolePartner {
		if l.InstitutionID != "" && l.InstitutionID != a.InstitutionID {
			p.Add("institution_id", "partners create listings for their own institution only")
		}
		l.InstitutionID = a.InstitutionID
	}
	l.normalize()
	l.ID, l.Version, l.CreatedAt, l.UpdatedAt = newID(), 1, now, now
	if l.Status == "" {
		l.Status = StatusDraft
	}
	if l.Status == StatusPublished {
		l.PublishedAt = &now
	}
	if vp, ok := asProblems(l.Validate(now)); ok {
		p = append(p, vp...)
	}
	if l.InstitutionID == "" {
		p.Add("institution_id", "is required")
	} else if !ValidID(l.InstitutionID) {
		p.Add("institution_id", "does not name an existing institution")
	}
	return p
}

func asProblems(err error) (Problems, bool) {
	var e *Error
	if errors.As(err, &e) && errors.Is(err, ErrInvalid) {
		return Problems(e.Fields), true
	}
	return nil, false
}

// Listing returns one listing as the actor may see it.
func (s *Service) Listing(ctx context.Context, a Actor, kind Kind, id string) (Listing, error) {
	if !a.Authenticated() {
		return Listing{}, ErrUnauthenticated
	}
	if !ValidID(id) {
		return Listing{}, notFound(kind, id)
	}
	l, err := s.db(ctx).ListingByID(ctx, kind, id)
	if errors.Is(err, ErrNotFound) {
		return Listing{}, notFound(kind, id)
	}
	if err != nil {
		return Listing{}, fmt.Errorf("%s %s: %w", kind, id, err)
	}
	now := s.now()
	if !l.visibleTo(a, now) {
		return Listing{}, notFound(kind, id)
	}
	return l.shown(now), nil
}

// ListListings pages through the listings the actor may see.
func (s *Service) ListListings(ctx context.Context, a Actor, f ListingFilter, r PageRequest) (Page[Listing], error) {
	if !a.Authenticated() {
		return Page[Listing]{}, ErrUnauthenticated
	}
	var p Problems
	f.Country = strings.ToUpper(f.Country)
	f.Language = strings.ToLower(f.Language)
	if f.Sector != "" && !ValidSector(f.Sector) {
		p.Add("sector", "is not a known sector")
	}
	if f.Subsector != "" && !slices.ContainsFunc(sectorNames(), func(sec string) bool { return ValidSubsector(sec, f.Subsector) }) {
		p.Add("subsector", "is not a known subsector")
	}
	if f.Country != "" && !ValidCountry(f.Country) {
		p.Add("country", "must be an ISO 3166-1 alpha-2 code")
	}
	if f.InstitutionID != "" && !ValidID(f.InstitutionID) {
		p.Add("institution_id", "must be an institution id")
	}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		p.Add("status", "must be one of draft, pending_review, published, rejected, withdrawn, expired")
	}
	if f.Kind == KindDemand && (f.TRLMin != 0 || f.TRLMax != 0) {
		p.Add("trl_min", "filters offers only: demands carry a minimum TRL")
	}
	if f.TRLMin < 0 || f.TRLMin > 9 {
		p.Add("trl_min", "must be between 1 and 9")
	}
	if f.TRLMax < 0 || f.TRLMax > 9 {
		p.Add("trl_max", "must be between 1 and 9")
	}
	if f.TransferMode != "" && !slices.Contains(TransferModes, f.TransferMode) {
		p.Add("transfer_mode", "must be one of %s", strings.Join(TransferModes, ", "))
	}
	if f.Language != "" && !ValidLanguage(f.Language) {
		p.Add("language", "must be a BCP 47 primary language tag")
	}
	if len(f.Q) > 200 {
		p.Add("q", "must be at most 200 characters")
	}
	defaultSort := "created_at"
	if f.Q != "" {
		defaultSort = "relevance"
		f.Search = match.ParseSearch(f.Q)
	} else if strings.TrimPrefix(r.Sort, "-") == "relevance" {
		p.Add("sort", "relevance needs q")
	}
	if r.Sort == "-relevance" {
		p.Add("sort", "relevance sorts one way only")
	}
	if err := p.Err(); err != nil {
		return Page[Listing]{}, err
	}
	q, err := r.query(ListingSorts, defaultSort)
	if err != nil {
		return Page[Listing]{}, err
	}
	now := s.now()
	f.Scope = ListingScope{All: a.IsStaff(), Institution: a.InstitutionID, Now: now}
	if a.Role != RolePartner {
		f.Scope.Institution = ""
	}
	items, total, estimated, err := s.db(ctx).ListListings(ctx, f, q)
	if err != nil {
		return Page[Listing]{}, fmt.Errorf("list %ss: %w", f.Kind, err)
	}
	for i := range items {
		items[i] = items[i].shown(now)
	}
	page := makePage(items, total, q, func(l Listing) (string, string) {
		switch q.Sort.Key {
		case "updated_at":
			return l.UpdatedAt.Format(time.RFC3339Nano), l.ID
		case "title":
			return l.Title, l.ID
		case "trl":
			return fmt.Sprint(l.TRL), l.ID
		case "relevance":
			// Relevance is not a column: the cursor counts the items
			// already shown.
			return fmt.Sprint(q.Offset() + q.Limit), l.ID
		}
		return "", l.ID
	})
	page.TotalEstimated = estimated
	return page, nil
}

func sectorNames() []string {
	out := make([]string, 0, len(Sectors))
	for s := range Sectors {
		out = append(out, s)
	}
	return out
}

// UpdateListing applies a patch (owner or staff). Withdrawn and expired
// listings are closed: they cannot be edited.
func (s *Service) UpdateListing(ctx context.Context, a Actor, kind Kind, id string, ifMatch int, patch ListingPatch) (Listing, error) {
	return s.change(ctx, a, kind, id, ifMatch, "updated", func(l *Listing, now time.Time) error {
		if l.Status == StatusWithdrawn || l.Status == StatusExpired {
			return Errorf(ErrConflict, "%s listing cannot be changed", withArticle(string(l.Status)))
		}
		set(&l.Title, patch.Title)
		set(&l.Summary, patch.Summary)
		set(&l.Description, patch.Description)
		set(&l.Language, patch.Language)
		set(&l.Sector, patch.Sector)
		set(&l.Subsector, patch.Subsector)
		set(&l.Keywords, patch.Keywords)
		set(&l.TransferModes, patch.TransferModes)
		set(&l.Countries, patch.Countries)
		set(&l.TRL, patch.TRL)
		set(&l.IPStatus, patch.IPStatus)
		set(&l.Currency, patch.Currency)
		set(&l.Visibility, patch.Visibility)
		patch.AmountMin.apply(&l.AmountMin)
		patch.AmountMax.apply(&l.AmountMax)
		patch.EndsAt.apply(&l.EndsAt)
		applyTranslations(&l.Translations, patch.Translations)
		l.normalize()
		p := patch.Problems
		err := l.Validate(now)
		if vp, ok := asProblems(err); ok {
			p = append(p, vp...)
		} else if err != nil {
			return err
		}
		return p.Err()
	})
}

// Move is one step of the listing lifecycle. The moves are the values
// below; there are no others, so a misspelt move does not compile.
type Move struct {
	name      string
	from      []Status
	to        Status
	staffOnly bool
	action    string // the audit trail's word for it
}

// The moves: submit (owner or staff), publish and reject (staff; reject
// needs a reason), withdraw (owner or staff).
var (
	MoveSubmit   = Move{name: "submit", from: []Status{StatusDraft, StatusRejected}, to: StatusPending, action: "submitted"}
	MovePublish  = Move{name: "publish", from: []Status{StatusPending}, to: StatusPublished, staffOnly: true, action: "published"}
	MoveReject   = Move{name: "reject", from: []Status{StatusPending}, to: StatusRejected, staffOnly: true, action: "rejected"}
	MoveWithdraw = Move{name: "withdraw", from: []Status{StatusDraft, StatusPending, StatusPublished, StatusRejected}, to: StatusWithdrawn, action: "withdrawn"}
)

func (m Move) String() string { return m.name }

// Apply makes the move on l for actor a, or says why it cannot be made: a
// move from the wrong status is a conflict, a staff move by anyone else is
// forbidden, a rejection needs a reason, an expired listing is not published.
func (m Move) Apply(l *Listing, a Actor, reason string, now time.Time) error {
	if m.name == "" {
		return Errorf(ErrNotFound, "no such move")
	}
	reason = strings.TrimSpace(reason)
	if m.staffOnly && !a.IsStaff() {
		return Errorf(ErrForbidden, "only staff may %s a listing", m.name)
	}
	if !slices.Contains(m.from, l.Status) {
		return Errorf(ErrConflict, "cannot %s a listing that is %s", m.name, l.Status)
	}
	var p Problems
	if m.name == MoveReject.name && reason == "" {
		p.Add("reason", "is required to reject a listing")
	}
	checkLength(&p, "reason", reason, false, 1000)
	if m.to == StatusPublished && l.Expired(now) {
		p.Add(l.Kind.endsField(), "has passed; move it to the future before publishing")
	}
	if err := p.Err(); err != nil {
		return err
	}
	l.Status, l.StatusReason = m.to, reason
	if m.to == StatusPublished {
		l.PublishedAt = &now
	}
	return nil
}

// MoveListing applies a lifecycle move to a listing the actor may edit.
func (s *Service) MoveListing(ctx context.Context, a Actor, kind Kind, id string, move Move, ifMatch int, reason string) (Listing, error) {
	return s.change(ctx, a, kind, id, ifMatch, move.action, func(l *Listing, now time.Time) error {
		return move.Apply(l, a, reason, now)
	})
}

// change loads a listing the actor may edit, checks If-Match, applies fn and
// writes the result and its audit event in one transaction.
func (s *Service) change(ctx context.Context, a Actor, kind Kind, id string, ifMatch int, action string, fn func(*Listing, time.Time) error) (Listing, error) {
	l, err := s.Listing(ctx, a, kind, id)
	if err != nil {
		return Listing{}, err
	}
	if !l.mayEdit(a) {
		return Listing{}, Errorf(ErrForbidden, "only staff and the owning institution may change this listing")
	}
	if ifMatch != 0 && ifMatch != l.Version {
		return Listing{}, Errorf(ErrPrecondition, "%s %s is at version %d, not %d", kind, id, l.Version, ifMatch)
	}
	now := s.now()
	before, previous, loaded := l.auditFields(), l.Status, l
	if err := fn(&l, now); err != nil {
		return Listing{}, err
	}
	if unchanged(loaded, l) {
		return l, nil
	}
	l.Version++
	l.UpdatedAt = now
	err = s.write(ctx, a, func(u *unit) error {
		if err := u.UpdateListing(ctx, l); err != nil {
			return err
		}
		u.record(string(kind), id, action, before, l.auditFields())
		u.listingMoved(l, previous)
		return nil
	})
	if err != nil {
		return Listing{}, fmt.Errorf("%s %s %s: %w", action, kind, id, err)
	}
	return l, nil
}

// ExpireListings marks published listings past their end as expired and
// records it; it returns how many. Several processes may run it at once: the
// store moves each listing once.
func (s *Service) ExpireListings(ctx context.Context) (int, error) {
	n := 0
	err := s.write(ctx, systemActor, func(u *unit) error {
		expired, err := u.ExpireListings(ctx, u.now)
		if err != nil {
			return err
		}
		n = len(expired)
		for _, l := range expired {
			before := l.auditFields()
			before["status"] = StatusPublished
			u.record(string(l.Kind), l.ID, "expired", before, l.auditFields())
			u.listingMoved(l, StatusPublished)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("expire listings: %w", err)
	}
	return n, nil
}

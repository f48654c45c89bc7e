package transfer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/techbridge/techbridge/internal/match"
)

// Saved-search types: a search over listings (the list filters and text) or
// a watch of one of the owner's institution's listings (new counterparts
// scoring at least MinScore).
const (
	SearchTypeSearch = "search"
	SearchWatch      = "watch"
)

// SavedSearch is a search someone keeps so as to hear of new listings that
// fit it. It belongs to its creator (a user or a machine client).
type SavedSearch struct {
	ID             string
	OwnerID        string
	OwnerKind      ActorKind
	InstitutionID  string // the owner's, for partners
	Name           string
	Type           string // search or watch
	Kind           Kind   // the listings searched (a watch: the counterparts' kind)
	Sector         string
	Subsector      string
	Country        string
	TRLMin, TRLMax int
	TransferMode   string
	Language       string
	Q              string
	WatchListingID string
	MinScore       int
	Deleted        bool
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time

	terms match.SearchQuery // Q analysed, in the percolator
}

// SavedSearchInput is what a client sends to create or replace a search.
type SavedSearchInput struct {
	Name           string
	Type           string
	Kind           Kind
	Sector         string
	Subsector      string
	Country        string
	TRLMin, TRLMax int
	TransferMode   string
	Language       string
	Q              string
	WatchListingID string
	MinScore       *int
}

// SavedSearchPatch changes a search's name or filters; nil fields stay.
type SavedSearchPatch struct {
	Name, Sector, Subsector, Country, TransferMode, Language, Q *string
	TRLMin, TRLMax, MinScore                                    *int
}

// SavedSearchFilter narrows a list; the owner scope is set from the actor.
type SavedSearchFilter struct {
	OwnerID       string
	InstitutionID string
	// MemberID, with InstitutionID, also lists that person's own searches
	// (a partner moved to another institution still sees those it owns).
	MemberID string
	Type     string
}

// MaxSavedSearches is how many saved searches one owner may keep.
var MaxSavedSearches = 100

// DefaultWatchScore is a watch's min_score when none is given.
const DefaultWatchScore = 60

// checkName refuses control characters in a name, which would break the
// lines of an e-mail and the console's lists.
func checkName(p *Problems, field, s string) {
	checkLength(p, field, s, true, 200)
	checkLine(p, field, s)
}

func (s *Service) checkSavedSearch(ctx context.Context, a Actor, ss *SavedSearch) error {
	var p Problems
	ss.Name = strings.TrimSpace(ss.Name)
	checkName(&p, "name", ss.Name)
	ss.Country = strings.ToUpper(strings.TrimSpace(ss.Country))
	ss.Language = strings.ToLower(strings.TrimSpace(ss.Language))
	ss.Q = strings.TrimSpace(ss.Q)
	switch ss.Type {
	case SearchTypeSearch:
		if ss.Kind != KindOffer && ss.Kind != KindDemand {
			p.Add("kind", "must be offer or demand")
		}
		if ss.WatchListingID != "" {
			p.Add("listing_id", "is for watches only")
		}
		if ss.Sector != "" && !ValidSector(ss.Sector) {
			p.Add("sector", "is not a known sector")
		}
		if ss.Subsector != "" && !slices.ContainsFunc(sectorNames(), func(sec string) bool { return ValidSubsector(sec, ss.Subsector) }) {
			p.Add("subsector", "is not a known subsector")
		}
		if ss.Country != "" && !ValidCountry(ss.Country) {
			p.Add("country", "must be an ISO 3166-1 alpha-2 code")
		}
		if ss.Language != "" && !ValidLanguage(ss.Language) {
			p.Add("language", "must be a BCP 47 primary language tag")
		}
		if ss.TransferMode != "" && !slices.Contains(TransferModes, ss.TransferMode) {
			p.Add("transfer_mode", "must be one of %s", strings.Join(TransferModes, ", "))
		}
		if ss.TRLMin < 0 || ss.TRLMin > 9 {
			p.Add("trl_min", "must be between 1 and 9")
		}
		if ss.TRLMax < 0 || ss.TRLMax > 9 {
			p.Add("trl_max", "must be between 1 and 9")
		}
		if ss.TRLMin != 0 && ss.TRLMax != 0 && ss.TRLMin > ss.TRLMax {
			p.Add("trl_max", "must not be below trl_min")
		}
		if ss.Kind == KindDemand && (ss.TRLMin != 0 || ss.TRLMax != 0) {
			p.Add("trl_min", "filters offers only: demands carry a minimum TRL")
		}
		checkLength(&p, "q", ss.Q, false, 200)
		if ss.MinScore != 0 {
			p.Add("min_score", "is for watches only")
		}
		if ss.Q == "" && ss.Sector == "" && ss.Subsector == "" && ss.Country == "" && ss.TransferMode == "" &&
			ss.Language == "" && ss.TRLMin == 0 && ss.TRLMax == 0 {
			p.Add("q", "a search needs text or at least one filter")
		}
	case SearchWatch:
		if ss.MinScore < 0 || ss.MinScore > 100 {
			p.Add("min_score", "must be between 0 and 100")
		}
		if ss.Sector != "" || ss.Subsector != "" || ss.Country != "" || ss.Language != "" || ss.TransferMode != "" ||
			ss.Q != "" || ss.TRLMin != 0 || ss.TRLMax != 0 {
			p.Add("type", "a watch takes listing_id and min_score only")
		}
		if !ValidID(ss.WatchListingID) {
			p.Add("listing_id", "must be the id of one of your institution's listings")
			break
		}
		if p.Err() != nil {
			break
		}
		ls, err := s.db(ctx).ListingsByIDs(ctx, []string{ss.WatchListingID})
		if err != nil {
			return err
		}
		if len(ls) == 0 || !ls[0].mayEdit(a) {
			p.Add("listing_id", "must be the id of one of your institution's listings")
			break
		}
		// A watch hears of counterparts: demands for an offer, offers for a demand.
		ss.Kind = KindOffer
		if ls[0].Kind == KindOffer {
			ss.Kind = KindDemand
		}
	default:
		p.Add("type", "must be search or watch")
	}
	return p.Err()
}

// CreateSavedSearch saves a search for the actor. One owner keeps at most
// MaxSavedSearches; the count is taken under a lock of the owner, so
// concurrent creates cannot pass the limit together.
func (s *Service) CreateSavedSearch(ctx context.Context, a Actor, in SavedSearchInput) (SavedSearch, error) {
	if !a.Authenticated() {
		return SavedSearch{}, ErrUnauthenticated
	}
	now := s.now()
	ss := SavedSearch{ID: newID(), OwnerID: a.ID, OwnerKind: a.Kind, Name: in.Name, Type: in.Type,
		Kind: in.Kind, Sector: in.Sector, Subsector: in.Subsector, Country: in.Country, TRLMin: in.TRLMin, TRLMax: in.TRLMax,
		TransferMode: in.TransferMode, Language: in.Language, Q: in.Q, WatchListingID: in.WatchListingID,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if a.Role == RolePartner {
		ss.InstitutionID = a.InstitutionID
	}
	if ss.OwnerKind == "" {
		ss.OwnerKind = ActorUser
	}
	if in.MinScore != nil {
		ss.MinScore = *in.MinScore
	} else if ss.Type == SearchWatch {
		ss.MinScore = DefaultWatchScore
	}
	if err := s.checkSavedSearch(ctx, a, &ss); err != nil {
		return SavedSearch{}, err
	}
	err := s.write(ctx, a, func(u *unit) error {
		n, err := u.LockAndCountSavedSearches(ctx, ss.OwnerID)
		if err != nil {
			return err
		}
		if n >= int64(MaxSavedSearches) {
			return Errorf(ErrConflict, "you keep %d saved searches already, the most allowed; delete one first", n)
		}
		u.searches = append(u.searches, ss)
		return u.CreateSavedSearch(ctx, ss)
	})
	if err != nil {
		return SavedSearch{}, fmt.Errorf("create saved search: %w", err)
	}
	return ss, nil
}

// mayUseSearch: the owner; the owner's institution's partners see it;
// staff see and change all.
func (ss SavedSearch) visibleTo(a Actor) bool {
	return a.IsStaff() || ss.OwnerID == a.ID || (ss.InstitutionID != "" && a.BelongsTo(ss.InstitutionID))
}

func (ss SavedSearch) mayEdit(a Actor) bool { return a.IsStaff() || ss.OwnerID == a.ID }

// SavedSearch returns one search the actor may see.
func (s *Service) SavedSearch(ctx context.Context, a Actor, id string) (SavedSearch, error) {
	if !a.Authenticated() {
		return SavedSearch{}, ErrUnauthenticated
	}
	return visibleByID(ctx, "saved search", id, s.db(ctx).SavedSearchByID, func(ss SavedSearch) bool { return !ss.Deleted && ss.visibleTo(a) })
}

// ListSavedSearches lists the actor's searches: a partner sees its
// institution's, other people their own, staff all (or one owner's).
func (s *Service) ListSavedSearches(ctx context.Context, a Actor, f SavedSearchFilter, r PageRequest) (Page[SavedSearch], error) {
	if !a.Authenticated() {
		return Page[SavedSearch]{}, ErrUnauthenticated
	}
	var p Problems
	if f.Type != "" && f.Type != SearchTypeSearch && f.Type != SearchWatch {
		p.Add("type", "must be search or watch")
	}
	if f.OwnerID != "" && !ValidID(f.OwnerID) {
		p.Add("owner_id", "must be a user or client id")
	}
	if err := p.Err(); err != nil {
		return Page[SavedSearch]{}, err
	}
	switch {
	case a.IsStaff():
	case a.Role == RolePartner:
		f.InstitutionID, f.MemberID = a.InstitutionID, a.ID
	default:
		f.OwnerID = a.ID
	}
	q, err := r.query([]string{"created_at"}, "created_at")
	if err != nil {
		return Page[SavedSearch]{}, err
	}
	items, total, err := s.db(ctx).ListSavedSearches(ctx, f, q)
	if err != nil {
		return Page[SavedSearch]{}, fmt.Errorf("list saved searches: %w", err)
	}
	return makePage(items, total, q, func(ss SavedSearch) (string, string) { return "", ss.ID }), nil
}

// UpdateSavedSearch changes a search's name or filters (owner or staff).
// The type, kind and watched listing stay: save another search instead.
func (s *Service) UpdateSavedSearch(ctx context.Context, a Actor, id string, ifMatch int, patch SavedSearchPatch) (SavedSearch, error) {
	ss, err := s.SavedSearch(ctx, a, id)
	if err != nil {
		return SavedSearch{}, err
	}
	if !ss.mayEdit(a) {
		return SavedSearch{}, Errorf(ErrForbidden, "only its owner or staff change a saved search")
	}
	if ifMatch != 0 && ifMatch != ss.Version {
		return SavedSearch{}, Errorf(ErrPrecondition, "saved search %s is at version %d, not %d", id, ss.Version, ifMatch)
	}
	loaded := ss
	set(&ss.Name, patch.Name)
	set(&ss.Sector, patch.Sector)
	set(&ss.Subsector, patch.Subsector)
	set(&ss.Country, patch.Country)
	set(&ss.TransferMode, patch.TransferMode)
	set(&ss.Language, patch.Language)
	set(&ss.Q, patch.Q)
	set(&ss.TRLMin, patch.TRLMin)
	set(&ss.TRLMax, patch.TRLMax)
	set(&ss.MinScore, patch.MinScore)
	if err := s.checkSavedSearch(ctx, a, &ss); err != nil {
		return SavedSearch{}, err
	}
	if unchanged(loaded, ss) {
		return ss, nil
	}
	ss.Version++
	ss.UpdatedAt = s.now()
	if err := s.write(ctx, a, func(u *unit) error {
		u.searches = append(u.searches, ss)
		return u.UpdateSavedSearch(ctx, ss)
	}); err != nil {
		return SavedSearch{}, fmt.Errorf("update saved search %s: %w", id, err)
	}
	return ss, nil
}

// DeleteSavedSearch removes a search (owner or staff). The row stays as a
// tombstone so that other processes' percolators hear of the removal.
func (s *Service) DeleteSavedSearch(ctx context.Context, a Actor, id string, ifMatch int) error {
	ss, err := s.SavedSearch(ctx, a, id)
	if err != nil {
		return err
	}
	if !ss.mayEdit(a) {
		return Errorf(ErrForbidden, "only its owner or staff delete a saved search")
	}
	if ifMatch != 0 && ifMatch != ss.Version {
		return Errorf(ErrPrecondition, "saved search %s is at version %d, not %d", id, ss.Version, ifMatch)
	}
	ss.Deleted = true
	ss.Version++
	ss.UpdatedAt = s.now()
	if err := s.write(ctx, a, func(u *unit) error {
		u.searches = append(u.searches, ss)
		return u.UpdateSavedSearch(ctx, ss)
	}); err != nil {
		return fmt.Errorf("delete saved search %s: %w", id, err)
	}
	return nil
}

package transfer

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Institution is a member of the network: a company, university, lab or agency.
type Institution struct {
	ID           string
	Name         string
	LocalName    string // the name in the institution's own script, e.g. 广西大学
	Country      string
	Type         string
	Sectors      []string
	Website      string
	Description  string
	ContactEmail string // hidden from analysts and from other institutions' partners
	Verified     bool   // set by staff only
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// InstitutionPatch changes an institution; nil fields stay as they are.
type InstitutionPatch struct {
	Name, LocalName, Country, Type     *string
	Sectors                            *[]string
	Website, Description, ContactEmail *string
	Verified                           *bool
}

// InstitutionFilter narrows an institution list; empty fields do not filter.
type InstitutionFilter struct {
	Country  string
	Type     string
	Sector   string
	Verified *bool
}

// InstitutionSorts are the keys an institution list may be sorted by.
var InstitutionSorts = []string{"created_at", "name"}

func (in *Institution) normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.LocalName = strings.TrimSpace(in.LocalName)
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	in.Website = strings.TrimSpace(in.Website)
	in.ContactEmail = NormalizeEmail(in.ContactEmail)
	if in.Sectors == nil {
		in.Sectors = []string{}
	}
}

// Validate reports every broken rule at once.
func (in Institution) Validate() error {
	var p Problems
	checkLength(&p, "name", in.Name, true, 200)
	checkLine(&p, "name", in.Name)
	checkLength(&p, "local_name", in.LocalName, false, 200)
	checkLine(&p, "local_name", in.LocalName)
	checkLength(&p, "description", in.Description, false, 5000)
	checkText(&p, "description", in.Description)
	if !ValidCountry(in.Country) {
		p.Add("country", "must be an ISO 3166-1 alpha-2 code such as CN or TH")
	}
	if !ValidInstitutionType(in.Type) {
		p.Add("type", "must be one of %s", strings.Join(InstitutionTypes, ", "))
	}
	if len(in.Sectors) > len(Sectors) {
		p.Add("sectors", "must list at most %d sectors", len(Sectors))
	}
	for i, s := range in.Sectors {
		switch {
		case !ValidSector(s):
			p.Add(fmt.Sprintf("sectors[%d]", i), "is not a known sector")
		case slices.Index(in.Sectors, s) != i:
			p.Add(fmt.Sprintf("sectors[%d]", i), "is listed twice")
		}
	}
	if in.Website != "" && !validWebsite(in.Website) {
		p.Add("website", "must be an http or https URL")
	}
	if in.ContactEmail != "" && !validEmail(in.ContactEmail) {
		p.Add("contact_email", "must be an email address")
	}
	return p.Err()
}

// redactFor hides what the actor may not see.
func (in Institution) redactFor(a Actor) Institution {
	if !a.IsStaff() && !a.BelongsTo(in.ID) {
		in.ContactEmail = ""
	}
	return in
}

// CreateInstitution adds an institution (staff only).
func (s *Service) CreateInstitution(ctx context.Context, a Actor, in Institution) (Institution, error) {
	if err := requireStaff(a); err != nil {
		return Institution{}, err
	}
	in.normalize()
	if err := in.Validate(); err != nil {
		return Institution{}, err
	}
	now := s.now()
	in.ID, in.Version, in.CreatedAt, in.UpdatedAt = newID(), 1, now, now
	if err := s.write(ctx, a, func(u *unit) error { return u.CreateInstitution(ctx, in) }); err != nil {
		return Institution{}, fmt.Errorf("create institution: %w", err)
	}
	return in, nil
}

// Institution returns one institution as the actor may see it.
func (s *Service) Institution(ctx context.Context, a Actor, id string) (Institution, error) {
	if !a.Authenticated() {
		return Institution{}, ErrUnauthenticated
	}
	if !ValidID(id) {
		return Institution{}, Errorf(ErrNotFound, "institution %s not found", id)
	}
	in, err := s.db(ctx).InstitutionByID(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Institution{}, Errorf(ErrNotFound, "institution %s not found", id)
	}
	if err != nil {
		return Institution{}, fmt.Errorf("institution %s: %w", id, err)
	}
	return in.redactFor(a), nil
}

// ListInstitutions pages through institutions as the actor may see them.
func (s *Service) ListInstitutions(ctx context.Context, a Actor, f InstitutionFilter, r PageRequest) (Page[Institution], error) {
	if !a.Authenticated() {
		return Page[Institution]{}, ErrUnauthenticated
	}
	f.Country = strings.ToUpper(f.Country)
	var p Problems
	if f.Country != "" && !ValidCountry(f.Country) {
		p.Add("country", "must be an ISO 3166-1 alpha-2 code")
	}
	if f.Type != "" && !ValidInstitutionType(f.Type) {
		p.Add("type", "must be one of %s", strings.Join(InstitutionTypes, ", "))
	}
	if f.Sector != "" && !ValidSector(f.Sector) {
		p.Add("sector", "is not a known sector")
	}
	if err := p.Err(); err != nil {
		return Page[Institution]{}, err
	}
	q, err := r.query(InstitutionSorts, "created_at")
	if err != nil {
		return Page[Institution]{}, err
	}
	items, total, err := s.db(ctx).ListInstitutions(ctx, f, q)
	if err != nil {
		return Page[Institution]{}, fmt.Errorf("list institutions: %w", err)
	}
	for i := range items {
		items[i] = items[i].redactFor(a)
	}
	return makePage(items, total, q, func(in Institution) (string, string) {
		if q.Sort.Key == "name" {
			return in.Name, in.ID
		}
		return "", in.ID
	}), nil
}

// UpdateInstitution applies a patch. Staff may change any institution; a
// partner only its own, and never the verified flag. ifMatch is the version
// the caller last saw (0 when it sent none).
func (s *Service) UpdateInstitution(ctx context.Context, a Actor, id string, ifMatch int, patch InstitutionPatch) (Institution, error) {
	in, err := s.Institution(ctx, a, id)
	if err != nil {
		return Institution{}, err
	}
	if !a.IsStaff() && !a.BelongsTo(id) {
		return Institution{}, Errorf(ErrForbidden, "only staff and the institution's own partners may change it")
	}
	if patch.Verified != nil && !a.IsStaff() {
		return Institution{}, Problems{{Field: "verified", Message: "only staff may verify an institution"}}.Err()
	}
	if ifMatch != 0 && ifMatch != in.Version {
		return Institution{}, Errorf(ErrPrecondition, "institution %s is at version %d, not %d", id, in.Version, ifMatch)
	}
	loaded := in
	set(&in.Name, patch.Name)
	set(&in.LocalName, patch.LocalName)
	set(&in.Country, patch.Country)
	set(&in.Type, patch.Type)
	set(&in.Sectors, patch.Sectors)
	set(&in.Website, patch.Website)
	set(&in.Description, patch.Description)
	set(&in.ContactEmail, patch.ContactEmail)
	set(&in.Verified, patch.Verified)
	in.normalize()
	if err := in.Validate(); err != nil {
		return Institution{}, err
	}
	if unchanged(loaded, in) {
		return in, nil
	}
	in.Version++
	in.UpdatedAt = s.now()
	if err := s.write(ctx, a, func(u *unit) error { return u.UpdateInstitution(ctx, in) }); err != nil {
		return Institution{}, fmt.Errorf("update institution %s: %w", id, err)
	}
	return in, nil
}

// unchanged reports that a patch left an entity as it was ({} or the same
// values): such a PATCH writes nothing and keeps the version, so that an
// ETag still matches and no audit event or webhook says something changed.
func unchanged[T any](before, after T) bool { return reflect.DeepEqual(before, after) }

// set assigns *v to *dst when the patch carries a value.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

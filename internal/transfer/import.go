package transfer

import (
	"context"
	"fmt"
)

// MaxImportRows bounds one import request.
const MaxImportRows = 50000

// ListingInput is a listing as read from a request or an import row, with
// the problems found while reading it (a date that is not a date, say), so
// that they are reported together with the validation problems.
type ListingInput struct {
	Listing  Listing
	Problems Problems
}

// ImportResult tells what became of one row: the id it was created with, or
// why it was not. Rows count from 1, as a person counts them.
type ImportResult struct {
	Row    int
	ID     string
	Errors []FieldError
}

// ImportOptions: Atomic creates nothing unless every row is valid; Publish
// creates the rows as published instead of draft.
type ImportOptions struct {
	Atomic  bool
	Publish bool
}

// ImportListings validates every row and creates the valid ones in one
// transaction (staff only). A bad row never stops the good ones unless the
// import is atomic; then the whole import is refused with every row's errors.
func (s *Service) ImportListings(ctx context.Context, a Actor, kind Kind, rows []ListingInput, opt ImportOptions) ([]ImportResult, error) {
	if err := requireStaff(a); err != nil {
		return nil, err
	}
	switch {
	case len(rows) == 0:
		return nil, Problems{{Field: "rows", Message: "the import holds no rows"}}.Err()
	case len(rows) > MaxImportRows:
		return nil, Problems{{Field: "rows", Message: fmt.Sprintf("at most %d rows per import", MaxImportRows)}}.Err()
	}
	now := s.now()
	results := make([]ImportResult, len(rows))
	ids := map[string]bool{}
	for i := range rows {
		l := &rows[i].Listing
		l.Kind = kind
		l.Status = StatusDraft
		if opt.Publish {
			l.Status = StatusPublished
		}
		rows[i].Problems = s.fillNew(a, l, now, rows[i].Problems)
		if l.InstitutionID != "" && ValidID(l.InstitutionID) {
			ids[l.InstitutionID] = true
		}
	}
	existing, err := s.db(ctx).ExistingInstitutions(ctx, keys(ids))
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	var valid []Listing
	var events []AuditEvent
	var all Problems
	for i := range rows {
		l, p := rows[i].Listing, rows[i].Problems
		if ValidID(l.InstitutionID) && !existing[l.InstitutionID] {
			p.Add("institution_id", "does not name an existing institution")
		}
		results[i] = ImportResult{Row: i + 1, Errors: p}
		for _, f := range p {
			all.Add(fmt.Sprintf("rows[%d].%s", i+1, f.Field), "%s", f.Message)
		}
		if len(p) == 0 {
			results[i].ID = l.ID
			valid = append(valid, l)
			// The imported row is the listing's first version; later events
			// carry old values, so the trail stays complete without copying
			// every field of every row a second time.
			events = append(events, AuditEvent{ID: newID(), EntityType: string(kind), EntityID: l.ID, ActorID: a.ID,
				ActorKind: a.Kind, ActorRole: a.Role, Action: "imported", Changes: map[string]Change{}, At: now})
		}
	}
	if opt.Atomic && len(all) > 0 {
		return results, &Error{Kind: ErrInvalid, Message: "the import is atomic and some rows are invalid; nothing was created", Fields: all}
	}
	if len(valid) == 0 {
		return results, nil
	}
	err = s.write(ctx, a, func(u *unit) error {
		if err := u.CreateListings(ctx, valid); err != nil {
			return err
		}
		u.audit = append(u.audit, events...)
		if opt.Publish {
			for _, l := range valid {
				u.listingMoved(l, "")
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("import %d %ss: %w", len(valid), kind, err)
	}
	return results, nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

package store

import (
	"context"
	"strings"

	"github.com/techbridge/techbridge/internal/transfer"
)

type institutionRow struct {
	ID           string `gorm:"primaryKey"`
	Name         string
	LocalName    string
	Country      string
	Type         string
	Sectors      string // ",a,b,": one LIKE finds a sector in both dialects
	Website      string
	Description  string
	ContactEmail string
	Verified     bool
	Version      int
	CreatedAt    timestamp `gorm:"autoCreateTime:false"`
	UpdatedAt    timestamp `gorm:"autoUpdateTime:false"`
}

func (institutionRow) TableName() string { return "institutions" }

func newInstitutionRow(in transfer.Institution) institutionRow {
	return institutionRow{ID: in.ID, Name: in.Name, LocalName: in.LocalName, Country: in.Country, Type: in.Type,
		Sectors: joinSet(in.Sectors), Website: in.Website, Description: in.Description, ContactEmail: in.ContactEmail,
		Verified: in.Verified, Version: in.Version, CreatedAt: ts(in.CreatedAt), UpdatedAt: ts(in.UpdatedAt)}
}

func (r institutionRow) domain() transfer.Institution {
	return transfer.Institution{ID: r.ID, Name: r.Name, LocalName: r.LocalName, Country: strings.TrimSpace(r.Country),
		Type: r.Type, Sectors: splitSet(r.Sectors), Website: r.Website, Description: r.Description,
		ContactEmail: r.ContactEmail, Verified: r.Verified, Version: r.Version,
		CreatedAt: r.CreatedAt.Time(), UpdatedAt: r.UpdatedAt.Time()}
}

func joinSet(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return "," + strings.Join(items, ",") + ","
}

func splitSet(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// CreateInstitution inserts an institution.
func (s *Store) CreateInstitution(ctx context.Context, in transfer.Institution) error {
	row := newInstitutionRow(in)
	return TranslateError(s.db.WithContext(ctx).Create(&row).Error)
}

// InstitutionByID finds an institution.
func (s *Store) InstitutionByID(ctx context.Context, id string) (transfer.Institution, error) {
	var row institutionRow
	err := s.db.WithContext(ctx).Take(&row, "id = ?", id).Error
	return row.domain(), TranslateError(err)
}

// ListInstitutions returns one page (plus one row) and the total.
func (s *Store) ListInstitutions(ctx context.Context, f transfer.InstitutionFilter, q transfer.ListQuery) ([]transfer.Institution, int64, error) {
	db := s.db.WithContext(ctx).Model(&institutionRow{})
	if f.Country != "" {
		db = db.Where("country = ?", f.Country)
	}
	if f.Type != "" {
		db = db.Where("type = ?", f.Type)
	}
	if f.Sector != "" {
		db = db.Where("sectors LIKE ?", "%,"+f.Sector+",%")
	}
	if f.Verified != nil {
		db = db.Where("verified = ?", *f.Verified)
	}
	var rows []institutionRow
	total, err := page(db, q, map[string]sortColumn{"created_at": {}, "name": {name: "name"}}, &rows)
	if err != nil {
		return nil, 0, err
	}
	out := make([]transfer.Institution, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, total, nil
}

// UpdateInstitution writes in when the stored version is the one before in.Version.
func (s *Store) UpdateInstitution(ctx context.Context, in transfer.Institution) error {
	r := newInstitutionRow(in)
	return s.updateVersioned(ctx, &institutionRow{}, r.ID, r.Version, map[string]any{
		"name": r.Name, "local_name": r.LocalName, "country": r.Country, "type": r.Type, "sectors": r.Sectors,
		"website": r.Website, "description": r.Description, "contact_email": r.ContactEmail,
		"verified": r.Verified, "version": r.Version, "updated_at": r.UpdatedAt,
	})
}

package store

import (
	"context"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

type clientRow struct {
	ID            string `gorm:"primaryKey"`
	InstitutionID string
	Name          string
	SecretHash    string
	CreatedBy     string
	CreatedAt     timestamp `gorm:"autoCreateTime:false"`
	RevokedAt     *timestamp
}

func (clientRow) TableName() string { return "api_clients" }

func newClientRow(c transfer.Client) clientRow {
	return clientRow{ID: c.ID, InstitutionID: c.InstitutionID, Name: c.Name, SecretHash: c.SecretHash,
		CreatedBy: c.CreatedBy, CreatedAt: ts(c.CreatedAt), RevokedAt: tsPtr(c.RevokedAt)}
}

func (r clientRow) domain() transfer.Client {
	return transfer.Client{ID: r.ID, InstitutionID: r.InstitutionID, Name: r.Name, SecretHash: r.SecretHash,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.Time(), RevokedAt: r.RevokedAt.TimePtr()}
}

// CreateClient stores a machine client.
func (s *Store) CreateClient(ctx context.Context, c transfer.Client) error {
	row := newClientRow(c)
	return TranslateError(s.db.WithContext(ctx).Create(&row).Error)
}

// ClientByID finds a machine client.
func (s *Store) ClientByID(ctx context.Context, id string) (transfer.Client, error) {
	var row clientRow
	err := s.db.WithContext(ctx).Take(&row, "id = ?", id).Error
	return row.domain(), TranslateError(err)
}

// ListClients returns an institution's clients, oldest first.
func (s *Store) ListClients(ctx context.Context, institutionID string) ([]transfer.Client, error) {
	var rows []clientRow
	err := s.db.WithContext(ctx).Where("institution_id = ?", institutionID).Order("id").Find(&rows).Error
	out := make([]transfer.Client, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, TranslateError(err)
}

// RevokeClient marks a client revoked.
func (s *Store) RevokeClient(ctx context.Context, id string, at time.Time) error {
	return TranslateError(s.db.WithContext(ctx).Model(&clientRow{}).
		Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", ts(at)).Error)
}

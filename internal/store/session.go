package store

import (
	"context"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

type refreshTokenRow struct {
	ID        string `gorm:"primaryKey"`
	UserID    string
	FamilyID  string
	Hash      string
	CreatedAt timestamp `gorm:"autoCreateTime:false"`
	ExpiresAt timestamp
	UsedAt    *timestamp
	RevokedAt *timestamp
}

func (refreshTokenRow) TableName() string { return "refresh_tokens" }

func newRefreshTokenRow(t transfer.RefreshToken) refreshTokenRow {
	return refreshTokenRow{ID: t.ID, UserID: t.UserID, FamilyID: t.FamilyID, Hash: t.Hash,
		CreatedAt: ts(t.CreatedAt), ExpiresAt: ts(t.ExpiresAt), UsedAt: tsPtr(t.UsedAt), RevokedAt: tsPtr(t.RevokedAt)}
}

func (r refreshTokenRow) domain() transfer.RefreshToken {
	return transfer.RefreshToken{ID: r.ID, UserID: r.UserID, FamilyID: r.FamilyID, Hash: r.Hash,
		CreatedAt: r.CreatedAt.Time(), ExpiresAt: r.ExpiresAt.Time(), UsedAt: r.UsedAt.TimePtr(), RevokedAt: r.RevokedAt.TimePtr()}
}

// CreateRefreshToken stores a refresh token's hash.
func (s *Store) CreateRefreshToken(ctx context.Context, t transfer.RefreshToken) error {
	row := newRefreshTokenRow(t)
	return TranslateError(s.db.WithContext(ctx).Create(&row).Error)
}

// RefreshTokenByHash finds a refresh token by the hash of its secret.
func (s *Store) RefreshTokenByHash(ctx context.Context, hash string) (transfer.RefreshToken, error) {
	var row refreshTokenRow
	err := s.db.WithContext(ctx).Take(&row, "hash = ?", hash).Error
	return row.domain(), TranslateError(err)
}

// UseRefreshToken marks a token used in one conditional UPDATE, so that of two
// concurrent refreshes with the same token exactly one wins.
func (s *Store) UseRefreshToken(ctx context.Context, id string, at time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&refreshTokenRow{}).
		Where("id = ? AND used_at IS NULL AND revoked_at IS NULL", id).Update("used_at", ts(at))
	return res.RowsAffected == 1, TranslateError(res.Error)
}

// RevokeRefreshFamily revokes every token of a login.
func (s *Store) RevokeRefreshFamily(ctx context.Context, familyID string, at time.Time) error {
	return TranslateError(s.db.WithContext(ctx).Model(&refreshTokenRow{}).
		Where("family_id = ? AND revoked_at IS NULL", familyID).Update("revoked_at", ts(at)).Error)
}

// RevokeUserRefreshTokens revokes every token of a user.
func (s *Store) RevokeUserRefreshTokens(ctx context.Context, userID string, at time.Time) error {
	return TranslateError(s.db.WithContext(ctx).Model(&refreshTokenRow{}).
		Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", ts(at)).Error)
}

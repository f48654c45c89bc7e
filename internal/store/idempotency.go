package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

type idempotencyRow struct {
	Scope           string `gorm:"primaryKey"`
	Key             string `gorm:"primaryKey"`
	Fingerprint     string
	Done            bool
	ResponseStatus  int
	ResponseHeaders string
	ResponseBody    []byte
	CreatedAt       timestamp
	UpdatedAt       timestamp
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

func (r idempotencyRow) domain() (transfer.IdempotencyRecord, error) {
	rec := transfer.IdempotencyRecord{Scope: r.Scope, Key: r.Key, Fingerprint: r.Fingerprint, Done: r.Done,
		CreatedAt: r.CreatedAt.Time(), Response: transfer.StoredResponse{Status: r.ResponseStatus, Body: r.ResponseBody}}
	return rec, json.Unmarshal([]byte(r.ResponseHeaders), &rec.Response.Headers)
}

// ClaimIdempotencyKey inserts the record, or returns the one that holds the
// key. The primary key decides between concurrent claimers.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, rec transfer.IdempotencyRecord, staleBefore, abandonedBefore time.Time) (transfer.IdempotencyRecord, bool, error) {
	db := s.db.WithContext(ctx)
	// Old keys and requests that died holding a key give way.
	err := db.Where("scope = ? AND key = ? AND (created_at < ? OR (NOT done AND updated_at < ?))",
		rec.Scope, rec.Key, ts(staleBefore), ts(abandonedBefore)).Delete(&idempotencyRow{}).Error
	if err != nil {
		return transfer.IdempotencyRecord{}, false, TranslateError(err)
	}
	row := idempotencyRow{Scope: rec.Scope, Key: rec.Key, Fingerprint: rec.Fingerprint, ResponseHeaders: "{}",
		CreatedAt: ts(rec.CreatedAt), UpdatedAt: ts(rec.CreatedAt)}
	err = TranslateError(db.Create(&row).Error)
	if err == nil {
		return rec, true, nil
	}
	if !errors.Is(err, transfer.ErrConflict) {
		return transfer.IdempotencyRecord{}, false, err
	}
	var existing idempotencyRow
	if err := db.Take(&existing, "scope = ? AND key = ?", rec.Scope, rec.Key).Error; err != nil {
		return transfer.IdempotencyRecord{}, false, TranslateError(err)
	}
	out, err := existing.domain()
	return out, false, err
}

// CompleteIdempotencyKey stores the response of the request holding the key.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, scope, key string, resp transfer.StoredResponse) error {
	headers, err := json.Marshal(resp.Headers)
	if err != nil {
		return err
	}
	return TranslateError(s.db.WithContext(ctx).Model(&idempotencyRow{}).Where("scope = ? AND key = ?", scope, key).
		Updates(map[string]any{"done": true, "response_status": resp.Status, "response_headers": string(headers),
			"response_body": resp.Body, "updated_at": ts(time.Now())}).Error)
}

// ReleaseIdempotencyKey forgets a key whose request failed, so a retry runs.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, scope, key string) error {
	return TranslateError(s.db.WithContext(ctx).Where("scope = ? AND key = ? AND NOT done", scope, key).Delete(&idempotencyRow{}).Error)
}

// PurgeIdempotencyKeys deletes keys created before the time.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("created_at < ?", ts(before)).Delete(&idempotencyRow{})
	return res.RowsAffected, TranslateError(res.Error)
}

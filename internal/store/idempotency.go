package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm/clause"

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
// key. Call it inside the transaction of the request it protects: the
// primary key decides between concurrent claimers, and a claimer that meets
// a claim not yet committed waits for that transaction (on Postgres at most
// 10 s, then ErrConflict; SQLite's one writer at a time waits its busy
// timeout before the transaction even starts).
func (s *Store) ClaimIdempotencyKey(ctx context.Context, rec transfer.IdempotencyRecord, staleBefore, abandonedBefore time.Time) (transfer.IdempotencyRecord, bool, error) {
	db := s.db.WithContext(ctx)
	if s.dialect == Postgres && s.conn != nil {
		if err := db.Exec("SET LOCAL lock_timeout = '10s'").Error; err != nil {
			return transfer.IdempotencyRecord{}, false, TranslateError(err)
		}
		defer db.Exec("SET LOCAL lock_timeout = 0")
	}
	// Old keys, and claims left unfinished by an older version of the
	// service, give way.
	err := db.Where("scope = ? AND key = ? AND (created_at < ? OR (NOT done AND updated_at < ?))",
		rec.Scope, rec.Key, ts(staleBefore), ts(abandonedBefore)).Delete(&idempotencyRow{}).Error
	if err != nil {
		return transfer.IdempotencyRecord{}, false, claimError(err)
	}
	row := idempotencyRow{Scope: rec.Scope, Key: rec.Key, Fingerprint: rec.Fingerprint, ResponseHeaders: "{}",
		CreatedAt: ts(rec.CreatedAt), UpdatedAt: ts(rec.CreatedAt)}
	res := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return transfer.IdempotencyRecord{}, false, claimError(res.Error)
	}
	if res.RowsAffected == 1 {
		return rec, true, nil
	}
	var existing idempotencyRow
	if err := db.Take(&existing, "scope = ? AND key = ?", rec.Scope, rec.Key).Error; err != nil {
		return transfer.IdempotencyRecord{}, false, TranslateError(err)
	}
	out, err := existing.domain()
	return out, false, err
}

// claimError: waiting too long for another claim of the key is a conflict.
func claimError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "55P03" { // lock_not_available
		return &transfer.Error{Kind: transfer.ErrConflict, RetryAfter: time.Second,
			Message: "a request with this Idempotency-Key is still being processed"}
	}
	return TranslateError(err)
}

// CompleteIdempotencyKey stores the response of the request holding the key,
// in that request's transaction.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, scope, key string, resp transfer.StoredResponse) error {
	headers, err := json.Marshal(resp.Headers)
	if err != nil {
		return err
	}
	return TranslateError(s.db.WithContext(ctx).Model(&idempotencyRow{}).Where("scope = ? AND key = ?", scope, key).
		Updates(map[string]any{"done": true, "response_status": resp.Status, "response_headers": string(headers),
			"response_body": resp.Body, "updated_at": ts(time.Now())}).Error)
}

// PurgeIdempotencyKeys deletes keys created before the time.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("created_at < ?", ts(before)).Delete(&idempotencyRow{})
	return res.RowsAffected, TranslateError(res.Error)
}

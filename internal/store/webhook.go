package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Webhook signing secrets must be readable to sign, so they are stored
// sealed with AES-GCM under a key derived from Config.SecretKey: a copy of
// the database alone does not reveal them.

func newAEAD(key []byte) cipher.AEAD {
	sum := sha256.Sum256(append([]byte("techbridge webhook secrets\x00"), key...))
	block, _ := aes.NewCipher(sum[:])
	aead, _ := cipher.NewGCM(block)
	return aead
}

func (s *Store) seal(plain string) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, []byte(plain), nil)
}

func (s *Store) open(sealed []byte) (string, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("sealed secret is too short")
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return "", fmt.Errorf("open webhook secret (was TECHBRIDGE_JWT_SECRET changed?): %w", err)
	}
	return string(plain), nil
}

type endpointRow struct {
	ID             string `gorm:"primaryKey"`
	InstitutionID  string
	URL            string `gorm:"column:url"`
	Description    string
	Events         string
	Paused         bool
	DisabledReason string
	Secret         []byte
	PreviousSecret []byte
	PreviousUntil  *timestamp
	Version        int
	CreatedAt      timestamp
	UpdatedAt      timestamp
}

func (endpointRow) TableName() string { return "webhook_endpoints" }

func (s *Store) newEndpointRow(e transfer.Endpoint) endpointRow {
	r := endpointRow{ID: e.ID, InstitutionID: e.InstitutionID, URL: e.URL, Description: e.Description,
		Events: joinSet(e.Events), Paused: e.Paused, DisabledReason: e.DisabledReason, Secret: s.seal(e.Secret),
		PreviousUntil: tsPtr(e.PreviousUntil), Version: e.Version, CreatedAt: ts(e.CreatedAt), UpdatedAt: ts(e.UpdatedAt)}
	if e.PreviousSecret != "" {
		r.PreviousSecret = s.seal(e.PreviousSecret)
	}
	return r
}

func (s *Store) endpoint(r endpointRow) (transfer.Endpoint, error) {
	e := transfer.Endpoint{ID: r.ID, InstitutionID: r.InstitutionID, URL: r.URL, Description: r.Description,
		Events: splitSet(r.Events), Paused: r.Paused, DisabledReason: r.DisabledReason, PreviousUntil: r.PreviousUntil.TimePtr(),
		Version: r.Version, CreatedAt: r.CreatedAt.Time(), UpdatedAt: r.UpdatedAt.Time()}
	// A secret sealed under another key (TECHBRIDGE_JWT_SECRET changed) stays
	// empty: the endpoint can still be listed, changed, rotated or deleted;
	// its deliveries fail until the secret is rotated.
	e.Secret, _ = s.open(r.Secret)
	if len(r.PreviousSecret) > 0 {
		e.PreviousSecret, _ = s.open(r.PreviousSecret)
	}
	return e, nil
}

// CreateEndpoint stores an endpoint with its secret sealed.
func (s *Store) CreateEndpoint(ctx context.Context, e transfer.Endpoint) error {
	r := s.newEndpointRow(e)
	return TranslateError(s.db.WithContext(ctx).Create(&r).Error)
}

// EndpointByID finds an endpoint, secrets opened.
func (s *Store) EndpointByID(ctx context.Context, id string) (transfer.Endpoint, error) {
	var r endpointRow
	if err := s.db.WithContext(ctx).Take(&r, "id = ?", id).Error; err != nil {
		return transfer.Endpoint{}, TranslateError(err)
	}
	return s.endpoint(r)
}

// ListEndpoints returns an institution's endpoints (all when empty), oldest first.
func (s *Store) ListEndpoints(ctx context.Context, institutionID string) ([]transfer.Endpoint, error) {
	db := s.db.WithContext(ctx)
	if institutionID != "" {
		db = db.Where("institution_id = ?", institutionID)
	}
	var rows []endpointRow
	if err := db.Order("id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err)
	}
	out := make([]transfer.Endpoint, 0, len(rows))
	for _, r := range rows {
		e, err := s.endpoint(r)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// UpdateEndpoint writes e when the stored version is e.Version-1.
func (s *Store) UpdateEndpoint(ctx context.Context, e transfer.Endpoint) error {
	r := s.newEndpointRow(e)
	return s.updateVersioned(ctx, &endpointRow{}, r.ID, r.Version, map[string]any{"url": r.URL, "description": r.Description,
		"events": r.Events, "paused": r.Paused, "disabled_reason": r.DisabledReason, "secret": r.Secret,
		"previous_secret": r.PreviousSecret, "previous_until": r.PreviousUntil, "version": r.Version, "updated_at": r.UpdatedAt})
}

// DeleteEndpoint removes an endpoint with its deliveries and their attempts.
func (s *Store) DeleteEndpoint(ctx context.Context, id string) error {
	return s.Tx(ctx, func(ts transfer.Store) error {
		st := ts.(*Store)
		db := st.db.WithContext(ctx)
		if err := db.Exec("DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = ?)", id).Error; err != nil {
			return TranslateError(err)
		}
		if err := db.Exec("DELETE FROM webhook_deliveries WHERE endpoint_id = ?", id).Error; err != nil {
			return TranslateError(err)
		}
		return TranslateError(db.Exec("DELETE FROM webhook_endpoints WHERE id = ?", id).Error)
	})
}

type webhookEventRow struct {
	ID            string `gorm:"primaryKey"`
	Type          string
	InstitutionID string
	Payload       string
	CreatedAt     timestamp
}

func (webhookEventRow) TableName() string { return "webhook_events" }

type deliveryRow struct {
	ID            string `gorm:"primaryKey"`
	EventID       string
	EndpointID    string
	Status        string
	Attempts      int
	NextAttemptAt *timestamp
	LockedUntil   *timestamp
	LastStatus    int
	LastError     string
	CreatedAt     timestamp
	UpdatedAt     timestamp
}

func (deliveryRow) TableName() string { return "webhook_deliveries" }

func newDeliveryRow(d transfer.Delivery) deliveryRow {
	return deliveryRow{ID: d.ID, EventID: d.EventID, EndpointID: d.EndpointID, Status: d.Status, Attempts: d.Attempts,
		NextAttemptAt: tsPtr(d.NextAttemptAt), LastStatus: d.LastStatus, LastError: d.LastError,
		CreatedAt: ts(d.CreatedAt), UpdatedAt: ts(d.UpdatedAt)}
}

func (r deliveryRow) domain() transfer.Delivery {
	return transfer.Delivery{ID: r.ID, EventID: r.EventID, EndpointID: r.EndpointID, Status: r.Status, Attempts: r.Attempts,
		NextAttemptAt: r.NextAttemptAt.TimePtr(), LastStatus: r.LastStatus, LastError: r.LastError,
		CreatedAt: r.CreatedAt.Time(), UpdatedAt: r.UpdatedAt.Time()}
}

type attemptRow struct {
	ID         string `gorm:"primaryKey"`
	DeliveryID string
	Attempt    int
	StatusCode int
	Error      string
	DurationMS int `gorm:"column:duration_ms"`
	At         timestamp
}

func (attemptRow) TableName() string { return "webhook_attempts" }

// CreateWebhookEvent writes an event and its deliveries (the outbox).
func (s *Store) CreateWebhookEvent(ctx context.Context, ev transfer.WebhookEvent, ds []transfer.Delivery) error {
	db := s.db.WithContext(ctx)
	r := webhookEventRow{ID: ev.ID, Type: ev.Type, InstitutionID: ev.InstitutionID, Payload: string(ev.Payload), CreatedAt: ts(ev.CreatedAt)}
	if err := db.Create(&r).Error; err != nil {
		return TranslateError(err)
	}
	rows := make([]deliveryRow, len(ds))
	for i, d := range ds {
		rows[i] = newDeliveryRow(d)
	}
	return TranslateError(db.Create(&rows).Error)
}

// CreateDelivery queues one more delivery of an existing event.
func (s *Store) CreateDelivery(ctx context.Context, d transfer.Delivery) error {
	r := newDeliveryRow(d)
	return TranslateError(s.db.WithContext(ctx).Create(&r).Error)
}

// DeliveryByID finds a delivery.
func (s *Store) DeliveryByID(ctx context.Context, id string) (transfer.Delivery, error) {
	var r deliveryRow
	if err := s.db.WithContext(ctx).Take(&r, "id = ?", id).Error; err != nil {
		return transfer.Delivery{}, TranslateError(err)
	}
	return r.domain(), nil
}

// ListDeliveries returns an endpoint's deliveries with their event types and attempts.
func (s *Store) ListDeliveries(ctx context.Context, endpointID string, q transfer.ListQuery) ([]transfer.Delivery, int64, error) {
	db := s.db.WithContext(ctx).Model(&deliveryRow{}).Where("endpoint_id = ?", endpointID)
	var rows []deliveryRow
	total, err := page(db, q, map[string]sortColumn{"created_at": {}}, &rows)
	if err != nil {
		return nil, 0, err
	}
	out := make([]transfer.Delivery, len(rows))
	ids := make([]string, len(rows))
	eventIDs := make([]string, len(rows))
	for i, r := range rows {
		out[i], ids[i], eventIDs[i] = r.domain(), r.ID, r.EventID
	}
	if len(ids) == 0 {
		return out, total, nil
	}
	var atts []attemptRow
	if err := s.db.WithContext(ctx).Where("delivery_id IN ?", ids).Order("attempt").Find(&atts).Error; err != nil {
		return nil, 0, TranslateError(err)
	}
	var evs []webhookEventRow
	if err := s.db.WithContext(ctx).Select("id, type").Where("id IN ?", eventIDs).Find(&evs).Error; err != nil {
		return nil, 0, TranslateError(err)
	}
	types := map[string]string{}
	for _, e := range evs {
		types[e.ID] = e.Type
	}
	byDelivery := map[string][]transfer.Attempt{}
	for _, a := range atts {
		byDelivery[a.DeliveryID] = append(byDelivery[a.DeliveryID], transfer.Attempt{Attempt: a.Attempt,
			StatusCode: a.StatusCode, Error: a.Error, DurationMS: a.DurationMS, At: a.At.Time()})
	}
	for i := range out {
		out[i].History, out[i].EventType = byDelivery[out[i].ID], types[out[i].EventID]
	}
	return out, total, nil
}

// ClaimDeliveries leases due deliveries of active endpoints in one statement,
// so that two processes never take the same one (SKIP LOCKED on Postgres;
// SQLite has one writer at a time).
func (s *Store) ClaimDeliveries(ctx context.Context, now, leaseUntil time.Time, limit int) ([]transfer.ClaimedDelivery, error) {
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE OF d SKIP LOCKED"
	}
	var rows []deliveryRow
	err := s.db.WithContext(ctx).Raw(`UPDATE webhook_deliveries SET locked_until = ? WHERE id IN (
		SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
		WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND (d.locked_until IS NULL OR d.locked_until < ?)
		AND NOT e.paused AND e.disabled_reason = '' ORDER BY d.next_attempt_at LIMIT ?`+lock+`) RETURNING *`,
		ts(leaseUntil), ts(now), ts(now), limit).Scan(&rows).Error
	if err != nil {
		return nil, TranslateError(err)
	}
	out := make([]transfer.ClaimedDelivery, 0, len(rows))
	for _, r := range rows {
		var ev webhookEventRow
		if err := s.db.WithContext(ctx).Take(&ev, "id = ?", r.EventID).Error; err != nil {
			return nil, TranslateError(err)
		}
		e, err := s.EndpointByID(ctx, r.EndpointID)
		if err != nil {
			return nil, err
		}
		out = append(out, transfer.ClaimedDelivery{Delivery: r.domain(), Endpoint: e, Payload: []byte(ev.Payload)})
	}
	return out, nil
}

// FinishDelivery records an attempt, the delivery's state, and a disabled endpoint.
func (s *Store) FinishDelivery(ctx context.Context, d transfer.Delivery, a transfer.Attempt, disable string) error {
	return s.Tx(ctx, func(t transfer.Store) error {
		st := t.(*Store)
		db := st.db.WithContext(ctx)
		att := attemptRow{ID: newRowID(), DeliveryID: d.ID, Attempt: a.Attempt, StatusCode: a.StatusCode, Error: a.Error,
			DurationMS: a.DurationMS, At: ts(a.At)}
		if err := db.Create(&att).Error; err != nil {
			return TranslateError(err)
		}
		err := db.Model(&deliveryRow{}).Where("id = ?", d.ID).Updates(map[string]any{"status": d.Status, "attempts": d.Attempts,
			"next_attempt_at": tsPtr(d.NextAttemptAt), "locked_until": nil, "last_status": d.LastStatus,
			"last_error": d.LastError, "updated_at": ts(d.UpdatedAt)}).Error
		if err != nil {
			return TranslateError(err)
		}
		if disable != "" {
			return TranslateError(db.Exec("UPDATE webhook_endpoints SET disabled_reason = ? WHERE id = ?", disable, d.EndpointID).Error)
		}
		return nil
	})
}

// ExpiringListings returns published listings ending in (now, until] whose
// expiry has not been announced.
func (s *Store) ExpiringListings(ctx context.Context, now, until time.Time, limit int) ([]transfer.Listing, error) {
	var rows []listingRow
	err := s.db.WithContext(ctx).Where(`status = 'published' AND ends_at > ? AND ends_at <= ? AND NOT EXISTS
		(SELECT 1 FROM webhook_expiring_sent x WHERE x.listing_id = listings.id AND x.ends_at = listings.ends_at)`,
		ts(now), ts(until)).Order("ends_at").Limit(limit).Find(&rows).Error
	return listingRows(rows), TranslateError(err)
}

// MarkExpiringSent records that a listing's expiry was announced.
func (s *Store) MarkExpiringSent(ctx context.Context, listingID string, endsAt time.Time) error {
	return TranslateError(s.db.WithContext(ctx).Exec("INSERT INTO webhook_expiring_sent (listing_id, ends_at) VALUES (?, ?)",
		listingID, ts(endsAt)).Error)
}

package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm/clause"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Saved searches, notifications, e-mail settings and the mail outbox (issue 16).

type savedSearchRow struct {
	ID             string `gorm:"primaryKey"`
	OwnerID        string
	OwnerKind      string
	InstitutionID  *string
	Name           string
	Type           string
	Kind           string
	Sector         string
	Subsector      string
	Country        string
	TRLMin         int `gorm:"column:trl_min"`
	TRLMax         int `gorm:"column:trl_max"`
	TransferMode   string
	Language       string
	Q              string `gorm:"column:q"`
	WatchListingID *string
	MinScore       int
	Deleted        bool
	Version        int
	CreatedAt      timestamp
	UpdatedAt      timestamp
}

func (savedSearchRow) TableName() string { return "saved_searches" }

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func newSavedSearchRow(ss transfer.SavedSearch) savedSearchRow {
	return savedSearchRow{ID: ss.ID, OwnerID: ss.OwnerID, OwnerKind: string(ss.OwnerKind), InstitutionID: nullable(ss.InstitutionID),
		Name: ss.Name, Type: ss.Type, Kind: string(ss.Kind), Sector: ss.Sector, Subsector: ss.Subsector, Country: ss.Country,
		TRLMin: ss.TRLMin, TRLMax: ss.TRLMax, TransferMode: ss.TransferMode, Language: ss.Language, Q: ss.Q,
		WatchListingID: nullable(ss.WatchListingID), MinScore: ss.MinScore, Deleted: ss.Deleted, Version: ss.Version,
		CreatedAt: ts(ss.CreatedAt), UpdatedAt: ts(ss.UpdatedAt)}
}

func (r savedSearchRow) domain() transfer.SavedSearch {
	return transfer.SavedSearch{ID: r.ID, OwnerID: r.OwnerID, OwnerKind: transfer.ActorKind(r.OwnerKind),
		InstitutionID: deref(r.InstitutionID), Name: r.Name, Type: r.Type, Kind: transfer.Kind(r.Kind), Sector: r.Sector,
		Subsector: r.Subsector, Country: r.Country, TRLMin: r.TRLMin, TRLMax: r.TRLMax, TransferMode: r.TransferMode,
		Language: r.Language, Q: r.Q, WatchListingID: deref(r.WatchListingID), MinScore: r.MinScore, Deleted: r.Deleted,
		Version: r.Version, CreatedAt: r.CreatedAt.Time(), UpdatedAt: r.UpdatedAt.Time()}
}

// LockAndCountSavedSearches serialises one owner's creates: on PostgreSQL
// with a transaction-scoped advisory lock on the owner, on SQLite by the
// write lock every transaction takes when it begins.
func (s *Store) LockAndCountSavedSearches(ctx context.Context, ownerID string) (int64, error) {
	db := s.db.WithContext(ctx)
	if s.dialect == Postgres {
		if err := db.Exec("SELECT pg_advisory_xact_lock(hashtextextended('saved_searches:' || ?, 0))", ownerID).Error; err != nil {
			return 0, TranslateError(err)
		}
	}
	var n int64
	err := db.Model(&savedSearchRow{}).Where("owner_id = ? AND NOT deleted", ownerID).Count(&n).Error
	return n, TranslateError(err)
}

func (s *Store) CreateSavedSearch(ctx context.Context, ss transfer.SavedSearch) error {
	row := newSavedSearchRow(ss)
	return TranslateError(s.db.WithContext(ctx).Create(&row).Error)
}

func (s *Store) SavedSearchByID(ctx context.Context, id string) (transfer.SavedSearch, error) {
	var row savedSearchRow
	err := s.db.WithContext(ctx).Take(&row, "id = ?", id).Error
	return row.domain(), TranslateError(err)
}

func (s *Store) ListSavedSearches(ctx context.Context, f transfer.SavedSearchFilter, q transfer.ListQuery) ([]transfer.SavedSearch, int64, error) {
	db := s.db.WithContext(ctx).Model(&savedSearchRow{}).Where("NOT deleted")
	if f.OwnerID != "" {
		db = db.Where("owner_id = ?", f.OwnerID)
	}
	switch {
	case f.InstitutionID != "" && f.MemberID != "":
		db = db.Where("(institution_id = ? OR owner_id = ?)", f.InstitutionID, f.MemberID)
	case f.InstitutionID != "":
		db = db.Where("institution_id = ?", f.InstitutionID)
	}
	if f.Type != "" {
		db = db.Where("type = ?", f.Type)
	}
	var rows []savedSearchRow
	total, err := page(db, q, map[string]sortColumn{"created_at": {}}, &rows)
	if err != nil {
		return nil, 0, err
	}
	out := make([]transfer.SavedSearch, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, total, nil
}

func (s *Store) UpdateSavedSearch(ctx context.Context, ss transfer.SavedSearch) error {
	r := newSavedSearchRow(ss)
	return s.updateVersioned(ctx, &savedSearchRow{}, r.ID, r.Version, map[string]any{"name": r.Name, "sector": r.Sector,
		"subsector": r.Subsector, "country": r.Country, "trl_min": r.TRLMin, "trl_max": r.TRLMax, "transfer_mode": r.TransferMode,
		"language": r.Language, "q": r.Q, "min_score": r.MinScore, "deleted": r.Deleted, "version": r.Version,
		"updated_at": r.UpdatedAt})
}

func (s *Store) SavedSearchesChangedSince(ctx context.Context, since time.Time, afterID string, limit int) ([]transfer.SavedSearch, error) {
	db := s.db.WithContext(ctx)
	if afterID == "" {
		db = db.Where("updated_at >= ?", ts(since))
	} else {
		db = db.Where("updated_at > ? OR (updated_at = ? AND id > ?)", ts(since), ts(since), afterID)
	}
	var rows []savedSearchRow
	if err := db.Order("updated_at, id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, TranslateError(err)
	}
	out := make([]transfer.SavedSearch, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

type notificationRow struct {
	ID            string `gorm:"primaryKey"`
	RecipientID   string
	InstitutionID *string
	Type          string
	Title         string
	Body          string
	Data          string
	DedupeKey     *string
	ReadAt        *timestamp
	MailedAt      *timestamp
	CreatedAt     timestamp
}

func (notificationRow) TableName() string { return "notifications" }

func newNotificationRow(n transfer.Notification) notificationRow {
	return notificationRow{ID: n.ID, RecipientID: n.RecipientID, InstitutionID: nullable(n.InstitutionID), Type: n.Type,
		Title: n.Title, Body: n.Body, Data: transfer.NoteDataJSON(n.Data), DedupeKey: nullable(n.Key), ReadAt: tsPtr(n.ReadAt),
		MailedAt: tsPtr(n.MailedAt), CreatedAt: ts(n.CreatedAt)}
}

func (r notificationRow) domain() transfer.Notification {
	return transfer.Notification{ID: r.ID, RecipientID: r.RecipientID, InstitutionID: deref(r.InstitutionID), Type: r.Type,
		Title: r.Title, Body: r.Body, Data: transfer.NoteDataOf(r.Data), Key: deref(r.DedupeKey), ReadAt: r.ReadAt.TimePtr(),
		MailedAt: r.MailedAt.TimePtr(), CreatedAt: r.CreatedAt.Time()}
}

func notificationRows(rows []notificationRow) []transfer.Notification {
	out := make([]transfer.Notification, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out
}

// AddNotification inserts n; a used dedupe key inserts nothing (the unique
// index decides, so two processes racing write one row).
func (s *Store) AddNotification(ctx context.Context, n transfer.Notification) (bool, error) {
	row := newNotificationRow(n)
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if err := TranslateError(res.Error); err != nil {
		return false, err
	}
	return res.RowsAffected == 1, nil
}

func (s *Store) NotificationByID(ctx context.Context, id string) (transfer.Notification, error) {
	var row notificationRow
	err := s.db.WithContext(ctx).Take(&row, "id = ?", id).Error
	return row.domain(), TranslateError(err)
}

func (s *Store) ListNotifications(ctx context.Context, recipientID string, f transfer.NotificationFilter, q transfer.ListQuery) ([]transfer.Notification, int64, error) {
	db := s.db.WithContext(ctx).Model(&notificationRow{}).Where("recipient_id = ?", recipientID)
	if f.UnreadOnly {
		db = db.Where("read_at IS NULL")
	}
	var rows []notificationRow
	total, err := page(db, q, map[string]sortColumn{"created_at": {}}, &rows)
	if err != nil {
		return nil, 0, err
	}
	return notificationRows(rows), total, nil
}

func (s *Store) CountUnreadNotifications(ctx context.Context, recipientID string) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&notificationRow{}).Where("recipient_id = ? AND read_at IS NULL", recipientID).Count(&n).Error
	return n, TranslateError(err)
}

func (s *Store) MarkNotificationsRead(ctx context.Context, recipientID string, ids []string, at time.Time) (int64, error) {
	db := s.db.WithContext(ctx).Model(&notificationRow{}).Where("recipient_id = ? AND read_at IS NULL", recipientID)
	if ids != nil {
		db = db.Where("id IN ?", ids)
	}
	res := db.Update("read_at", ts(at))
	return res.RowsAffected, TranslateError(res.Error)
}

func (s *Store) MarkNotificationsMailed(ctx context.Context, ids []string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	return TranslateError(s.db.WithContext(ctx).Model(&notificationRow{}).Where("id IN ? AND mailed_at IS NULL", ids).
		Update("mailed_at", ts(at)).Error)
}

// UsersWithUnmailed: people who chose mode (a person who never chose has
// the default, daily) with notifications raised before before not mailed.
func (s *Store) UsersWithUnmailed(ctx context.Context, mode string, before time.Time, limit int) ([]string, error) {
	cond := "ns.email_mode = ?"
	if mode == transfer.DefaultNotificationSettings("").EmailMode {
		cond = "(ns.email_mode = ? OR ns.user_id IS NULL)"
	}
	var ids []string
	err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT n.recipient_id FROM notifications n
		JOIN users u ON u.id = n.recipient_id
		LEFT JOIN notification_settings ns ON ns.user_id = n.recipient_id
		WHERE n.mailed_at IS NULL AND n.created_at < ? AND `+cond+` ORDER BY n.recipient_id LIMIT ?`,
		ts(before), mode, limit).Scan(&ids).Error
	return ids, TranslateError(err)
}

func (s *Store) UnmailedNotifications(ctx context.Context, recipientID string, before time.Time, limit int) ([]transfer.Notification, error) {
	var rows []notificationRow
	err := s.db.WithContext(ctx).Where("recipient_id = ? AND mailed_at IS NULL AND created_at < ?", recipientID, ts(before)).
		Order("created_at, id").Limit(limit).Find(&rows).Error
	return notificationRows(rows), TranslateError(err)
}

type notificationSettingsRow struct {
	UserID    string `gorm:"primaryKey"`
	EmailMode string
	Language  string
	Version   int
	UpdatedAt timestamp
}

func (notificationSettingsRow) TableName() string { return "notification_settings" }

func (s *Store) NotificationSettings(ctx context.Context, userID string) (transfer.NotificationSettings, error) {
	var r notificationSettingsRow
	if err := s.db.WithContext(ctx).Take(&r, "user_id = ?", userID).Error; err != nil {
		return transfer.NotificationSettings{}, TranslateError(err)
	}
	return transfer.NotificationSettings{UserID: r.UserID, EmailMode: r.EmailMode, Language: r.Language, Version: r.Version,
		UpdatedAt: r.UpdatedAt.Time()}, nil
}

// SaveNotificationSettings inserts the first version or updates the one
// before ns.Version (else ErrPrecondition).
func (s *Store) SaveNotificationSettings(ctx context.Context, ns transfer.NotificationSettings) error {
	db := s.db.WithContext(ctx)
	if ns.Version == 1 {
		r := notificationSettingsRow{UserID: ns.UserID, EmailMode: ns.EmailMode, Language: ns.Language, Version: 1, UpdatedAt: ts(ns.UpdatedAt)}
		err := TranslateError(db.Create(&r).Error)
		if errors.Is(err, transfer.ErrConflict) {
			return transfer.LostRace("notification settings were changed by someone else; read them again")
		}
		return err
	}
	res := db.Model(&notificationSettingsRow{}).Where("user_id = ? AND version = ?", ns.UserID, ns.Version-1).
		Updates(map[string]any{"email_mode": ns.EmailMode, "language": ns.Language, "version": ns.Version, "updated_at": ts(ns.UpdatedAt)})
	if err := TranslateError(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 0 {
		return transfer.LostRace("notification settings were changed by someone else; read them again")
	}
	return nil
}

type mailRow struct {
	ID             string `gorm:"primaryKey"`
	MessageID      string
	UserID         string
	ToAddr         string
	Subject        string
	TextBody       string
	HTMLBody       string `gorm:"column:html_body"`
	UnsubscribeURL string `gorm:"column:unsubscribe_url"`
	Status         string
	Attempts       int
	NextAttemptAt  *timestamp
	LockedUntil    *timestamp
	LastError      string
	CreatedAt      timestamp
	UpdatedAt      timestamp
	SentAt         *timestamp
}

func (mailRow) TableName() string { return "mail_outbox" }

func newMailRow(m transfer.Mail) mailRow {
	return mailRow{ID: m.ID, MessageID: m.MessageID, UserID: m.UserID, ToAddr: m.To, Subject: m.Subject, TextBody: m.Text,
		HTMLBody: m.HTML, UnsubscribeURL: m.UnsubscribeURL, Status: m.Status, Attempts: m.Attempts,
		NextAttemptAt: tsPtr(m.NextAttemptAt), LastError: m.LastError, CreatedAt: ts(m.CreatedAt), UpdatedAt: ts(m.UpdatedAt),
		SentAt: tsPtr(m.SentAt)}
}

func (r mailRow) domain() transfer.Mail {
	return transfer.Mail{ID: r.ID, MessageID: r.MessageID, UserID: r.UserID, To: r.ToAddr, Subject: r.Subject, Text: r.TextBody,
		HTML: r.HTMLBody, UnsubscribeURL: r.UnsubscribeURL, Status: r.Status, Attempts: r.Attempts,
		NextAttemptAt: r.NextAttemptAt.TimePtr(), LastError: r.LastError, CreatedAt: r.CreatedAt.Time(),
		UpdatedAt: r.UpdatedAt.Time(), SentAt: r.SentAt.TimePtr()}
}

func (s *Store) EnqueueMail(ctx context.Context, m transfer.Mail) (bool, error) {
	row := newMailRow(m)
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if err := TranslateError(res.Error); err != nil {
		return false, err
	}
	return res.RowsAffected == 1, nil
}

// ClaimMail leases due messages in one statement (FOR UPDATE SKIP LOCKED on
// PostgreSQL), so two processes never hold the same message.
func (s *Store) ClaimMail(ctx context.Context, now, leaseUntil time.Time, limit int) ([]transfer.Mail, error) {
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var rows []mailRow
	err := s.db.WithContext(ctx).Raw(`UPDATE mail_outbox SET locked_until = ? WHERE id IN (
		SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= ?
		AND (locked_until IS NULL OR locked_until < ?) ORDER BY next_attempt_at LIMIT ?`+lock+`) RETURNING *`,
		ts(leaseUntil), ts(now), ts(now), limit).Scan(&rows).Error
	if err != nil {
		return nil, TranslateError(err)
	}
	out := make([]transfer.Mail, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

func (s *Store) FinishMail(ctx context.Context, m transfer.Mail) error {
	return TranslateError(s.db.WithContext(ctx).Model(&mailRow{}).Where("id = ?", m.ID).Updates(map[string]any{
		"status": m.Status, "attempts": m.Attempts, "next_attempt_at": tsPtr(m.NextAttemptAt), "locked_until": nil,
		"last_error": m.LastError, "updated_at": ts(m.UpdatedAt), "sent_at": tsPtr(m.SentAt)}).Error)
}

func (s *Store) ListMail(ctx context.Context, f transfer.MailFilter, q transfer.ListQuery) ([]transfer.Mail, int64, error) {
	db := s.db.WithContext(ctx).Model(&mailRow{})
	if f.Status != "" {
		db = db.Where("status = ?", f.Status)
	}
	var rows []mailRow
	total, err := page(db, q, map[string]sortColumn{"created_at": {}}, &rows)
	if err != nil {
		return nil, 0, err
	}
	out := make([]transfer.Mail, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, total, nil
}

package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

type auditRow struct {
	ID         string `gorm:"primaryKey"`
	EntityType string
	EntityID   string
	ActorID    string
	ActorKind  string
	ActorRole  string
	Action     string
	Changes    string // JSON: field → {old, new}
	At         timestamp
}

func (auditRow) TableName() string { return "audit_events" }

// AddAudit writes audit events; call it in the transaction of the change.
func (s *Store) AddAudit(ctx context.Context, events ...transfer.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	if s.canCopy() && len(events) > 100 {
		rows := make([][]any, len(events))
		for i, e := range events {
			changes, err := json.Marshal(e.Changes)
			if err != nil {
				return err
			}
			rows[i] = []any{e.ID, e.EntityType, e.EntityID, e.ActorID, string(e.ActorKind), string(e.ActorRole), e.Action,
				string(changes), e.At.UTC().Truncate(time.Microsecond)}
		}
		return s.copyRows(ctx, "audit_events", []string{"id", "entity_type", "entity_id", "actor_id", "actor_kind",
			"actor_role", "action", "changes", "at"}, rows)
	}
	rows := make([]auditRow, len(events))
	for i, e := range events {
		changes, err := json.Marshal(e.Changes)
		if err != nil {
			return err
		}
		rows[i] = auditRow{ID: e.ID, EntityType: e.EntityType, EntityID: e.EntityID, ActorID: e.ActorID,
			ActorKind: string(e.ActorKind), ActorRole: string(e.ActorRole), Action: e.Action, Changes: string(changes), At: ts(e.At)}
	}
	return TranslateError(s.db.WithContext(ctx).CreateInBatches(rows, 2000).Error)
}

// History returns an object's audit events, oldest first.
func (s *Store) History(ctx context.Context, entityType, id string) ([]transfer.AuditEvent, error) {
	var rows []auditRow
	if err := s.db.WithContext(ctx).Where("entity_type = ? AND entity_id = ?", entityType, id).Order("id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err)
	}
	out := make([]transfer.AuditEvent, len(rows))
	for i, r := range rows {
		out[i] = transfer.AuditEvent{ID: r.ID, EntityType: r.EntityType, EntityID: r.EntityID, ActorID: r.ActorID,
			ActorKind: transfer.ActorKind(r.ActorKind), ActorRole: transfer.Role(r.ActorRole), Action: r.Action, At: r.At.Time()}
		if err := json.Unmarshal([]byte(r.Changes), &out[i].Changes); err != nil {
			return nil, err
		}
	}
	return out, nil
}

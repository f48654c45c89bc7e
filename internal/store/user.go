package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/techbridge/techbridge/internal/transfer"
)

type userRow struct {
	ID            string `gorm:"primaryKey"`
	Email         string
	Role          string
	InstitutionID sql.NullString
	Disabled      bool
	PasswordHash  string
	Version       int
	CreatedAt     timestamp `gorm:"autoCreateTime:false"`
	UpdatedAt     timestamp `gorm:"autoUpdateTime:false"`
}

func (userRow) TableName() string { return "users" }

func newUserRow(u transfer.User) userRow {
	return userRow{ID: u.ID, Email: u.Email, Role: string(u.Role), InstitutionID: nullString(u.InstitutionID),
		Disabled: u.Disabled, PasswordHash: u.PasswordHash, Version: u.Version,
		CreatedAt: ts(u.CreatedAt), UpdatedAt: ts(u.UpdatedAt)}
}

func (r userRow) domain() transfer.User {
	return transfer.User{ID: r.ID, Email: r.Email, Role: transfer.Role(r.Role), InstitutionID: r.InstitutionID.String,
		Disabled: r.Disabled, PasswordHash: r.PasswordHash, Version: r.Version,
		CreatedAt: r.CreatedAt.Time(), UpdatedAt: r.UpdatedAt.Time()}
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// CountUsers counts every user.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&userRow{}).Count(&n).Error
	return n, TranslateError(err)
}

// CreateUser inserts a user; a taken email is ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u transfer.User) error {
	row := newUserRow(u)
	return TranslateError(s.db.WithContext(ctx).Create(&row).Error)
}

// UserByID finds a user.
func (s *Store) UserByID(ctx context.Context, id string) (transfer.User, error) {
	var row userRow
	err := s.db.WithContext(ctx).Take(&row, "id = ?", id).Error
	return row.domain(), TranslateError(err)
}

// UserByEmail finds a user by normalised email.
func (s *Store) UserByEmail(ctx context.Context, email string) (transfer.User, error) {
	var row userRow
	err := s.db.WithContext(ctx).Take(&row, "email = ?", email).Error
	return row.domain(), TranslateError(err)
}

// ListUsers returns one page (plus one row, to show there is more) and the total.
func (s *Store) ListUsers(ctx context.Context, f transfer.UserFilter, q transfer.ListQuery) ([]transfer.User, int64, error) {
	db := s.db.WithContext(ctx).Model(&userRow{})
	if f.Role != "" {
		db = db.Where("role = ?", string(f.Role))
	}
	if f.InstitutionID != "" {
		db = db.Where("institution_id = ?", f.InstitutionID)
	}
	var rows []userRow
	total, err := page(db, q, map[string]sortColumn{"created_at": {}, "email": {name: "email"}}, &rows)
	if err != nil {
		return nil, 0, err
	}
	out := make([]transfer.User, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, total, nil
}

// UpdateUser writes u when the stored version is the one before u.Version.
func (s *Store) UpdateUser(ctx context.Context, u transfer.User) error {
	row := newUserRow(u)
	return s.updateVersioned(ctx, &userRow{}, row.ID, row.Version, map[string]any{
		"role": row.Role, "institution_id": row.InstitutionID, "disabled": row.Disabled,
		"password_hash": row.PasswordHash, "version": row.Version, "updated_at": row.UpdatedAt,
	})
}

// updateVersioned applies values to the row id if it is still at version-1:
// optimistic concurrency, so two writers that read the same version cannot
// both win. A lost race is ErrPrecondition; a missing row ErrNotFound.
func (s *Store) updateVersioned(ctx context.Context, model any, id string, version int, values map[string]any) error {
	res := s.db.WithContext(ctx).Model(model).Where("id = ? AND version = ?", id, version-1).Updates(values)
	if err := TranslateError(res.Error); err != nil {
		return err
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var n int64
	if err := s.db.WithContext(ctx).Model(model).Where("id = ?", id).Count(&n).Error; err != nil {
		return TranslateError(err)
	}
	if n == 0 {
		return transfer.Errorf(transfer.ErrNotFound, "%s not found", id)
	}
	return transfer.LostRace("%s was changed by someone else; read it again", id)
}

// sortColumn is how a sort key maps to SQL: its column ("" for id alone,
// since ids are time-ordered UUIDv7 and id order is creation order), and how
// to read a cursor's value for it.
type sortColumn struct {
	name   string
	time   bool // cursor values are RFC 3339 and must be written as timestamps
	number bool
	real   bool
}

// page counts the filtered rows, then fetches q.Limit+1 of them after the
// cursor in keyset order: (sort column, id).
func page(db *gorm.DB, q transfer.ListQuery, columns map[string]sortColumn, dest any) (int64, error) {
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return 0, TranslateError(err)
	}
	return total, pageRows(db, q, columns, dest)
}

// pageRows fetches q.Limit+1 rows after the cursor in keyset order.
func pageRows(db *gorm.DB, q transfer.ListQuery, columns map[string]sortColumn, dest any) error {
	col := columns[q.Sort.Key]
	dir, cmp := "ASC", ">"
	if q.Sort.Desc {
		dir, cmp = "DESC", "<"
	}
	db = db.Session(&gorm.Session{})
	if q.After != nil {
		if col.name == "" {
			db = db.Where("id "+cmp+" ?", q.After.ID)
		} else {
			var v any = q.After.Value
			switch {
			case col.time:
				t, err := time.Parse(time.RFC3339Nano, q.After.Value)
				if err != nil {
					return transfer.Errorf(transfer.ErrBadRequest, "cursor is malformed")
				}
				v = ts(t)
			case col.number:
				n, err := strconv.Atoi(q.After.Value)
				if err != nil {
					return transfer.Errorf(transfer.ErrBadRequest, "cursor is malformed")
				}
				v = n
			case col.real:
				f, err := strconv.ParseFloat(q.After.Value, 64)
				if err != nil {
					return transfer.Errorf(transfer.ErrBadRequest, "cursor is malformed")
				}
				v = f
			}
			db = db.Where("("+col.name+" "+cmp+" ? OR ("+col.name+" = ? AND id "+cmp+" ?))", v, v, q.After.ID)
		}
	}
	if col.name != "" {
		db = db.Order(col.name + " " + dir)
	}
	return TranslateError(db.Order("id " + dir).Limit(q.Limit + 1).Find(dest).Error)
}

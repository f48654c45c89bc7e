package store

import (
	"context"
	"time"
)

// SetTokenCutoff refuses from now on every access token issued to the
// principal before at.
func (s *Store) SetTokenCutoff(ctx context.Context, principalID string, at time.Time) error {
	return TranslateError(s.db.WithContext(ctx).Exec(
		"INSERT INTO token_cutoffs (principal_id, not_before) VALUES (?, ?) "+
			"ON CONFLICT (principal_id) DO UPDATE SET not_before = excluded.not_before",
		principalID, ts(at)).Error)
}

// TokenCutoffsAfter returns the cutoffs later than since, by principal.
func (s *Store) TokenCutoffsAfter(ctx context.Context, since time.Time) (map[string]time.Time, error) {
	rows, err := s.db.WithContext(ctx).Raw("SELECT principal_id, not_before FROM token_cutoffs WHERE not_before > ?", ts(since)).Rows()
	if err != nil {
		return nil, TranslateError(err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id string
		var at timestamp
		if err := rows.Scan(&id, &at); err != nil {
			return nil, TranslateError(err)
		}
		out[id] = at.Time()
	}
	return out, TranslateError(rows.Err())
}

// TokenCutoff returns the principal's cutoff, the zero time when it has none.
func (s *Store) TokenCutoff(ctx context.Context, principalID string) (time.Time, error) {
	var at []timestamp
	err := s.db.WithContext(ctx).Raw("SELECT not_before FROM token_cutoffs WHERE principal_id = ?", principalID).Scan(&at).Error
	if err != nil || len(at) == 0 {
		return time.Time{}, TranslateError(err)
	}
	return at[0].Time(), nil
}

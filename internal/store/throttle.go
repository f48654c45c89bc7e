package store

import (
	"context"
	"time"
)

// CountAttempt adds one attempt under key and returns how many the current
// window holds, this one included, and when that window began. A window
// older than window starts again at now. One statement, so concurrent
// attempts on every process each see their own number.
func (s *Store) CountAttempt(ctx context.Context, key, account string, now time.Time, window time.Duration) (int, time.Time, error) {
	expired := ts(now.Add(-window))
	var n int
	var start timestamp
	err := s.db.WithContext(ctx).Raw(
		"INSERT INTO auth_attempts (key, account, n, window_start) VALUES (?, ?, 1, ?) "+
			"ON CONFLICT (key) DO UPDATE SET "+
			"n = CASE WHEN auth_attempts.window_start <= ? THEN 1 ELSE auth_attempts.n + 1 END, "+
			"window_start = CASE WHEN auth_attempts.window_start <= ? THEN excluded.window_start ELSE auth_attempts.window_start END "+
			"RETURNING n, window_start",
		key, account, ts(now), expired, expired).Row().Scan(&n, &start)
	return n, start.Time(), TranslateError(err)
}

// ReturnAttempt takes back one attempt under key (a success that should not
// count against an address).
func (s *Store) ReturnAttempt(ctx context.Context, key string) error {
	return TranslateError(s.db.WithContext(ctx).Exec("UPDATE auth_attempts SET n = n - 1 WHERE key = ? AND n > 0", key).Error)
}

// ForgetAttempts drops the count under key.
func (s *Store) ForgetAttempts(ctx context.Context, key string) error {
	return TranslateError(s.db.WithContext(ctx).Exec("DELETE FROM auth_attempts WHERE key = ?", key).Error)
}

// ClearAccountAttempts drops every count of an account and says how many there were.
func (s *Store) ClearAccountAttempts(ctx context.Context, account string) (int64, error) {
	res := s.db.WithContext(ctx).Exec("DELETE FROM auth_attempts WHERE account = ?", account)
	return res.RowsAffected, TranslateError(res.Error)
}

// PurgeAttempts drops windows that began before before.
func (s *Store) PurgeAttempts(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Exec("DELETE FROM auth_attempts WHERE window_start < ?", ts(before))
	return res.RowsAffected, TranslateError(res.Error)
}

package store

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// timestamp is how rows hold times. It writes one fixed-width layout (RFC 3339,
// UTC, six fractional digits) so that on SQLite, where times are text, text
// order is time order and range filters work; Postgres parses the same text
// into timestamptz. It reads back whatever the driver hands over.
type timestamp time.Time

const timeLayout = "2006-01-02T15:04:05.000000Z"

func ts(t time.Time) timestamp { return timestamp(t) }

func tsPtr(t *time.Time) *timestamp {
	if t == nil {
		return nil
	}
	v := timestamp(*t)
	return &v
}

// Value implements driver.Valuer.
func (t timestamp) Value() (driver.Value, error) {
	return time.Time(t).UTC().Format(timeLayout), nil
}

// Scan implements sql.Scanner.
func (t *timestamp) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		*t = timestamp(v)
		return nil
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	}
	return fmt.Errorf("cannot scan %T into a timestamp", v)
}

func (t *timestamp) parse(s string) error {
	p, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("timestamp %q: %w", s, err)
	}
	*t = timestamp(p)
	return nil
}

// Time returns the time in UTC, at the microsecond precision both databases keep.
func (t timestamp) Time() time.Time { return time.Time(t).UTC().Truncate(time.Microsecond) }

func (t *timestamp) TimePtr() *time.Time {
	if t == nil {
		return nil
	}
	v := t.Time()
	return &v
}

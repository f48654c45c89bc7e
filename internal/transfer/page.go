package transfer

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Page sizes for every list.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Page is one page of a list, with the total that matches the filters.
// TotalEstimated says the total is an estimate: lists whose counts would cost
// a scan of a large table count exactly only up to a limit.
type Page[T any] struct {
	Items          []T
	NextCursor     string
	Total          int64
	TotalEstimated bool
}

// PageRequest asks for a page. Limit is clamped to MaxLimit; Sort is one of
// the list's allowed keys, a leading '-' meaning descending.
type PageRequest struct {
	Limit  int
	Cursor string
	Sort   string
}

// Sort is a validated sort order: the key from the allow-list and the direction.
type Sort struct {
	Key  string
	Desc bool
}

// Cursor is the decoded position after the last item of a page: the sort
// key's value and the id that breaks ties.
type Cursor struct {
	Sort  string `json:"s"`
	Value string `json:"v,omitempty"`
	ID    string `json:"id"`
}

// query clamps the limit and checks sort and cursor against the allow-list.
func (r PageRequest) query(allowed []string, defaultSort string) (ListQuery, error) {
	var p Problems
	limit := r.Limit
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit < 0:
		p.Add("limit", "must be a whole number of 1 or more, within 64 bits (above %d reads as %d)", MaxLimit, MaxLimit)
	case limit > MaxLimit:
		limit = MaxLimit
	}
	s := r.Sort
	if s == "" {
		s = defaultSort
	}
	sort := Sort{Key: strings.TrimPrefix(s, "-"), Desc: strings.HasPrefix(s, "-")}
	if !slices.Contains(allowed, sort.Key) {
		p.Add("sort", "must be one of %s (prefix - for descending)", strings.Join(allowed, ", "))
	}
	if err := p.Err(); err != nil {
		return ListQuery{}, err
	}
	q := ListQuery{Limit: limit, Sort: sort}
	if r.Cursor != "" {
		c, err := DecodeCursor(r.Cursor)
		if err != nil || c.Sort != sort.String() {
			return ListQuery{}, Errorf(ErrBadRequest, "cursor is malformed or belongs to another sort order")
		}
		q.After = &c
	}
	return q, nil
}

// EncodeCursor makes the opaque cursor string a client passes back.
func EncodeCursor(c Cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a cursor made by EncodeCursor.
func DecodeCursor(s string) (Cursor, error) {
	var c Cursor
	if len(s) > 1024 {
		return c, fmt.Errorf("cursor too long")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, err
	}
	if c.ID == "" || c.Sort == "" {
		return c, fmt.Errorf("cursor lacks position")
	}
	// A forged cursor must not reach the database: ids are UUID columns on
	// PostgreSQL, and text there holds no U+0000.
	if !ValidID(c.ID) || !utf8.ValidString(c.Value) || strings.IndexByte(c.Value, 0) >= 0 {
		return c, fmt.Errorf("cursor position is malformed")
	}
	return c, nil
}

// ListQuery is what a store needs to fetch one page: the validated order, the
// position to continue after, and how many items to return.
type ListQuery struct {
	Limit int
	Sort  Sort
	After *Cursor
}

// Offset is how many items came before the page when the cursor counts
// them (orders without a column to continue after, such as relevance).
func (q ListQuery) Offset() int {
	if q.After == nil {
		return 0
	}
	n, err := strconv.Atoi(q.After.Value)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// SortString renders the sort for a cursor.
func (s Sort) String() string {
	if s.Desc {
		return "-" + s.Key
	}
	return s.Key
}

// visibleByID loads one noun by id as the actor may see it: a malformed id,
// a missing row and one the actor may not see answer the same not-found, so
// that ids of others' objects cannot be probed.
func visibleByID[T any](ctx context.Context, noun, id string, load func(context.Context, string) (T, error), visible func(T) bool) (T, error) {
	var zero T
	notFound := Errorf(ErrNotFound, "%s %s not found", noun, id)
	if !ValidID(id) {
		return zero, notFound
	}
	v, err := load(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && !visible(v)) {
		return zero, notFound
	}
	if err != nil {
		return zero, fmt.Errorf("%s %s: %w", noun, id, err)
	}
	return v, nil
}

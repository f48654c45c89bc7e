package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

// decodeJSON reads a JSON body strictly: the right media type, one object,
// no unknown fields (read-only fields such as id or version are unknown to
// request types), every string text (see checkJSONText), and type errors
// reported by field.
func decodeJSON(c echo.Context, dst any) error {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if mt != echo.MIMEApplicationJSON {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "send the body as application/json")
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return jsonError(err) // body over the limit
	}
	// First every unknown field at once, so that a form can show them all.
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return jsonError(err)
	}
	known := jsonFields(reflect.TypeOf(dst).Elem())
	var p transfer.Problems
	for name, raw := range fields {
		if !known[name] {
			p.Add(name, "is not a field of this request (read-only and unknown fields are refused)")
			continue
		}
		checkJSONText(raw, name, &p)
	}
	if err := p.Err(); err != nil {
		slices.SortFunc(p, func(a, b transfer.FieldError) int { return strings.Compare(a.Field, b.Field) })
		return p.Err()
	}
	if err := decodeObject(body, dst); err != nil {
		var perr *time.ParseError
		if errors.As(err, &perr) {
			return timeFieldError(reflect.TypeOf(dst).Elem(), fields)
		}
		return jsonError(err)
	}
	return nil
}

// decodeObject decodes one object into dst, refusing unknown fields, and
// writes its ids as the service stores them (lowerBodyIDs). Every request
// body, and every row of an import, is read through it.
func decodeObject(b []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return err
	}
	lowerBodyIDs(reflect.ValueOf(dst))
	return nil
}

// lowerBodyIDs writes the ids of a decoded body (fields named id, *_id or
// *_ids, at any depth) in the form the service stores them, as canonicalParams
// does for paths: Postgres compares UUIDs in any case, SQLite as text, and
// the same request must mean the same on both.
func lowerBodyIDs(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			lowerBodyIDs(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			lowerBodyIDs(v.Index(i))
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f, fv := t.Field(i), v.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "id" || strings.HasSuffix(name, "_id") || strings.HasSuffix(name, "_ids") {
				lowerIDValues(fv)
			} else {
				lowerBodyIDs(fv)
			}
		}
	}
}

// lowerIDValues lower-cases the UUIDs in a string, *string or []string.
func lowerIDValues(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			lowerIDValues(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			lowerIDValues(v.Index(i))
		}
	case reflect.String:
		if id := v.String(); v.CanSet() {
			if l := lowerID(id); l != id {
				v.SetString(l)
			}
		}
	}
}

// lowerID is id in lower case when it is a UUID, else id unchanged.
func lowerID(id string) string {
	if len(id) != 36 {
		return id
	}
	if l := strings.ToLower(id); l != id && transfer.ValidID(l) {
		return l
	}
	return id
}

// timeFieldError names the fields whose timestamps do not parse (the
// decoder's time errors carry no field), as a 422.
func timeFieldError(t reflect.Type, fields map[string]json.RawMessage) error {
	var p transfer.Problems
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous && name == "" {
				walk(f.Type)
				continue
			}
			raw, ok := fields[name]
			if !ok {
				continue
			}
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			var items []json.RawMessage
			if json.Unmarshal(raw, reflect.New(ft).Interface()) == nil {
				continue
			}
			if json.Unmarshal(raw, &items) == nil {
				for k, it := range items {
					var one any
					if ft.Kind() == reflect.Slice {
						one = reflect.New(ft.Elem()).Interface()
					}
					if one != nil && json.Unmarshal(it, one) != nil {
						p.Add(fmt.Sprintf("%s[%d]", name, k), "must be a time in RFC 3339 (2026-09-18T09:00:00+08:00)")
					}
				}
				continue
			}
			p.Add(name, "must be a time in RFC 3339 (2026-09-18T09:00:00+08:00)")
		}
	}
	if t.Kind() == reflect.Struct {
		walk(t)
	}
	if len(p) == 0 {
		return transfer.Problems{{Field: "body", Message: "holds a time that is not in RFC 3339 (2026-09-18T09:00:00+08:00)"}}.Err()
	}
	return p.Err()
}

// jsonFields lists the JSON names of a struct's fields, embedded ones included.
func jsonFields(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous && name == "":
			maps.Copy(out, jsonFields(f.Type))
		case name != "-" && name != "":
			out[name] = true
		}
	}
	return out
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var herr *echo.HTTPError
	switch {
	case errors.As(err, &herr):
		return herr // body too large
	case errors.As(err, &syn):
		return transfer.Errorf(transfer.ErrBadRequest, "malformed JSON at byte %d", syn.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return transfer.Errorf(transfer.ErrBadRequest, "the body is empty or cut short")
	case errors.As(err, &typ):
		field := jsonPath(typ.Field)
		if field == "" {
			return transfer.Errorf(transfer.ErrBadRequest, "the body must be a JSON object")
		}
		return transfer.Problems{{Field: field, Message: typeMessage(typ)}}.Err()
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return transfer.Problems{{Field: name, Message: "is not a field of this request (read-only and unknown fields are refused)"}}.Err()
	}
	return transfer.Errorf(transfer.ErrBadRequest, "the body is not valid JSON")
}

// jsonPath drops the names of embedded Go structs from a decoder's field
// path ("listingFields.title" is "title" on the wire): JSON names are snake case.
func jsonPath(p string) string {
	var keep []string
	for _, seg := range strings.Split(p, ".") {
		if strings.ToLower(seg) == seg {
			keep = append(keep, seg)
		}
	}
	return strings.Join(keep, ".")
}

// typeMessage says what a value of the wrong type should have been; a
// number where a number belongs is either not whole (7.5 for a TRL) or
// beyond what the field can hold (1e30).
func typeMessage(typ *json.UnmarshalTypeError) string {
	kind := typ.Type.Kind()
	if num, ok := strings.CutPrefix(typ.Value, "number "); ok && kind >= reflect.Int && kind <= reflect.Float64 {
		f, _, err := big.ParseFloat(num, 10, 256, big.ToNearestEven)
		if err == nil && kind <= reflect.Uint64 && !f.IsInt() {
			return "must be a whole number"
		}
		return "is out of range"
	}
	return "must be " + jsonKind(kind.String())
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return "a number"
}

// queryParams reads typed query parameters and collects every problem.
type queryParams struct {
	values   url.Values
	problems transfer.Problems
}

// newQuery reads the query string. Go's parsing drops a pair it cannot
// decode ("q=solar%zz", "a=1;b=2") without a word, which would silently
// drop a filter and widen the list to everything: such a pair is a problem
// of the parameter it names.
func newQuery(c echo.Context) *queryParams {
	raw := c.Request().URL.RawQuery
	values, err := url.ParseQuery(raw) // the pairs it could read, as c.QueryParams() has them
	q := &queryParams{values: values}
	if err == nil {
		return q
	}
	for _, pair := range strings.FieldsFunc(raw, func(r rune) bool { return r == '&' }) {
		key, value, _ := strings.Cut(pair, "=")
		name, kerr := url.QueryUnescape(key)
		_, verr := url.QueryUnescape(value)
		switch {
		case strings.Contains(pair, ";"):
			q.problems.Add(fieldName(name, kerr), "contains ';': separate parameters with '&' and write ';' as %%3B")
		case kerr != nil || verr != nil:
			q.problems.Add(fieldName(name, kerr), "is not valid percent-encoding")
		}
	}
	return q
}

// fieldName names a query parameter in a problem: its name, or "query"
// when the name itself cannot be read.
func fieldName(name string, err error) string {
	if err != nil || name == "" {
		return "query"
	}
	return name
}

func (q *queryParams) string(name string) string {
	v := strings.TrimSpace(q.values.Get(name))
	if strings.HasSuffix(name, "_id") { // institution_id, match_id…: as lowerBodyIDs
		return lowerID(v)
	}
	return v
}

func (q *queryParams) int(name string) int {
	v := q.values.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1 // out of every range: the domain reports it with the other problems
	}
	return n
}

func (q *queryParams) bool(name string) *bool {
	v := q.values.Get(name)
	if v == "" {
		return nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		q.problems.Add(name, "must be true or false")
		return nil
	}
	return &b
}

// float reads a number; one that does not parse reads as -1, out of every
// range, so that the service reports it with the other problems.
func (q *queryParams) float(name string) float64 {
	v := q.values.Get(name)
	if v == "" {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != f {
		return -1
	}
	return f
}

// flag reads a boolean switch: absent is false.
func (q *queryParams) flag(name string) bool {
	b := q.bool(name)
	return b != nil && *b
}

// time reads an RFC 3339 timestamp.
func (q *queryParams) time(name string) *time.Time {
	v := q.string(name)
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		q.problems.Add(name, "must be an RFC 3339 timestamp such as 2026-11-01T00:00:00Z")
		return nil
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		q.problems.Add(name, "must fall in the years 0001 to 9999 (UTC)")
		return nil
	}
	return &t
}

// limit reads a page size. Absent is 0, the default; a value that is sent
// but is not a positive whole number (0, -5, 7.5) reads as -1, which the
// service refuses naming limit: limit=0 never quietly means "the default".
func (q *queryParams) limit() int {
	if q.values.Get("limit") == "" {
		return 0
	}
	if n := q.int("limit"); n > 0 {
		return n
	}
	return -1
}

func (q *queryParams) page() transfer.PageRequest {
	return transfer.PageRequest{Limit: q.limit(), Cursor: q.values.Get("cursor"), Sort: q.string("sort")}
}

func (q *queryParams) err() error { return q.problems.Err() }

// merge reports the query's own problems (values that could not be read)
// together with those the service found, in one response.
func (q *queryParams) merge(err error) error {
	if len(q.problems) == 0 {
		return err
	}
	var e *transfer.Error
	if errors.As(err, &e) && errors.Is(err, transfer.ErrInvalid) {
		return append(q.problems, e.Fields...).Err()
	}
	return q.problems.Err()
}

// listResponse is the envelope of every list.
type listResponse[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
	Total      int64  `json:"total"`
	// TotalEstimated is set when total is an estimate (lists of listings
	// count exactly up to 10,000 matches; beyond, Postgres gives the
	// planner's estimate and SQLite the lower bound 10,000).
	TotalEstimated bool `json:"total_estimated,omitempty"`
}

// writeList sends a page with a Link header for the next one.
func writeList[D any, T any](c echo.Context, p transfer.Page[D], convert func(D) T) error {
	out := listResponse[T]{Items: make([]T, len(p.Items)), NextCursor: p.NextCursor, Total: p.Total, TotalEstimated: p.TotalEstimated}
	for i, item := range p.Items {
		out.Items[i] = convert(item)
	}
	if p.NextCursor != "" {
		u := *c.Request().URL
		q := u.Query()
		q.Set("cursor", p.NextCursor)
		u.RawQuery = q.Encode()
		c.Response().Header().Set("Link", fmt.Sprintf(`<%s>; rel="next"`, u.RequestURI()))
	}
	return c.JSON(http.StatusOK, out)
}

// etag is a resource's version as a strong entity tag.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// ifMatch reads If-Match: 0 when absent or "*", the version otherwise.
func ifMatch(c echo.Context) (int, error) {
	h, err := ifMatchHeader(c)
	if err != nil || h == "" || h == "*" {
		return 0, err
	}
	return parseIfMatch(h)
}

// ifMatchHeader is If-Match's one value, "" when the header is absent. Sent
// empty it is 400, not absent: a client that lost its ETag must not write
// without a condition unawares. Two header lines are a list (RFC 9110 5.3),
// and a list is 400 like a list on one line.
func ifMatchHeader(c echo.Context) (string, error) {
	lines := c.Request().Header.Values("If-Match")
	if len(lines) == 0 {
		return "", nil
	}
	if len(lines) > 1 {
		return "", errIfMatchList
	}
	if h := strings.TrimSpace(lines[0]); h != "" {
		return h, nil
	}
	return "", transfer.Errorf(transfer.ErrBadRequest, `If-Match is empty: send the ETag as sent (such as "3"), or leave the header out`)
}

var errIfMatchList = transfer.Errorf(transfer.ErrBadRequest, `If-Match takes one entity tag here, the ETag as sent (such as "3"), not a list`)

// parseIfMatch reads one If-Match value other than "*". ETag is a version
// in quotes ("3"); an entity tag of another form ("01", "", "x") is a
// well-formed tag that no version has, and a weak one (W/"3") never
// matches because If-Match compares strongly (RFC 9110 13.1.1): both are
// 412. What is not an entity tag at all (1, " 1") is 400, and so is a list
// of tags: one is taken, the ETag as sent.
func parseIfMatch(h string) (int, error) {
	tag := strings.TrimPrefix(h, "W/")
	if !opaqueTag(tag) {
		if strings.Contains(h, ",") {
			return 0, errIfMatchList
		}
		return 0, transfer.Errorf(transfer.ErrBadRequest, `If-Match must be an entity tag such as "3", as sent in ETag`)
	}
	v, err := strconv.Atoi(tag[1 : len(tag)-1])
	if err != nil || v <= 0 || tag != etag(v) { // exactly as sent in ETag: "01" and "+1" are not "1"
		if len(tag) > 24 {
			tag = tag[:20] + "…"
		}
		return 0, transfer.Errorf(transfer.ErrPrecondition, `If-Match %s is no version's entity tag: ETag sends the version in quotes, such as "3"`, tag)
	}
	if tag != h {
		return 0, transfer.Errorf(transfer.ErrPrecondition, `a weak entity tag never matches in If-Match: send the ETag as sent ("%d")`, v)
	}
	return v, nil
}

// opaqueTag reports whether s is an entity tag's quoted part: characters
// from ! to ~ other than the quote, or beyond ASCII (RFC 9110 8.8.3).
func opaqueTag(s string) bool {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if b := s[i]; b < 0x21 || b == '"' || b == 0x7f {
			return false
		}
	}
	return true
}

// writeVersioned sends a resource with its ETag.
func writeVersioned(c echo.Context, status, version int, body any) error {
	c.Response().Header().Set("ETag", etag(version))
	return c.JSON(status, body)
}

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

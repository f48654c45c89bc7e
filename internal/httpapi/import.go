package httpapi

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

type importResult struct {
	Row    int                   `json:"row" example:"1"`
	ID     string                `json:"id,omitempty"`
	Errors []transfer.FieldError `json:"errors,omitempty"`
}

type importResponse struct {
	Created int            `json:"created"`
	Failed  int            `json:"failed"`
	Results []importResult `json:"results"`
}

// importListings reads a JSON array or a CSV file of listings, row by row, so
// that a row that cannot be read is reported and the others still count.
// importWait is how long an import waits for a slot before it gets 503.
const importWait = 2 * time.Second

// fewImports admits cfg.ImportSlots imports at a time, before their bodies
// are read: each may hold up to 64 MB, parsed into rows.
func (s *Server) fewImports(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		timer := time.NewTimer(importWait)
		defer timer.Stop()
		select {
		case s.imports <- struct{}{}:
			defer func() { <-s.imports }()
			return next(c)
		case <-timer.C:
			return &transfer.Error{Kind: transfer.ErrUnavailable, RetryAfter: 5 * time.Second,
				Message: "too many imports are running; retry later"}
		case <-c.Request().Context().Done():
			return c.Request().Context().Err()
		}
	}
}

func importListings[R listingRequest](s *Server, c echo.Context, kind transfer.Kind) error {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return jsonError(err) // over the size limit
	}
	var raw []json.RawMessage
	var cells []transfer.Problems // per CSV row: cells that are not text
	switch mt {
	case echo.MIMEApplicationJSON:
		if err := json.Unmarshal(body, &raw); err != nil {
			return transfer.Errorf(transfer.ErrBadRequest, "the body must be a JSON array of %ss", kind)
		}
	case "text/csv":
		if raw, cells, err = csvRows[R](body); err != nil {
			return err
		}
	default:
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "send a JSON array (application/json) or a CSV file (text/csv)")
	}
	rows := make([]transfer.ListingInput, len(raw))
	for i, r := range raw {
		// Strings that are not text are reported beside the row's other
		// problems; a row with any is not created.
		var text transfer.Problems
		if cells != nil {
			text = cells[i]
		}
		checkJSONText(r, "", &text)
		var req R
		if err := decodeStrict(r, &req); err != nil {
			rows[i].Problems = append(text, problemsOf(err)...)
			continue
		}
		rows[i] = req.input()
		rows[i].Problems = append(text, rows[i].Problems...)
	}
	q := newQuery(c)
	opt := transfer.ImportOptions{Atomic: q.flag("atomic"), Publish: q.flag("publish")}
	if err := q.err(); err != nil {
		return err
	}
	results, err := s.listings.ImportListings(c.Request().Context(), actorOf(c), kind, rows, opt)
	if err != nil {
		return err
	}
	out := importResponse{Results: make([]importResult, len(results))}
	for i, r := range results {
		out.Results[i] = importResult(r)
		if r.ID != "" {
			out.Created++
		} else {
			out.Failed++
		}
	}
	return c.JSON(http.StatusOK, out)
}

// decodeStrict decodes one row as decodeObject does, its error as a problem.
func decodeStrict(b []byte, dst any) error {
	if err := decodeObject(b, dst); err != nil {
		return jsonError(err)
	}
	return nil
}

// problemsOf turns a decoding error into field problems for a row.
func problemsOf(err error) transfer.Problems {
	var e *transfer.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		return e.Fields
	}
	return transfer.Problems{{Field: "row", Message: err.Error()}}
}

// csvRows turns a CSV file into one JSON object per row, typed by the fields
// of R: lists split on ';', numbers parsed, empty cells left out.
func csvRows[R any](body []byte) ([]json.RawMessage, []transfer.Problems, error) {
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		return nil, nil, transfer.Errorf(transfer.ErrBadRequest, "the CSV cannot be read: %v", err)
	}
	if len(records) < 2 {
		return nil, nil, transfer.Errorf(transfer.ErrBadRequest, "the CSV needs a header row and at least one data row")
	}
	kinds := jsonKinds(reflect.TypeFor[R]())
	header := records[0]
	var p transfer.Problems
	for i, h := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, _, ok := translationColumn(header[i]); ok {
			continue
		}
		if _, ok := kinds[header[i]]; !ok {
			p.Add(header[i], "is not a column of this import")
		}
	}
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	out := make([]json.RawMessage, 0, len(records)-1)
	text := make([]transfer.Problems, len(records)-1)
	for _, rec := range records[1:] {
		obj := make(map[string]any, len(rec))
		for i, cell := range rec {
			if i >= len(header) || strings.TrimSpace(cell) == "" {
				continue
			}
			if msg := textProblem(cell); msg != "" {
				// json.Marshal would write U+FFFD for invalid bytes: the
				// cell is refused here, by its column's name.
				text[len(out)].Add(header[i], "%s", msg)
				continue
			}
			if tag, field, ok := translationColumn(header[i]); ok {
				setTranslationCell(obj, tag, field, cell)
				continue
			}
			obj[header[i]] = csvValue(kinds[header[i]], cell)
		}
		b, _ := json.Marshal(obj)
		out = append(out, b)
	}
	return out, text, nil
}

// csvValue types a cell; a number that does not parse stays a string, so
// that decoding names the field in the row's errors.
func csvValue(k reflect.Kind, cell string) any {
	switch k {
	case reflect.Slice:
		var items []string
		for _, v := range strings.Split(cell, ";") {
			if v = strings.TrimSpace(v); v != "" {
				items = append(items, v)
			}
		}
		return items
	case reflect.Int, reflect.Int64:
		if n, err := strconv.ParseInt(strings.TrimSpace(cell), 10, 64); err == nil {
			return n
		}
	}
	return cell
}

// jsonKinds maps a struct's JSON field names to their kinds, through pointers
// and embedded structs.
func jsonKinds(t reflect.Type) map[string]reflect.Kind {
	out := map[string]reflect.Kind{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case f.Anonymous && name == "":
			for k, v := range jsonKinds(ft) {
				out[k] = v
			}
		case name != "" && name != "-":
			out[name] = ft.Kind()
		}
	}
	return out
}

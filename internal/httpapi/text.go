package httpapi

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Every string a request carries is text: valid UTF-8 without U+0000.
// encoding/json would store invalid bytes (and lone surrogate escapes) as
// U+FFFD without a word, and PostgreSQL refuses U+0000 in text with an error
// that is no fault of the database (SQLSTATE 22021); both are the client's
// mistake and answer 422 naming the field. The checks sit where requests are
// read (body, query, path, CSV cells), not in every handler.

const (
	msgInvalidUTF8 = "must be valid UTF-8"
	msgNUL         = "must not contain the NUL character (U+0000)"
)

// textProblem says what is wrong with a decoded string, "" when nothing.
func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return msgInvalidUTF8
	case strings.IndexByte(s, 0) >= 0:
		return msgNUL
	}
	return ""
}

// checkRequestText refuses query parameters and path parameters that are
// not text, before anything reads them.
func checkRequestText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		canonicalParams(c)
		var p transfer.Problems
		names := c.ParamNames()
		for i, v := range c.ParamValues() {
			if i < len(names) {
				if msg := textProblem(v); msg != "" {
					p.Add(names[i], "%s", msg)
				}
			}
		}
		q := c.QueryParams()
		for _, name := range slices.Sorted(maps.Keys(q)) {
			field := name
			if textProblem(name) != "" {
				field = strconv.QuoteToASCII(name)
				p.Add(field, "is not a valid parameter name: %s", textProblem(name))
				continue
			}
			for _, v := range q[name] {
				if msg := textProblem(v); msg != "" {
					p.Add(field, "%s", msg)
					break
				}
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		return next(c)
	}
}

// canonicalParams writes path parameters as they are meant. Echo routes a
// path with an escape that needs none (%2D for "-") on the path as sent and
// hands its parameters over undecoded, so they are decoded here (RFC 3986
// 6.2.2.2: %2D and "-" are the same). And an id is written in the form the
// service stores it: a UUID is the same whatever the case of its hex
// digits (RFC 9562), and some platforms print them upper-case (Swift's
// uuidString).
func canonicalParams(c echo.Context) {
	values := c.ParamValues()
	changed := false
	raw := c.Request().URL.RawPath != "" // what Echo routed on; otherwise the values are decoded already
	for i, v := range values {
		id := v
		if raw && strings.Contains(id, "%") {
			if u, err := url.PathUnescape(id); err == nil {
				id = u
			}
		}
		if id = lowerID(id); id != v {
			if !changed {
				values = slices.Clone(values)
				changed = true
			}
			values[i] = id
		}
	}
	if changed {
		c.SetParamValues(values...)
	}
}

// checkJSONText walks a well-formed JSON value and adds a problem for every
// string in it that is not text, naming it by its path (parties[1].role).
// It reads the raw bytes, because decoding already hides invalid UTF-8.
func checkJSONText(raw json.RawMessage, path string, p *transfer.Problems) {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 {
		return
	}
	switch raw[0] {
	case '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			name := k
			if path != "" {
				name = path + "." + k
			}
			checkJSONText(obj[k], name, p)
		}
	case '[':
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) != nil {
			return
		}
		for i, v := range arr {
			checkJSONText(v, path+"["+strconv.Itoa(i)+"]", p)
		}
	case '"':
		if msg := rawStringProblem(raw); msg != "" {
			field := path
			if field == "" {
				field = "body"
			}
			p.Add(field, "%s", msg)
		}
	}
}

// rawStringProblem checks a JSON string literal as sent: its bytes must be
// UTF-8, and its escapes may name neither U+0000 nor half of a surrogate pair.
func rawStringProblem(raw []byte) string {
	if !utf8.Valid(raw) {
		return msgInvalidUTF8
	}
	s := string(raw)
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		if i+1 >= len(s) || s[i+1] != 'u' {
			i++ // \" \\ \n …: one escaped character
			continue
		}
		r, ok := hex4(s, i+2)
		if !ok {
			return msgInvalidUTF8
		}
		i += 5
		switch {
		case r == 0:
			return msgNUL
		case r >= 0xD800 && r < 0xDC00: // a high surrogate needs a low one next
			lo, ok := hex4(s, i+3)
			if !ok || i+2 >= len(s) || s[i+1] != '\\' || s[i+2] != 'u' || lo < 0xDC00 || lo > 0xDFFF {
				return msgInvalidUTF8
			}
			i += 6
		case r >= 0xDC00 && r <= 0xDFFF:
			return msgInvalidUTF8
		}
	}
	return ""
}

// hex4 reads the four hex digits at s[i:].
func hex4(s string, i int) (rune, bool) {
	if i < 0 || i+4 > len(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(s[i:i+4], 16, 32)
	return rune(n), err == nil
}

package httpapi

import (
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

// translationBody is a listing's text in a further language.
type translationBody struct {
	Title       string   `json:"title" maxLength:"200" example:"ระบบกักเก็บพลังงานแบตเตอรี่ลิเธียมไอรอนฟอสเฟต"`
	Summary     string   `json:"summary,omitempty" maxLength:"500"`
	Description string   `json:"description,omitempty" maxLength:"10000"`
	Keywords    []string `json:"keywords,omitempty" maxItems:"10"`
}

func (t translationBody) domain() transfer.Translation {
	return transfer.Translation{Title: t.Title, Summary: t.Summary, Description: t.Description, Keywords: t.Keywords}
}

func newTranslationBody(t transfer.Translation) translationBody {
	return translationBody{Title: t.Title, Summary: t.Summary, Description: t.Description, Keywords: t.Keywords}
}

func translationsDomain(ts map[string]translationBody) map[string]transfer.Translation {
	if ts == nil {
		return nil
	}
	out := make(map[string]transfer.Translation, len(ts))
	for tag, t := range ts {
		out[tag] = t.domain()
	}
	return out
}

func translationPatch(ts map[string]*translationBody) map[string]*transfer.Translation {
	if ts == nil {
		return nil
	}
	out := make(map[string]*transfer.Translation, len(ts))
	for tag, t := range ts {
		if t == nil {
			out[tag] = nil
			continue
		}
		d := t.domain()
		out[tag] = &d
	}
	return out
}

func newTranslationBodies(ts map[string]transfer.Translation) map[string]translationBody {
	if len(ts) == 0 {
		return nil
	}
	out := make(map[string]translationBody, len(ts))
	for tag, t := range ts {
		out[tag] = newTranslationBody(t)
	}
	return out
}

// shownText is the text a list or match response shows first, in the
// language the caller asked for (lang, else Accept-Language) when the
// listing has it, else in the listing's own.
type shownText struct {
	Language    string   `json:"language" example:"th"`
	Title       string   `json:"title"`
	Summary     string   `json:"summary"`
	Description string   `json:"description,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
}

func newShown(l transfer.Listing, want []string) *shownText {
	if want == nil {
		return nil
	}
	lang, t := l.Shown(want)
	return &shownText{Language: lang, Title: t.Title, Summary: t.Summary, Description: t.Description, Keywords: t.Keywords}
}

// wantedLanguages reads the languages the caller wants shown, most wanted
// first: the lang query parameter (a comma list of language tags; an
// unknown tag is a problem) or else Accept-Language (RFC 9110: tags with
// q-values; region subtags and unknown tags are ignored, as a header is a
// preference, not an order). nil when the caller asked for none.
func wantedLanguages(c echo.Context, q *queryParams) []string {
	c.Response().Header().Add(echo.HeaderVary, "Accept-Language")
	if v := q.string("lang"); v != "" {
		var out []string
		for _, tag := range strings.Split(v, ",") {
			// As in Accept-Language, a region or script subtag (zh-Hans,
			// en-GB) stands for its primary language.
			tag, sub, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
			if !transfer.ValidLanguage(tag) || !validSubtags(sub) {
				q.problems.Add("lang", "must be language tags such as th or en,zh (comma-separated)")
				return nil
			}
			if !slices.Contains(out, tag) {
				out = append(out, tag)
			}
		}
		return out
	}
	return acceptLanguages(c.Request().Header.Get("Accept-Language"))
}

// validSubtags reports whether s is empty or hyphen-separated BCP 47
// subtags (1 to 8 letters or digits each).
func validSubtags(s string) bool {
	if s == "" {
		return true
	}
	for _, st := range strings.Split(s, "-") {
		if len(st) == 0 || len(st) > 8 || strings.ContainsFunc(st, func(r rune) bool {
			return (r < 'a' || r > 'z') && (r < '0' || r > '9')
		}) {
			return false
		}
	}
	return true
}

// acceptLanguages parses an Accept-Language header into primary language
// tags by falling preference; q=0 excludes a tag.
func acceptLanguages(h string) []string {
	if strings.TrimSpace(h) == "" || len(h) > 1000 {
		return nil
	}
	type pref struct {
		tag string
		q   float64
		pos int
	}
	var prefs []pref
	for i, part := range strings.Split(h, ",") {
		fields := strings.Split(part, ";")
		tag := strings.ToLower(strings.TrimSpace(fields[0]))
		if j := strings.IndexByte(tag, '-'); j > 0 {
			tag = tag[:j]
		}
		q := 1.0
		for _, f := range fields[1:] {
			f = strings.TrimSpace(f)
			if v, ok := strings.CutPrefix(f, "q="); ok {
				if x, err := strconv.ParseFloat(v, 64); err == nil && x >= 0 && x <= 1 {
					q = x
				}
			}
		}
		if q > 0 && transfer.ValidLanguage(tag) {
			prefs = append(prefs, pref{tag, q, i})
		}
	}
	slices.SortStableFunc(prefs, func(a, b pref) int {
		switch {
		case a.q > b.q:
			return -1
		case a.q < b.q:
			return 1
		}
		return a.pos - b.pos
	})
	var out []string
	for _, p := range prefs {
		if !slices.Contains(out, p.tag) {
			out = append(out, p.tag)
		}
	}
	return out
}

// translationColumn reads a CSV import's translation column,
// translations.<tag>.<field> (title, summary, description or keywords);
// the tag is checked with the row.
func translationColumn(name string) (tag, field string, ok bool) {
	rest, ok := strings.CutPrefix(name, "translations.")
	if !ok {
		return "", "", false
	}
	tag, field, ok = strings.Cut(rest, ".")
	if !ok || tag == "" || !slices.Contains([]string{"title", "summary", "description", "keywords"}, field) {
		return "", "", false
	}
	return tag, field, true
}

// setTranslationCell puts a translation cell into a CSV row's object;
// keywords separate values with ';' as the other list cells do.
func setTranslationCell(obj map[string]any, tag, field, cell string) {
	ts, _ := obj["translations"].(map[string]map[string]any)
	if ts == nil {
		ts = map[string]map[string]any{}
		obj["translations"] = ts
	}
	if ts[tag] == nil {
		ts[tag] = map[string]any{}
	}
	if field == "keywords" {
		ts[tag][field] = csvValue(reflect.Slice, cell)
		return
	}
	ts[tag][field] = cell
}

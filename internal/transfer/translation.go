package transfer

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/techbridge/techbridge/internal/match"
)

// Translation is a listing's text in a further language: its title,
// summary, keywords and description said again, keyed in
// Listing.Translations by a language tag other than the listing's own.
// Translations are shown with the original and indexed by the matching
// engine with it.
type Translation struct {
	Title       string   `json:"title"`
	Summary     string   `json:"summary,omitempty"`
	Description string   `json:"description,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
}

// MaxTranslations bounds the languages one listing may add to its own.
const MaxTranslations = 8

func (t *Translation) normalize() {
	t.Title = strings.TrimSpace(t.Title)
	t.Summary = strings.TrimSpace(t.Summary)
	for i, k := range t.Keywords {
		t.Keywords[i] = strings.TrimSpace(k)
	}
	if len(t.Keywords) == 0 {
		t.Keywords = nil
	}
}

// normalizeTranslations trims each translation and leaves no empty map
// behind, so that "none" has one form. Tags are kept as sent: they must be
// lower-case primary tags already (validateTranslations), so that "TH" and
// "th" cannot both be stored.
func normalizeTranslations(ts map[string]Translation) map[string]Translation {
	if len(ts) == 0 {
		return nil
	}
	out := make(map[string]Translation, len(ts))
	for tag, t := range ts {
		t.Keywords = slices.Clone(t.Keywords)
		t.normalize()
		out[tag] = t
	}
	return out
}

// validateTranslations checks the translations as the original's fields
// are checked, under translations.<tag>.<field>.
func (l Listing) validateTranslations(p *Problems) {
	if len(l.Translations) > MaxTranslations {
		p.Add("translations", "must add at most %d languages", MaxTranslations)
	}
	for _, tag := range slices.Sorted(maps.Keys(l.Translations)) {
		t := l.Translations[tag]
		base := "translations." + tag
		if !utf8.ValidString(tag) || !ValidLanguage(tag) {
			p.Add("translations", "%q is not a BCP 47 primary language tag in lower case, such as zh, en, id, vi, th or ms", strings.ToValidUTF8(tag, "?"))
			continue
		}
		if tag == l.Language {
			p.Add(base, "is the listing's own language: its text is the original")
		}
		checkLength(p, base+".title", t.Title, true, MaxTitle)
		checkLine(p, base+".title", t.Title)
		checkLength(p, base+".summary", t.Summary, false, MaxSummary)
		checkText(p, base+".summary", t.Summary)
		checkLength(p, base+".description", t.Description, false, MaxDescription)
		checkText(p, base+".description", t.Description)
		if len(t.Keywords) > MaxKeywords {
			p.Add(base+".keywords", "must list at most %d keywords", MaxKeywords)
		}
		for i, k := range t.Keywords {
			f := fmt.Sprintf("%s.keywords[%d]", base, i)
			switch {
			case k == "":
				p.Add(f, "must not be empty")
			case !utf8.ValidString(k):
				p.Add(f, "must be valid UTF-8")
			case utf8.RuneCountInString(k) > MaxKeyword:
				p.Add(f, "must be at most %d characters", MaxKeyword)
			case strings.Contains(k, ","):
				p.Add(f, "must be one term without commas")
			case slices.Index(t.Keywords, k) != i:
				p.Add(f, "is listed twice")
			}
		}
		for field, s := range map[string]string{"title": t.Title, "summary": t.Summary, "description": t.Description} {
			if strings.IndexByte(s, 0) >= 0 {
				p.Add(base+"."+field, "must not contain the NUL character (U+0000)")
			}
		}
	}
}

// applyTranslations merges a PATCH's translations: a language sent with
// a translation replaces that language's, one sent as null removes it,
// languages not sent stay.
func applyTranslations(dst *map[string]Translation, patch map[string]*Translation) {
	if patch == nil {
		return
	}
	out := maps.Clone(*dst)
	if out == nil {
		out = map[string]Translation{}
	}
	for tag, t := range patch {
		if t == nil {
			delete(out, tag)
			continue
		}
		out[tag] = *t
	}
	*dst = out
}

// Shown picks the text a reader asking for languages (most wanted first)
// sees first: the original when its language is wanted before any
// translation, else the first wanted translation, else the original. It
// returns the language shown.
func (l Listing) Shown(want []string) (string, Translation) {
	original := Translation{Title: l.Title, Summary: l.Summary, Description: l.Description, Keywords: l.Keywords}
	for _, tag := range want {
		if tag == l.Language {
			return l.Language, original
		}
		if t, ok := l.Translations[tag]; ok {
			return tag, t
		}
	}
	return l.Language, original
}

// engineTranslations are l's translations as the engine takes them, in a
// fixed order.
func engineTranslations(l Listing) []match.Translation {
	if len(l.Translations) == 0 {
		return nil
	}
	out := make([]match.Translation, 0, len(l.Translations))
	for _, tag := range slices.Sorted(maps.Keys(l.Translations)) {
		t := l.Translations[tag]
		out = append(out, match.Translation{Language: tag, Title: t.Title, Summary: t.Summary, Keywords: t.Keywords,
			Description: t.Description})
	}
	return out
}

package match

import "strings"

// Translation is a listing's text in a further language: what a listing
// says in its own language, said again, so that a demand written in Thai
// with an English translation meets English offers on their words as well
// as on the concepts of the lexicon.
type Translation struct {
	Language    string
	Title       string
	Summary     string
	Keywords    []string
	Description string
}

// translationWeight scales the field weights of a translation: it repeats
// what the original says, so it counts for a little less (the original is
// the text its authors wrote; a translation may be a machine's).
const translationWeight = 0.8

// analyzeTranslations adds l's translations to d, as analyze adds the
// original text, each tokenised by its own language.
func (e *Engine) analyzeTranslations(m *conceptMatcher, d *doc, concepts map[int32]*conceptRef, l *Listing, query bool) {
	for i := range l.Translations {
		t := &l.Translations[i]
		e.field(m, d, concepts, t.Language, t.Title, weightTitle*translationWeight, query)
		if len(t.Keywords) > 0 {
			e.field(m, d, concepts, t.Language, strings.Join(t.Keywords, " ; "), weightKeywords*translationWeight, query)
		}
		e.field(m, d, concepts, t.Language, t.Summary, weightSummary*translationWeight, query)
		e.field(m, d, concepts, t.Language, t.Description, weightDescription*translationWeight, query)
	}
}

package match

// TEMPORARY stub until the lexicon lands; replaced by the real parser and data.

// Concept is one technical idea with its terms per language.
type Concept struct {
	ID         string
	Subsectors []string
	Terms      map[string][]string
}

// Languages lists the six languages every concept carries.
var Languages = []string{"zh", "en", "id", "vi", "th", "ms"}

// DefaultLexicon returns the embedded lexicon.
func DefaultLexicon() []Concept { return nil }

// Package match is the matching engine: text analysis, the concept lexicon,
// the index, scoring and explanations. It imports no other package of
// techbridge.
package match

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Concept is one technical idea with its terms per language.
type Concept struct {
	ID         string
	Subsectors []string            // "*" for cross-cutting concepts
	Terms      map[string][]string // language → terms, in file order
	// Retired concepts keep their place (concepts are numbered by it, see
	// UpdateLexicon) but find nothing: their terms are not matched.
	Retired bool `json:",omitempty"`
}

// Languages lists the six languages every concept carries.
var Languages = []string{"zh", "en", "id", "vi", "th", "ms"}

// LexiconError is a problem in lexicon text, with the line it was found on
// (1-based). For a concept that ends without all six languages or without
// subsectors, Line is the line of the concept's header.
type LexiconError struct {
	Line int
	Msg  string
}

func (e *LexiconError) Error() string {
	return fmt.Sprintf("lexicon line %d: %s", e.Line, e.Msg)
}

// ParseLexicon reads the lexicon format:
//
//	# comment lines start with '#'; blank lines separate concepts
//	[lithium_iron_phosphate_battery]
//	subsectors = energy_storage, electric_vehicles
//	en = lithium iron phosphate battery | LFP battery | LiFePO4
//	zh = 磷酸铁锂电池 | 磷酸铁锂
//	id = …
//	vi = …
//	th = …
//	ms = …
//
// A concept is a header "[id]" with a lower_snake_case ASCII id, followed by
// one "subsectors" line (subsector names separated by commas, or "*" for a
// cross-cutting concept) and one line per language, terms separated by '|'.
// A blank line ends the concept. ParseLexicon stops at the first problem and
// reports its line number: an unknown or repeated key, a key outside a
// concept, a malformed header or line, a duplicate concept id, an empty term
// or subsector, a term repeated (ignoring case) within one language of a
// concept, or a concept without subsectors or without all six languages.
func ParseLexicon(r io.Reader) ([]Concept, error) {
	p := lexiconParser{seen: map[string]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			text = strings.TrimPrefix(text, "\uFEFF")
		}
		if err := p.line(line, strings.TrimSpace(text)); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("lexicon line %d: %w", line+1, err)
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return p.out, nil
}

type lexiconParser struct {
	out     []Concept
	seen    map[string]int // concept id → header line
	cur     *Concept
	curLine int             // header line of cur
	keys    map[string]bool // keys given in cur
}

func (p *lexiconParser) line(n int, s string) error {
	switch {
	case s == "":
		return p.finish()
	case strings.HasPrefix(s, "#"):
		return nil
	case strings.HasPrefix(s, "["):
		if err := p.finish(); err != nil {
			return err
		}
		if !strings.HasSuffix(s, "]") {
			return &LexiconError{n, fmt.Sprintf("malformed header %q: want [concept_id]", s)}
		}
		id := strings.TrimSpace(s[1 : len(s)-1])
		if !validConceptID(id) {
			return &LexiconError{n, fmt.Sprintf("malformed header %q: the id must be lower_snake_case ASCII", s)}
		}
		if first, dup := p.seen[id]; dup {
			return &LexiconError{n, fmt.Sprintf("duplicate concept id %q (first on line %d)", id, first)}
		}
		p.seen[id] = n
		p.cur = &Concept{ID: id, Terms: map[string][]string{}}
		p.curLine = n
		p.keys = map[string]bool{}
		return nil
	}
	key, value, ok := strings.Cut(s, "=")
	if !ok {
		return &LexiconError{n, fmt.Sprintf("malformed line %q: want key = value", s)}
	}
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	if key != "subsectors" && key != "retired" && !slices.Contains(Languages, key) {
		return &LexiconError{n, fmt.Sprintf("unknown key %q", key)}
	}
	if p.cur == nil {
		return &LexiconError{n, fmt.Sprintf("key %q outside a concept: a [concept_id] header must come first", key)}
	}
	if p.keys[key] {
		return &LexiconError{n, fmt.Sprintf("key %q given twice in concept %q", key, p.cur.ID)}
	}
	p.keys[key] = true
	if key == "subsectors" {
		return p.subsectors(n, value)
	}
	if key == "retired" { // as the export writes a retired concept
		switch value {
		case "true":
			p.cur.Retired = true
		case "false":
		default:
			return &LexiconError{n, fmt.Sprintf("retired of concept %q must be true or false", p.cur.ID)}
		}
		return nil
	}
	folded := map[string]bool{}
	for _, t := range strings.Split(value, "|") {
		t = strings.TrimSpace(t)
		if t == "" {
			return &LexiconError{n, fmt.Sprintf("empty term in %s of concept %q", key, p.cur.ID)}
		}
		f := strings.ToLower(t)
		if folded[f] {
			return &LexiconError{n, fmt.Sprintf("term %q repeated in %s of concept %q", t, key, p.cur.ID)}
		}
		folded[f] = true
		p.cur.Terms[key] = append(p.cur.Terms[key], t)
	}
	return nil
}

func (p *lexiconParser) subsectors(n int, value string) error {
	for _, s := range strings.Split(value, ",") {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			return &LexiconError{n, fmt.Sprintf("empty subsector in concept %q", p.cur.ID)}
		case s != "*" && !validConceptID(s):
			return &LexiconError{n, fmt.Sprintf("malformed subsector %q in concept %q", s, p.cur.ID)}
		case slices.Contains(p.cur.Subsectors, s):
			return &LexiconError{n, fmt.Sprintf("subsector %q repeated in concept %q", s, p.cur.ID)}
		}
		p.cur.Subsectors = append(p.cur.Subsectors, s)
	}
	if len(p.cur.Subsectors) > 1 && slices.Contains(p.cur.Subsectors, "*") {
		return &LexiconError{n, fmt.Sprintf("concept %q: \"*\" (cross-cutting) stands alone", p.cur.ID)}
	}
	return nil
}

// finish closes the current concept, if any.
func (p *lexiconParser) finish() error {
	c := p.cur
	if c == nil {
		return nil
	}
	p.cur = nil
	if len(c.Subsectors) == 0 {
		return &LexiconError{p.curLine, fmt.Sprintf("concept %q has no subsectors line", c.ID)}
	}
	var missing []string
	for _, l := range Languages {
		if len(c.Terms[l]) == 0 {
			missing = append(missing, l)
		}
	}
	if len(missing) > 0 {
		return &LexiconError{p.curLine, fmt.Sprintf("concept %q lacks language(s) %s", c.ID, strings.Join(missing, ", "))}
	}
	p.out = append(p.out, *c)
	return nil
}

// validConceptID reports whether s is lower_snake_case ASCII: letters and
// digits in words joined by single underscores.
func validConceptID(s string) bool {
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// ConceptError is a problem with one concept of a lexicon given to
// CheckLexicon: Concept names it, and for a term shared with an unrelated
// concept, Other names that one, Term the term and Lang its language.
type ConceptError struct {
	Concept string
	Other   string
	Term    string
	Lang    string
	Msg     string
}

func (e *ConceptError) Error() string {
	if e.Other != "" {
		return fmt.Sprintf("concept %q: %s term %q is also a term of concept %q, which shares no subsector with it", e.Concept, e.Lang, e.Term, e.Other)
	}
	return fmt.Sprintf("concept %q: %s", e.Concept, e.Msg)
}

// CheckLexicon checks a lexicon built in code (or changed at run time) by
// the rules ParseLexicon applies to the file: lower_snake_case ids, unique;
// subsectors given, "*" alone; all six languages, no empty or repeated term.
// It also refuses a term (ignoring case) that two concepts sharing no
// subsector both have in one language: the bridge would join unrelated
// ideas. The first problem found is returned as a *ConceptError.
func CheckLexicon(cs []Concept) error {
	seen := map[string]bool{}
	for _, c := range cs {
		bad := func(format string, args ...any) error {
			return &ConceptError{Concept: c.ID, Msg: fmt.Sprintf(format, args...)}
		}
		switch {
		case !validConceptID(c.ID):
			return bad("the id must be lower_snake_case ASCII")
		case seen[c.ID]:
			return bad("the id is given twice")
		case len(c.Subsectors) == 0:
			return bad("no subsectors")
		case len(c.Subsectors) > 1 && slices.Contains(c.Subsectors, "*"):
			return bad("\"*\" (cross-cutting) stands alone")
		}
		seen[c.ID] = true
		if c.Retired {
			continue
		}
		for _, s := range c.Subsectors {
			if s != "*" && !validConceptID(s) {
				return bad("malformed subsector %q", s)
			}
		}
		for _, l := range Languages {
			if len(c.Terms[l]) == 0 {
				return bad("no %s terms: every concept has all six languages", l)
			}
			terms := map[string]bool{}
			for _, t := range c.Terms[l] {
				f := strings.ToLower(strings.TrimSpace(t))
				switch {
				case f == "":
					return bad("an empty %s term", l)
				case terms[f]:
					return bad("%s term %q is repeated", l, t)
				}
				terms[f] = true
			}
		}
		for l := range c.Terms {
			if !slices.Contains(Languages, l) {
				return bad("unknown language %q", l)
			}
		}
	}
	for _, l := range Languages {
		owner := map[string]int{}
		for i, c := range cs {
			if c.Retired {
				continue
			}
			for _, t := range c.Terms[l] {
				f := strings.ToLower(strings.TrimSpace(t))
				j, ok := owner[f]
				if !ok {
					owner[f] = i
					continue
				}
				if o := cs[j]; !shareSubsector(o.Subsectors, c.Subsectors) {
					return &ConceptError{Concept: c.ID, Other: o.ID, Term: t, Lang: l}
				}
			}
		}
	}
	return nil
}

// shareSubsector tells whether two concepts' subsector lists meet; "*"
// (cross-cutting) meets only "*".
func shareSubsector(a, b []string) bool {
	for _, s := range a {
		if slices.Contains(b, s) {
			return true
		}
	}
	return false
}

// ExtendLexicon returns base with the concepts of added: a concept whose id
// is in base replaces it in place, the others follow in order. Neither
// argument is modified.
func ExtendLexicon(base, added []Concept) []Concept {
	out := slices.Clone(base)
	at := map[string]int{}
	for i, c := range out {
		at[c.ID] = i
	}
	for _, c := range added {
		if i, ok := at[c.ID]; ok {
			out[i] = c
			continue
		}
		at[c.ID] = len(out)
		out = append(out, c)
	}
	return out
}

//go:embed lexicon.txt
var lexiconText string

var defaultLexicon = mustParseLexicon(lexiconText)

func mustParseLexicon(text string) []Concept {
	cs, err := ParseLexicon(strings.NewReader(text))
	if err != nil {
		panic("match: embedded lexicon.txt: " + err.Error())
	}
	return cs
}

// DefaultLexicon returns the embedded lexicon (lexicon.txt), parsed once at
// start. The result is shared: callers must not modify it.
func DefaultLexicon() []Concept { return defaultLexicon }

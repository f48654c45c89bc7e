package transfer

import (
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// badLineRune is a character a one-line value (a title, a name, a term) may
// not hold: a control character (C0 with tab, CR and LF; DEL; C1) or the
// Unicode line and paragraph separators. Such values go into e-mail
// subjects and body lines, where a line break would forge new lines.
func badLineRune(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }

// badTextRune is a character a multi-line value (a description, a note) may
// not hold: badLineRune less the line feed, carriage return and tab.
func badTextRune(r rune) bool { return r != '\n' && r != '\r' && r != '\t' && badLineRune(r) }

// checkLine refuses a one-line value holding a control character or a
// line separator. Every one-line text field goes through it.
// NUL is left to the API's text check (its own message, one per field).
func checkLine(p *Problems, field, s string) {
	if strings.ContainsFunc(s, func(r rune) bool { return r != 0 && badLineRune(r) }) && !p.has(field) {
		p.Add(field, "must be one line without control characters (no line break, tab, U+2028 or U+2029)")
	}
}

// checkText refuses a multi-line value holding a control character other
// than a line break or tab.
func checkText(p *Problems, field, s string) {
	if strings.ContainsFunc(s, func(r rune) bool { return r != 0 && badTextRune(r) }) && !p.has(field) {
		p.Add(field, "must not contain control characters other than line breaks and tabs")
	}
}

// checkLength adds a problem when s is empty (and required) or longer than max runes.
func checkLength(p *Problems, field, s string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		p.Add(field, "is required")
	case !utf8.ValidString(s):
		p.Add(field, "must be valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		p.Add(field, "must be at most %d characters", max)
	}
}

// checkString is checkLength with checkLine (one line) or checkText
// (multiline): what an event's names and notes go through.
func checkString(p *Problems, field, s string, required, multiline bool, max int) {
	checkLength(p, field, s, required, max)
	if multiline {
		checkText(p, field, s)
	} else {
		checkLine(p, field, s)
	}
}

// NormalizeEmail lower-cases and trims an address so that lookups are exact.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validEmail accepts a bare address (no display name), including local hosts such as admin@localhost.
func validEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// validWebsite accepts absolute http(s) URLs with a host.
func validWebsite(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(s) <= 500
}

// withArticle puts "a" or "an" before a status word for messages ("an
// agreed match", "a declined match").
func withArticle(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}

// has reports whether a field has a problem already (one is enough).
func (p Problems) has(field string) bool {
	for _, x := range p {
		if x.Field == field {
			return true
		}
	}
	return false
}

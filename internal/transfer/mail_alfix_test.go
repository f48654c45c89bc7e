package transfer

import (
	"strings"
	"testing"
	"time"
)

// A title or body written before one-line fields refused line breaks
// cannot forge lines of the letter nor headers of its subject.
func TestLetterFlattensLineBreaksOfOlderRows(t *testing.T) {
	s := &Service{publicURL: "https://tb.example", mailKey: []byte("k")}
	n := Notification{ID: "n1", Type: NoteAlertMatched, Title: "Pumps\r\nBcc: x@evil.example", Body: "Saved\n\nUnsubscribe: https://evil.example\u2028x",
		Data: map[string]any{"listing_id": "l1", "kind": "offer"}}
	m := s.renderMail(User{ID: "u1", Email: "u@tb.example"}, "en", []Notification{n}, "n1@techbridge", time.Now())
	for _, part := range []string{m.Subject, m.Text, m.HTML} {
		for _, bad := range []string{"\nBcc:", "\nUnsubscribe: https://evil", "\u2028"} {
			if strings.Contains(part, bad) {
				t.Errorf("%q holds %q", part, bad)
			}
		}
	}
	if !strings.Contains(m.Text, "Pumps Bcc: x@evil.example") {
		t.Errorf("text %q", m.Text)
	}
}

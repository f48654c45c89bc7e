package main

import (
	"net"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/mail/mailtest"
	"github.com/techbridge/techbridge/internal/store/dbtest"
)

// TestMailSurvivesAKilledProcess commits alerts whose e-mail is due at
// once through one API process, kills it with SIGKILL before it could send
// (the SMTP server is not listening yet), and starts another: every
// notification's e-mail arrives, each Message-ID exactly once.
func TestMailSurvivesAKilledProcess(t *testing.T) {
	bin := buildBinary(t)
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			smtpAddr := l.Addr().String()
			l.Close()

			env := envFor(t, dialect)
			env["TECHBRIDGE_ADMIN_PASSWORD"] = "crash-test-password"
			env["TECHBRIDGE_SMTP_URL"] = "smtp://" + smtpAddr + "?starttls=optional"
			env["TECHBRIDGE_MAIL_FROM"] = "techbridge@tb.example"
			first, base := startProcess(t, bin, env)
			_, tok := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": "admin@localhost", "password": "crash-test-password"})
			token := tok["access_token"].(string)
			send := func(method, path string, body any) map[string]any {
				t.Helper()
				status, out := call(t, method, base+path, token, body)
				if status >= 300 {
					t.Fatalf("%s %s: %d %v", method, path, status, out)
				}
				return out
			}
			send("PATCH", "/api/v1/me/notification-settings", map[string]any{"email_mode": "instant"})
			send("POST", "/api/v1/saved-searches", map[string]any{"name": "Rice", "type": "search", "kind": "demand", "q": "rice"})
			inst := send("POST", "/api/v1/institutions", map[string]any{"name": "Thai Rice Institute", "country": "TH", "type": "research_institute"})
			for range 3 {
				d := send("POST", "/api/v1/demands", map[string]any{"institution_id": inst["id"], "title": "Drought-tolerant rice lines",
					"summary": "Varieties for rain-fed paddies", "language": "en", "sector": "modern_agriculture"})
				path := "/api/v1/demands/" + d["id"].(string)
				send("POST", path+"/submit", nil)  // listing.submitted to staff
				send("POST", path+"/publish", nil) // alert.matched to the search's owner
			}
			notes := send("GET", "/api/v1/notifications?limit=100", nil)
			produced := int(notes["total"].(float64))
			if produced != 6 {
				t.Fatalf("%d notifications, want 6 (3 submissions, 3 alerts)", produced)
			}
			if err := first.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			first.Wait()

			smtp := mailtest.Start(t, mailtest.Options{Addr: smtpAddr})
			second, _ := startProcess(t, bin, env)
			defer func() { second.Process.Kill(); second.Wait() }()
			counts := func() map[string]int {
				ids := map[string]int{}
				for _, m := range smtp.Messages() {
					ids[m.Header.Get("Message-Id")]++
				}
				return ids
			}
			// The first retry is due 5 s ± 20 % after the refused connection; a
			// message the killed process was holding waits for its lease.
			deadline := time.Now().Add(150 * time.Second)
			for len(counts()) < produced {
				if time.Now().After(deadline) {
					t.Fatalf("%d notifications committed before the kill, %d e-mails after the restart", produced, len(counts()))
				}
				time.Sleep(100 * time.Millisecond)
			}
			time.Sleep(2 * time.Second) // anything sent twice would show by now
			for id, n := range counts() {
				if n != 1 {
					t.Errorf("%s arrived %d times", id, n)
				}
			}
			if len(counts()) != produced {
				t.Errorf("%d distinct e-mails for %d notifications", len(counts()), produced)
			}
			t.Logf("killed process: %d notifications committed, %d distinct e-mails after restart", produced, len(counts()))
		})
	}
}

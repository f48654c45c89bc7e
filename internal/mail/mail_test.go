package mail_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/mail"
	"github.com/techbridge/techbridge/internal/mail/mailtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

func letter() transfer.Mail {
	return transfer.Mail{MessageID: "0190abcd@techbridge", To: "partner@example.org", Subject: "techbridge: 太阳能 alert",
		Text: "plain body", HTML: "<p>html body</p>", UnsubscribeURL: "https://tb.example/api/v1/unsubscribe?token=abc"}
}

// A real SMTP conversation: STARTTLS, AUTH PLAIN, the headers of RFC 8058
// and the stable Message-ID, text and HTML.
func TestSendSpeaksSMTPWithStartTLSAndAuth(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{TLS: true, Username: "relay", Password: "s3cret"})
	s, err := mail.New(mail.Config{URL: "smtp://relay:s3cret@" + srv.Addr, From: "techbridge@tb.example", TLSConfig: srv.ClientTLS,
		Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), letter()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	for h, want := range map[string]string{"Message-Id": "<0190abcd@techbridge>",
		"List-Unsubscribe":      "<https://tb.example/api/v1/unsubscribe?token=abc>",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "To": "<partner@example.org>"} {
		if got := m.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if !strings.Contains(m.Header.Get("Content-Type"), "multipart/alternative") || !strings.Contains(m.Body, "plain body") ||
		!strings.Contains(m.Body, "html body") {
		t.Errorf("not text and HTML: %s\n%s", m.Header.Get("Content-Type"), m.Body)
	}
	if m.From != "techbridge@tb.example" || len(m.To) != 1 || m.To[0] != "partner@example.org" {
		t.Errorf("envelope %s → %v", m.From, m.To)
	}
}

// A server without STARTTLS is refused under smtp:// (TLS is required)
// unless the URL says starttls=optional.
func TestStartTLSIsRequiredUnlessOptional(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	s, err := mail.New(mail.Config{URL: "smtp://" + srv.Addr, From: "tb@tb.example", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), letter()); err == nil {
		t.Fatal("sent without TLS")
	}
	s, err = mail.New(mail.Config{URL: "smtp://" + srv.Addr + "?starttls=optional", From: "tb@tb.example", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), letter()); err != nil {
		t.Fatal(err)
	}
}

// 4xx answers are retried, 5xx are permanent.
func TestSMTPErrorsAreClassified(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	s, err := mail.New(mail.Config{URL: "smtp://" + srv.Addr + "?starttls=optional", From: "tb@tb.example", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext(451, 550)
	var me *transfer.MailError
	if err := s.Send(context.Background(), letter()); !errors.As(err, &me) || me.Permanent {
		t.Errorf("451: %v", err)
	}
	if err := s.Send(context.Background(), letter()); !errors.As(err, &me) || !me.Permanent {
		t.Errorf("550: %v", err)
	}
}

func TestConfigIsChecked(t *testing.T) {
	for _, c := range []mail.Config{{URL: "http://x", From: "a@b.c"}, {URL: "smtp://h:587", From: ""},
		{URL: "smtp://h:99999", From: "a@b.c"}, {URL: "smtp://h?starttls=maybe", From: "a@b.c"}, {URL: "smtp://h", From: "not an address"}} {
		if _, err := mail.New(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

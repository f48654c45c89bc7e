// Package mail sends the service's e-mail over SMTP (github.com/wneessen/go-mail
// writes the MIME): plain text with an HTML alternative, a stable
// Message-ID, and the one-click unsubscribe headers of RFC 8058.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Config is where and as whom to send.
type Config struct {
	// URL is smtp://user:pass@host:587 (STARTTLS required; add
	// ?starttls=optional for a local catcher without TLS) or
	// smtps://user:pass@host:465 (TLS from the first byte).
	URL  string
	From string
	// TLSConfig overrides the TLS settings (tests trust their own server).
	TLSConfig *tls.Config
	Timeout   time.Duration
}

// Sender sends one message per SMTP connection.
type Sender struct {
	host string
	opts []gomail.Option
	from string
}

// New checks the configuration and returns a Sender.
func New(cfg Config) (*Sender, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, errors.New("TECHBRIDGE_SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://…")
	}
	if cfg.From == "" {
		return nil, errors.New("TECHBRIDGE_MAIL_FROM is required with TECHBRIDGE_SMTP_URL")
	}
	if err := gomail.NewMsg().From(cfg.From); err != nil {
		return nil, fmt.Errorf("TECHBRIDGE_MAIL_FROM: %w", err)
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	opts := []gomail.Option{gomail.WithTimeout(timeout)}
	port := 587
	if u.Scheme == "smtps" {
		port = 465
		opts = append(opts, gomail.WithSSL())
	} else {
		switch u.Query().Get("starttls") {
		case "", "required":
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		case "optional":
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
		default:
			return nil, errors.New("TECHBRIDGE_SMTP_URL: starttls must be required or optional")
		}
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return nil, errors.New("TECHBRIDGE_SMTP_URL: bad port")
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(u.User.Username()),
			gomail.WithPassword(pass))
	}
	if cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(cfg.TLSConfig))
	}
	return &Sender{host: u.Hostname(), opts: opts, from: cfg.From}, nil
}

// Send writes and sends one message. SMTP 5xx answers are permanent
// failures; everything else (4xx, the network) is worth a retry.
func (s *Sender) Send(ctx context.Context, m transfer.Mail) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return &transfer.MailError{Err: err, Permanent: true}
	}
	if err := msg.To(m.To); err != nil {
		return &transfer.MailError{Err: fmt.Errorf("recipient: %w", err), Permanent: true}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDate()
	msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+m.UnsubscribeURL+">")
	msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return &transfer.MailError{Err: err, Permanent: true}
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		permanent := errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600
		return &transfer.MailError{Err: err, Permanent: permanent}
	}
	return nil
}

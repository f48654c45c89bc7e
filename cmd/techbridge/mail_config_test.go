package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// The SMTP settings are checked at start, named in the error, and the
// password never reaches the log.
func TestMailConfigurationIsValidatedAndMasked(t *testing.T) {
	for env, name := range map[[2]string]string{
		{"http://relay.example", "tb@x.example"}:      "TECHBRIDGE_SMTP_URL",
		{"smtp://relay.example:587", ""}:              "TECHBRIDGE_MAIL_FROM",
		{"", "tb@x.example"}:                          "TECHBRIDGE_SMTP_URL",
		{"smtp://relay.example:587", "not an e-mail"}: "TECHBRIDGE_MAIL_FROM",
	} {
		err := run(context.Background(), nil, func(k string) string {
			return map[string]string{"TECHBRIDGE_SMTP_URL": env[0], "TECHBRIDGE_MAIL_FROM": env[1]}[k]
		}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: %v, want an error naming %s", env, err, name)
		}
	}
	if err := run(context.Background(), nil, func(k string) string {
		return map[string]string{"TECHBRIDGE_PUBLIC_URL": "ftp://x"}[k]
	}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "TECHBRIDGE_PUBLIC_URL") {
		t.Errorf("bad public URL: %v", err)
	}
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"TECHBRIDGE_SMTP_URL": "smtps://mailer:hunter2hunter2@relay.example:465",
			"TECHBRIDGE_MAIL_FROM": "tb@x.example"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	newJSONLogger(&log).Info("starting", "config", cfg)
	if strings.Contains(log.String(), "hunter2hunter2") || !strings.Contains(log.String(), "relay.example") {
		t.Errorf("log line %s", log.String())
	}
}

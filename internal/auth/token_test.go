package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/techbridge/techbridge/internal/transfer"
)

var (
	secret = []byte("0123456789abcdef0123456789abcdef")
	now    = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	staff  = transfer.Actor{ID: "01a20a6f-0000-7000-8000-000000000001", Kind: transfer.ActorUser, Role: transfer.RoleStaff}
)

func newTestTokens(t testing.TB) *Tokens {
	t.Helper()
	tk, err := NewTokens(secret, 15*time.Minute, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// claims returns valid claims for staff, to be spoiled by each case.
func claims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": Issuer, "aud": []string{Audience}, "sub": staff.ID, "role": "staff", "kind": "user",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
	}
}

func sign(t *testing.T, method jwt.SigningMethod, key any, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func without(c jwt.MapClaims, key string) jwt.MapClaims { delete(c, key); return c }

func with(c jwt.MapClaims, key string, v any) jwt.MapClaims { c[key] = v; return c }

func TestParseAcceptsOwnToken(t *testing.T) {
	tk := newTestTokens(t)
	for _, a := range []transfer.Actor{staff,
		{ID: "c1", Kind: transfer.ActorClient, Role: transfer.RolePartner, InstitutionID: "i1"}} {
		s, ttl, err := tk.IssueAccessToken(a)
		if err != nil || ttl != 15*time.Minute {
			t.Fatal(err, ttl)
		}
		got, err := tk.Parse(s)
		if err == nil && !got.IssuedAt.Equal(now) {
			t.Fatalf("issued at %v, want %v", got.IssuedAt, now)
		}
		got.IssuedAt = time.Time{}
		if err != nil || got != a {
			t.Fatalf("Parse(own token) = %+v, %v; want %+v", got, err, a)
		}
	}
	if got, err := tk.Parse(sign(t, jwt.SigningMethodHS256, secret, claims())); err != nil || got.ID != staff.ID || got.Role != staff.Role {
		t.Fatalf("hand-made valid token rejected: %v", err)
	}
}

// TestParseRejectsForgedTokens lists every forgery the parser must refuse.
func TestParseRejectsForgedTokens(t *testing.T) {
	tk := newTestTokens(t)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	valid := sign(t, jwt.SigningMethodHS256, secret, claims())
	parts := strings.Split(valid, ".")
	escalated := sign(t, jwt.SigningMethodHS256, secret, with(claims(), "role", "admin"))
	cases := map[string]string{
		"alg none":                    sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims()),
		"alg none, no dot":            strings.Join(parts[:2], "."),
		"other algorithm HS512":       sign(t, jwt.SigningMethodHS512, secret, claims()),
		"other algorithm RS256":       sign(t, jwt.SigningMethodRS256, rsaKey, claims()),
		"wrong key":                   sign(t, jwt.SigningMethodHS256, []byte("another key of thirty-two bytes!!"), claims()),
		"expired":                     sign(t, jwt.SigningMethodHS256, secret, with(claims(), "exp", now.Add(-time.Minute).Unix())),
		"missing exp":                 sign(t, jwt.SigningMethodHS256, secret, without(claims(), "exp")),
		"not yet valid":               sign(t, jwt.SigningMethodHS256, secret, with(claims(), "nbf", now.Add(time.Hour).Unix())),
		"issued in the future":        sign(t, jwt.SigningMethodHS256, secret, with(claims(), "iat", now.Add(time.Hour).Unix())),
		"wrong audience":              sign(t, jwt.SigningMethodHS256, secret, with(claims(), "aud", []string{"another-api"})),
		"missing audience":            sign(t, jwt.SigningMethodHS256, secret, without(claims(), "aud")),
		"wrong issuer":                sign(t, jwt.SigningMethodHS256, secret, with(claims(), "iss", "someone-else")),
		"missing issuer":              sign(t, jwt.SigningMethodHS256, secret, without(claims(), "iss")),
		"missing subject":             sign(t, jwt.SigningMethodHS256, secret, without(claims(), "sub")),
		"unknown role":                sign(t, jwt.SigningMethodHS256, secret, with(claims(), "role", "root")),
		"unknown kind":                sign(t, jwt.SigningMethodHS256, secret, with(claims(), "kind", "robot")),
		"partner without institution": sign(t, jwt.SigningMethodHS256, secret, with(claims(), "role", "partner")),
		"payload swapped":             parts[0] + "." + strings.Split(escalated, ".")[1] + "." + parts[2],
		"signature stripped":          parts[0] + "." + parts[1] + ".",
		"60,000 dots":                 strings.Repeat(".", 60000),
		"huge token":                  valid + strings.Repeat("A", MaxTokenLength),
		"empty":                       "",
		"garbage":                     "not a token",
	}
	for name, token := range cases {
		t.Run(name, func(t *testing.T) {
			if a, err := tk.Parse(token); err == nil {
				t.Fatalf("accepted as %+v", a)
			}
		})
	}
}

// FuzzParse: nothing panics, and nothing but tokens we signed gets through.
func FuzzParse(f *testing.F) {
	tk := newTestTokens(f)
	issued := map[string]bool{}
	for _, a := range []transfer.Actor{staff, {ID: "c", Kind: transfer.ActorClient, Role: transfer.RolePartner, InstitutionID: "i"}} {
		s, _, _ := tk.IssueAccessToken(a)
		issued[s] = true
		f.Add(s)
	}
	f.Add("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
	f.Add(strings.Repeat(".", 100))
	f.Fuzz(func(t *testing.T, token string) {
		a, err := tk.Parse(token)
		if err == nil && !issued[token] {
			t.Fatalf("accepted a token we never issued: %q as %+v", token, a)
		}
	})
}

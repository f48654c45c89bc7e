package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Token issuer and audience; parsing refuses any other.
const (
	Issuer   = "techbridge"
	Audience = "techbridge-api"
)

// MaxTokenLength bounds what is handed to the parser at all: our tokens are
// a few hundred bytes, and a huge header should cost nothing.
const MaxTokenLength = 4096

// MinSecretLength is the shortest signing key accepted (256 bits).
const MinSecretLength = 32

// Claims are the access token's claims.
type Claims struct {
	Role          transfer.Role      `json:"role"`
	Kind          transfer.ActorKind `json:"kind"`
	InstitutionID string             `json:"inst,omitempty"`
	// IssuedAtMicros is iat to the microsecond: a revocation cuts off the
	// tokens made before it, and a token made in the same second after it
	// must still work.
	IssuedAtMicros int64 `json:"iat_us,omitempty"`
	jwt.RegisteredClaims
}

// Tokens mints and parses HS256 access tokens with one secret.
type Tokens struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
	parser *jwt.Parser
	cache  verifiedCache
}

// NewTokens returns a token service; ttl is the access-token lifetime.
func NewTokens(secret []byte, ttl time.Duration, now func() time.Time) (*Tokens, error) {
	if len(secret) < MinSecretLength {
		return nil, fmt.Errorf("jwt secret must be at least %d bytes", MinSecretLength)
	}
	if now == nil {
		now = time.Now
	}
	return &Tokens{
		secret: secret,
		ttl:    ttl,
		now:    now,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithIssuer(Issuer),
			jwt.WithAudience(Audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithStrictDecoding(), // one encoding per token: no equivalent variants to slip past caches or logs
			jwt.WithLeeway(leeway),
			jwt.WithTimeFunc(now),
		),
	}, nil
}

// leeway is the clock skew allowed on exp, nbf and iat.
const leeway = 30 * time.Second

// IssueAccessToken signs a token for the actor.
func (t *Tokens) IssueAccessToken(a transfer.Actor) (string, time.Duration, error) {
	now := t.now()
	claims := Claims{
		Role:           a.Role,
		Kind:           a.Kind,
		InstitutionID:  a.InstitutionID,
		IssuedAtMicros: now.UnixMicro(),
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   a.ID,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
	return s, t.ttl, err
}

// ErrInvalidToken is returned for every token that is not ours and current.
var ErrInvalidToken = errors.New("invalid access token")

// Parse verifies a token and returns the actor it names.
func (t *Tokens) Parse(token string) (transfer.Actor, error) {
	if len(token) > MaxTokenLength {
		return transfer.Actor{}, ErrInvalidToken
	}
	if a, ok := t.cache.get(token, t.now()); ok {
		return a, nil
	}
	var c Claims
	_, err := t.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.secret, nil })
	if err != nil {
		return transfer.Actor{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	a := transfer.Actor{ID: c.Subject, Kind: c.Kind, Role: c.Role, InstitutionID: c.InstitutionID}
	if c.IssuedAt != nil {
		a.IssuedAt = c.IssuedAt.Time
	}
	// The precise time counts only when it agrees with iat.
	if us := time.UnixMicro(c.IssuedAtMicros); c.IssuedAtMicros != 0 && us.Truncate(time.Second).Equal(a.IssuedAt.Truncate(time.Second)) {
		a.IssuedAt = us
	}
	if !a.Authenticated() || (a.Kind != transfer.ActorUser && a.Kind != transfer.ActorClient) ||
		(a.Role == transfer.RolePartner) != (a.InstitutionID != "") {
		return transfer.Actor{}, fmt.Errorf("%w: claims are incomplete", ErrInvalidToken)
	}
	t.cache.put(token, a, c.ExpiresAt.Add(leeway), t.now()) // the parser requires exp
	return a, nil
}

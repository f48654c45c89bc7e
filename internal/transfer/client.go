package transfer

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Client is a partner institution's machine credential for the OAuth 2.0
// client-credentials grant. Its secret is shown once and stored hashed.
type Client struct {
	ID            string
	InstitutionID string
	Name          string
	SecretHash    string
	CreatedBy     string
	CreatedAt     time.Time
	RevokedAt     *time.Time
}

// Actor returns the client acting: always a partner of its institution.
func (c Client) Actor() Actor {
	return Actor{ID: c.ID, Kind: ActorClient, Role: RolePartner, InstitutionID: c.InstitutionID}
}

// clientSecretPrefix marks our secrets so that secret scanners can find leaked ones.
const clientSecretPrefix = "tbs_"

// CreateClient makes a machine client for an institution (staff only) and
// returns the secret, which is not kept and cannot be shown again.
func (s *Service) CreateClient(ctx context.Context, a Actor, institutionID, name string) (Client, string, error) {
	a, err := s.freshActor(ctx, a)
	if err != nil {
		return Client{}, "", err
	}
	if err := requireStaff(a); err != nil {
		return Client{}, "", err
	}
	if _, err := s.Institution(ctx, a, institutionID); err != nil {
		return Client{}, "", err
	}
	name = strings.TrimSpace(name)
	var p Problems
	checkLength(&p, "name", name, true, 100)
	checkLine(&p, "name", name)
	if err := p.Err(); err != nil {
		return Client{}, "", err
	}
	secret := clientSecretPrefix + randomToken(32)
	c := Client{ID: newID(), InstitutionID: institutionID, Name: name, SecretHash: hashSecret(secret),
		CreatedBy: a.ID, CreatedAt: s.now()}
	if err := s.write(ctx, a, func(u *unit) error { return u.CreateClient(ctx, c) }); err != nil {
		return Client{}, "", fmt.Errorf("create client: %w", err)
	}
	return c, secret, nil
}

// Clients lists an institution's clients (staff, or a partner of that institution).
func (s *Service) Clients(ctx context.Context, a Actor, institutionID string) ([]Client, error) {
	if err := s.mayManageClients(ctx, a, institutionID); err != nil {
		return nil, err
	}
	cs, err := s.db(ctx).ListClients(ctx, institutionID)
	if err != nil {
		return nil, fmt.Errorf("list clients of %s: %w", institutionID, err)
	}
	return cs, nil
}

// RevokeClient stops a client from getting new tokens (staff, or a partner of
// that institution); the tokens it holds stop working within a second.
func (s *Service) RevokeClient(ctx context.Context, a Actor, institutionID, clientID string) error {
	a, err := s.freshActor(ctx, a)
	if err != nil {
		return err
	}
	if err := s.mayManageClients(ctx, a, institutionID); err != nil {
		return err
	}
	c, err := s.clientOf(ctx, institutionID, clientID)
	if err != nil {
		return err
	}
	if c.RevokedAt != nil {
		return nil
	}
	err = s.write(ctx, a, func(u *unit) error {
		if err := u.RevokeClient(ctx, clientID, u.now); err != nil {
			return err
		}
		return s.revokeTokens(ctx, u, clientID, u.now)
	})
	if err != nil {
		return fmt.Errorf("revoke client %s: %w", clientID, err)
	}
	return nil
}

func (s *Service) clientOf(ctx context.Context, institutionID, clientID string) (Client, error) {
	notFound := Errorf(ErrNotFound, "client %s not found", clientID)
	if !ValidID(clientID) {
		return Client{}, notFound
	}
	c, err := s.db(ctx).ClientByID(ctx, clientID)
	if errors.Is(err, ErrNotFound) || (err == nil && c.InstitutionID != institutionID) {
		return Client{}, notFound
	}
	return c, err
}

func (s *Service) mayManageClients(ctx context.Context, a Actor, institutionID string) error {
	if !a.Authenticated() {
		return ErrUnauthenticated
	}
	if _, err := s.Institution(ctx, a, institutionID); err != nil {
		return err
	}
	if !a.IsStaff() && !a.BelongsTo(institutionID) {
		return Errorf(ErrForbidden, "only staff and the institution's own partners may manage its clients")
	}
	return nil
}

var errBadClient = Errorf(ErrUnauthenticated, "client authentication failed")

// ClientCredentials exchanges a client id and secret for an access token
// (RFC 6749 §4.4). No refresh token is issued: the client simply asks again.
// Attempts are throttled per client and address pair and per address.
func (s *Service) ClientCredentials(ctx context.Context, clientID, secret, clientIP string) (Tokens, Client, error) {
	account := clientID
	if !ValidID(clientID) {
		account = "invalid"
	}
	keys := s.throttle.keys("client", account, clientIP)
	if err := s.countAttempt(ctx, keys); err != nil {
		return Tokens{}, Client{}, err
	}
	if !ValidID(clientID) || !strings.HasPrefix(secret, clientSecretPrefix) || len(secret) > 128 {
		return Tokens{}, Client{}, errBadClient
	}
	c, err := s.db(ctx).ClientByID(ctx, clientID)
	if errors.Is(err, ErrNotFound) {
		return Tokens{}, Client{}, errBadClient
	}
	if err != nil {
		return Tokens{}, Client{}, fmt.Errorf("client credentials: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(c.SecretHash)) != 1 || c.RevokedAt != nil {
		return Tokens{}, Client{}, errBadClient
	}
	if err := s.attemptSucceeded(ctx, keys); err != nil {
		return Tokens{}, Client{}, fmt.Errorf("client credentials: %w", err)
	}
	access, ttl, err := s.tokens.IssueAccessToken(c.Actor())
	if err != nil {
		return Tokens{}, Client{}, fmt.Errorf("issue access token: %w", err)
	}
	return Tokens{AccessToken: access, ExpiresIn: ttl}, c, nil
}

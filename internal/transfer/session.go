package transfer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Tokens is what a successful login, refresh or client-credentials grant returns.
type Tokens struct {
	AccessToken  string
	RefreshToken string // empty for machine clients, which simply ask again
	ExpiresIn    time.Duration
}

// RefreshToken is one link of a rotation chain. Only its hash is stored.
// Every token issued from one login shares a FamilyID, so that presenting an
// already used token (a sign of theft) revokes the whole family.
type RefreshToken struct {
	ID        string
	UserID    string
	FamilyID  string
	Hash      string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	RevokedAt *time.Time
}

var errBadCredentials = Errorf(ErrUnauthenticated, "email or password is wrong")
var errBadRefresh = Errorf(ErrUnauthenticated, "refresh token is invalid, expired or revoked")

// Login checks a password and starts a refresh family. Attempts are counted
// per account and client IP pair and per client IP before any password is
// checked; a throttled caller gets ErrRateLimited with the time to wait.
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (Tokens, error) {
	email = NormalizeEmail(email)
	keys := s.throttle.keys("login", email, clientIP)
	if err := s.countAttempt(ctx, keys); err != nil {
		return Tokens{}, err
	}
	u, err := s.db(ctx).UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Tokens{}, fmt.Errorf("login: %w", err)
	}
	hash := u.PasswordHash
	if err != nil {
		hash = s.dummyHash
	}
	ok, verr := s.verifyPassword(ctx, hash, password)
	if verr != nil {
		return Tokens{}, fmt.Errorf("login: %w", verr)
	}
	if err != nil || !ok || u.Disabled {
		return Tokens{}, errBadCredentials
	}
	if err := s.attemptSucceeded(ctx, keys); err != nil {
		return Tokens{}, fmt.Errorf("login: %w", err)
	}
	return s.issueUserTokens(ctx, s.db(ctx), u, newID(), s.now())
}

func (s *Service) issueUserTokens(ctx context.Context, st SessionStore, u User, family string, now time.Time) (Tokens, error) {
	access, ttl, err := s.tokens.IssueAccessToken(u.Actor())
	if err != nil {
		return Tokens{}, fmt.Errorf("issue access token: %w", err)
	}
	secret := randomToken(32)
	rt := RefreshToken{ID: newID(), UserID: u.ID, FamilyID: family, Hash: hashSecret(secret),
		CreatedAt: now, ExpiresAt: now.Add(s.refreshTTL)}
	if err := st.CreateRefreshToken(ctx, rt); err != nil {
		return Tokens{}, fmt.Errorf("store refresh token: %w", err)
	}
	return Tokens{AccessToken: access, RefreshToken: secret, ExpiresIn: ttl}, nil
}

// Refresh rotates a refresh token. A token used twice revokes its whole
// family: either the client or a thief holds a copy, and we cannot tell which.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (Tokens, error) {
	if refreshToken == "" || len(refreshToken) > 256 {
		return Tokens{}, errBadRefresh
	}
	now := s.now()
	rt, err := s.db(ctx).RefreshTokenByHash(ctx, hashSecret(refreshToken))
	if errors.Is(err, ErrNotFound) {
		return Tokens{}, errBadRefresh
	}
	if err != nil {
		return Tokens{}, fmt.Errorf("refresh: %w", err)
	}
	if rt.RevokedAt != nil || !now.Before(rt.ExpiresAt) {
		return Tokens{}, errBadRefresh
	}
	// Using the token and issuing its successor commit together: a
	// concurrent use of the same token waits for this one and, finding it
	// used, revokes the family with the successor in it, so no token issued
	// during such a race outlives the revocation.
	var out Tokens
	reused, refused := false, false
	err = s.write(ctx, systemActor, func(w *unit) error {
		fresh, err := w.UseRefreshToken(ctx, rt.ID, now)
		if err != nil || !fresh {
			reused = !fresh
			return err
		}
		u, err := w.UserByID(ctx, rt.UserID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if err != nil || u.Disabled {
			refused = true
			return w.RevokeRefreshFamily(ctx, rt.FamilyID, now)
		}
		out, err = s.issueUserTokens(ctx, w, u, rt.FamilyID, now)
		return err
	})
	switch {
	case err != nil:
		return Tokens{}, fmt.Errorf("refresh: %w", err)
	case refused:
		return Tokens{}, errBadRefresh
	case reused:
		if err := s.write(ctx, systemActor, func(w *unit) error { return w.RevokeRefreshFamily(ctx, rt.FamilyID, now) }); err != nil {
			return Tokens{}, fmt.Errorf("refresh: revoke family: %w", err)
		}
		return Tokens{}, Errorf(ErrUnauthenticated, "refresh token was already used; every session of this login is revoked")
	}
	return out, nil
}

// Logout revokes the family of a refresh token. Unknown tokens are ignored,
// so that logging out twice is not an error.
func (s *Service) Logout(ctx context.Context, refreshToken string) error {
	if refreshToken == "" || len(refreshToken) > 256 {
		return nil
	}
	rt, err := s.db(ctx).RefreshTokenByHash(ctx, hashSecret(refreshToken))
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	if err := s.db(ctx).RevokeRefreshFamily(ctx, rt.FamilyID, s.now()); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// ChangePassword sets a new password for the calling user after checking the
// current one. Every refresh and access token of the user is revoked: every
// session, this one included, logs in again.
func (s *Service) ChangePassword(ctx context.Context, a Actor, current, next string) error {
	if !a.Authenticated() {
		return ErrUnauthenticated
	}
	if a.Kind != ActorUser {
		return Errorf(ErrForbidden, "machine clients have no password; staff issue a new client instead")
	}
	u, err := s.db(ctx).UserByID(ctx, a.ID)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if u.Disabled {
		return Errorf(ErrUnauthenticated, "the access token no longer stands for an active account")
	}
	keys := s.throttle.keys("password", u.ID, "")
	if err := s.countAttempt(ctx, keys); err != nil {
		return err
	}
	ok, err := s.verifyPassword(ctx, u.PasswordHash, current)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if !ok {
		return Problems{{Field: "current_password", Message: "is wrong"}}.Err()
	}
	if err := s.attemptSucceeded(ctx, keys); err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	var p Problems
	checkPassword(&p, "new_password", next)
	if next == current {
		p.Add("new_password", "must differ from the current password")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if u.PasswordHash, err = s.hashPassword(ctx, next); err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	now := s.now()
	u.Version++
	u.UpdatedAt = now
	return s.write(ctx, a, func(w *unit) error {
		if err := w.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := s.revokeTokens(ctx, w, u.ID, now); err != nil {
			return err
		}
		return w.RevokeUserRefreshTokens(ctx, u.ID, now)
	})
}

// Principal describes who is calling, for GET /me.
type Principal struct {
	Actor  Actor
	User   *User   // set for people
	Client *Client // set for machine clients
}

// Me returns the caller's own record.
func (s *Service) Me(ctx context.Context, a Actor) (Principal, error) {
	if !a.Authenticated() {
		return Principal{}, ErrUnauthenticated
	}
	p := Principal{Actor: a}
	switch a.Kind {
	case ActorClient:
		c, err := s.db(ctx).ClientByID(ctx, a.ID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Principal{}, fmt.Errorf("me: %w", err)
		}
		if err != nil || c.RevokedAt != nil {
			return Principal{}, Errorf(ErrUnauthenticated, "client is unknown or revoked")
		}
		p.Client = &c
	default:
		u, err := s.db(ctx).UserByID(ctx, a.ID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Principal{}, fmt.Errorf("me: %w", err)
		}
		if err != nil || u.Disabled {
			return Principal{}, Errorf(ErrUnauthenticated, "user is unknown or disabled")
		}
		p.User = &u
	}
	return p, nil
}

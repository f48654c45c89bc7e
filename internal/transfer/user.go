package transfer

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// User is a person who logs in.
type User struct {
	ID            string
	Email         string
	Role          Role
	InstitutionID string // required for partners, empty otherwise
	Disabled      bool
	PasswordHash  string
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Actor returns the user acting.
func (u User) Actor() Actor {
	return Actor{ID: u.ID, Kind: ActorUser, Role: u.Role, InstitutionID: u.InstitutionID}
}

// NewUser is what an admin gives to create a user.
type NewUser struct {
	Email         string
	Password      string
	Role          Role
	InstitutionID string
}

// UserPatch changes a user; nil fields stay as they are.
type UserPatch struct {
	Role          *Role
	Disabled      *bool
	InstitutionID *string
}

// UserFilter narrows a user list.
type UserFilter struct {
	Role          Role
	InstitutionID string
}

// UserSorts are the keys a user list may be sorted by.
var UserSorts = []string{"created_at", "email"}

const (
	minPasswordLen = 12
	maxPasswordLen = 128
)

func checkPassword(p *Problems, field, pw string) {
	n := utf8.RuneCountInString(pw)
	if n < minPasswordLen || len(pw) > maxPasswordLen*4 || n > maxPasswordLen {
		p.Add(field, "must be between %d and %d characters", minPasswordLen, maxPasswordLen)
	}
}

// checkRoleBinding enforces that partners, and only partners, belong to an institution.
func checkRoleBinding(p *Problems, role Role, institutionID string) {
	switch {
	case !role.Valid():
		p.Add("role", "must be one of admin, staff, partner, analyst")
	case role == RolePartner && institutionID == "":
		p.Add("institution_id", "is required for partners")
	case role != RolePartner && institutionID != "":
		p.Add("institution_id", "is only allowed for partners")
	}
}

// CreateUser adds a user (admins only).
func (s *Service) CreateUser(ctx context.Context, a Actor, in NewUser) (User, error) {
	a, err := s.freshActor(ctx, a)
	if err != nil {
		return User{}, err
	}
	if err := requireAdmin(a); err != nil {
		return User{}, err
	}
	return s.createUser(ctx, in)
}

func (s *Service) createUser(ctx context.Context, in NewUser) (User, error) {
	in.Email = NormalizeEmail(in.Email)
	var p Problems
	if !validEmail(in.Email) {
		p.Add("email", "must be an email address")
	}
	checkPassword(&p, "password", in.Password)
	checkRoleBinding(&p, in.Role, in.InstitutionID)
	if err := p.Err(); err != nil {
		return User{}, err
	}
	if in.InstitutionID != "" {
		if err := s.institutionMustExist(ctx, "institution_id", in.InstitutionID); err != nil {
			return User{}, err
		}
	}
	hash, err := s.hashPassword(ctx, in.Password)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	now := s.now()
	u := User{ID: newID(), Email: in.Email, Role: in.Role, InstitutionID: in.InstitutionID,
		PasswordHash: hash, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.write(ctx, systemActor, func(w *unit) error { return w.CreateUser(ctx, u) }); err != nil {
		if errors.Is(err, ErrConflict) {
			return User{}, &Error{Kind: ErrConflict, Message: "a user with this email exists",
				Fields: []FieldError{{Field: "email", Message: "is already taken"}}}
		}
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// institutionMustExist turns a dangling reference into a validation error on field.
func (s *Service) institutionMustExist(ctx context.Context, field, id string) error {
	if ValidID(id) {
		_, err := s.db(ctx).InstitutionByID(ctx, id)
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return Problems{{Field: field, Message: "does not name an existing institution"}}.Err()
}

// BootstrapAdmin creates the first admin when there are no users at all. It
// reports whether it created one; with several processes starting at once,
// the unique email makes exactly one succeed.
func (s *Service) BootstrapAdmin(ctx context.Context, email, password string) (bool, error) {
	n, err := s.db(ctx).CountUsers(ctx)
	if err != nil {
		return false, fmt.Errorf("count users: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	_, err = s.createUser(ctx, NewUser{Email: email, Password: password, Role: RoleAdmin})
	if errors.Is(err, ErrConflict) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("bootstrap admin: %w", err)
	}
	return true, nil
}

// CreateUserUnchecked creates a user from the command line, where the
// operator already has the database and no actor applies.
func (s *Service) CreateUserUnchecked(ctx context.Context, in NewUser) (User, error) {
	return s.createUser(ctx, in)
}

// User returns one user (admins only; everyone reads itself at GET /me).
func (s *Service) User(ctx context.Context, a Actor, id string) (User, error) {
	if err := requireAdmin(a); err != nil {
		return User{}, err
	}
	if !ValidID(id) {
		return User{}, Errorf(ErrNotFound, "user %s not found", id)
	}
	u, err := s.db(ctx).UserByID(ctx, id)
	if err != nil {
		return User{}, fmt.Errorf("user %s: %w", id, err)
	}
	return u, nil
}

// ListUsers pages through users (admins only).
func (s *Service) ListUsers(ctx context.Context, a Actor, f UserFilter, r PageRequest) (Page[User], error) {
	if err := requireAdmin(a); err != nil {
		return Page[User]{}, err
	}
	var p Problems
	if f.Role != "" && !f.Role.Valid() {
		p.Add("role", "must be one of admin, staff, partner, analyst")
	}
	if f.InstitutionID != "" && !ValidID(f.InstitutionID) {
		p.Add("institution_id", "must be an institution id")
	}
	if err := p.Err(); err != nil {
		return Page[User]{}, err
	}
	q, err := r.query(UserSorts, "created_at")
	if err != nil {
		return Page[User]{}, err
	}
	items, total, err := s.db(ctx).ListUsers(ctx, f, q)
	if err != nil {
		return Page[User]{}, fmt.Errorf("list users: %w", err)
	}
	return makePage(items, total, q, func(u User) (string, string) {
		if q.Sort.Key == "email" {
			return u.Email, u.ID
		}
		return "", u.ID
	}), nil
}

// UpdateUser changes a user's role, binding or disabled flag (admins only).
// Disabling a user or changing its role or binding revokes every refresh
// and access token it holds.
func (s *Service) UpdateUser(ctx context.Context, a Actor, id string, ifMatch int, patch UserPatch) (User, error) {
	a, err := s.freshActor(ctx, a)
	if err != nil {
		return User{}, err
	}
	if err := requireAdmin(a); err != nil {
		return User{}, err
	}
	u, err := s.User(ctx, a, id)
	if err != nil {
		return User{}, err
	}
	if ifMatch != 0 && ifMatch != u.Version {
		return User{}, Errorf(ErrPrecondition, "user %s is at version %d, not %d", id, u.Version, ifMatch)
	}
	loaded := u
	var p Problems
	if patch.Role != nil {
		u.Role = *patch.Role
	}
	if patch.InstitutionID != nil {
		u.InstitutionID = *patch.InstitutionID
	} else if patch.Role != nil && u.Role != RolePartner {
		u.InstitutionID = "" // leaving the partner role unbinds the user
	}
	if patch.Disabled != nil {
		u.Disabled = *patch.Disabled
	}
	checkRoleBinding(&p, u.Role, u.InstitutionID)
	if u.ID == a.ID && (u.Disabled || u.Role != RoleAdmin) {
		p.Add("role", "admins cannot demote or disable themselves")
	}
	if err := p.Err(); err != nil {
		return User{}, err
	}
	if patch.InstitutionID != nil && u.InstitutionID != "" {
		if err := s.institutionMustExist(ctx, "institution_id", u.InstitutionID); err != nil {
			return User{}, err
		}
	}
	if unchanged(loaded, u) {
		return u, nil
	}
	u.Version++
	u.UpdatedAt = s.now()
	err = s.write(ctx, a, func(w *unit) error {
		if err := w.UpdateUser(ctx, u); err != nil {
			return err
		}
		if !u.Disabled && patch.Role == nil && patch.InstitutionID == nil {
			return nil
		}
		if err := s.revokeTokens(ctx, w, u.ID, u.UpdatedAt); err != nil {
			return err
		}
		return w.RevokeUserRefreshTokens(ctx, u.ID, u.UpdatedAt)
	})
	if err != nil {
		return User{}, fmt.Errorf("update user %s: %w", id, err)
	}
	return u, nil
}

func requireAdmin(a Actor) error {
	if !a.Authenticated() {
		return ErrUnauthenticated
	}
	if !a.IsAdmin() {
		return Errorf(ErrForbidden, "only admins may manage users")
	}
	return nil
}

func requireStaff(a Actor) error {
	if !a.Authenticated() {
		return ErrUnauthenticated
	}
	if !a.IsStaff() {
		return Errorf(ErrForbidden, "only transfer-center staff may do this")
	}
	return nil
}

package transfer

import "time"

// Role is what a person or machine client may do.
type Role string

const (
	RoleAdmin   Role = "admin"   // everything, including users
	RoleStaff   Role = "staff"   // transfer-center work on every institution
	RolePartner Role = "partner" // bound to one institution
	RoleAnalyst Role = "analyst" // read-only statistics, no contact data
)

// Roles lists every role, in order of decreasing power.
var Roles = []Role{RoleAdmin, RoleStaff, RolePartner, RoleAnalyst}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleStaff, RolePartner, RoleAnalyst:
		return true
	}
	return false
}

// ActorKind tells a person from a machine client.
type ActorKind string

const (
	ActorUser   ActorKind = "user"
	ActorClient ActorKind = "client"
)

// Actor is whoever performs a use case. The zero Actor is anonymous.
type Actor struct {
	ID            string
	Kind          ActorKind
	Role          Role
	InstitutionID string
	// IssuedAt is when the access token naming the actor was made: a token
	// older than its principal's revocation cutoff is refused.
	IssuedAt time.Time
}

// Authenticated reports whether the actor is known.
func (a Actor) Authenticated() bool { return a.ID != "" && a.Role.Valid() }

// IsStaff reports whether the actor works for the transfer center (staff or admin).
func (a Actor) IsStaff() bool { return a.Role == RoleAdmin || a.Role == RoleStaff }

// IsAdmin reports whether the actor may manage users.
func (a Actor) IsAdmin() bool { return a.Role == RoleAdmin }

// BelongsTo reports whether the actor is a partner of institution id.
func (a Actor) BelongsTo(institutionID string) bool {
	return a.Role == RolePartner && institutionID != "" && a.InstitutionID == institutionID
}

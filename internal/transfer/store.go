package transfer

import (
	"context"
	"time"
)

// The persistence the use cases need, split by noun: a use case names the
// interfaces it reads, so what it touches shows in its signature. Every
// implementation translates its own errors into this package's kinds: a
// missing row is ErrNotFound, a duplicate ErrConflict, an unreachable
// database ErrUnavailable.

// Store is all of it, as one database provides it.
type Store interface {
	Ping(ctx context.Context) error
	// Tx runs fn in one transaction: everything fn writes through the Store
	// it is given commits together or not at all. Use cases do not call it:
	// they go through Service.write, which also applies the side effects.
	Tx(ctx context.Context, fn func(Store) error) error

	UserStore
	SessionStore
	ClientStore
	InstitutionStore
	ListingStore
	MatchStore
	AgreementStore
	WebhookStore
	IdempotencyStore
	AuditStore
	RevocationStore
	ThrottleStore
	LexiconStore
	EventStore
	AlertStore
}

// UserStore keeps people's accounts.
type UserStore interface {
	CountUsers(ctx context.Context) (int64, error)
	CreateUser(ctx context.Context, u User) error
	UserByID(ctx context.Context, id string) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	ListUsers(ctx context.Context, f UserFilter, q ListQuery) ([]User, int64, error)
	// UpdateUser writes u if the stored version is u.Version-1, else ErrPrecondition.
	UpdateUser(ctx context.Context, u User) error
}

// SessionStore keeps refresh tokens and their families.
type SessionStore interface {
	CreateRefreshToken(ctx context.Context, t RefreshToken) error
	RefreshTokenByHash(ctx context.Context, hash string) (RefreshToken, error)
	// UseRefreshToken marks the token used; false when it was used or revoked already.
	UseRefreshToken(ctx context.Context, id string, at time.Time) (bool, error)
	RevokeRefreshFamily(ctx context.Context, familyID string, at time.Time) error
	RevokeUserRefreshTokens(ctx context.Context, userID string, at time.Time) error
}

// ClientStore keeps partner machine clients.
type ClientStore interface {
	CreateClient(ctx context.Context, c Client) error
	ClientByID(ctx context.Context, id string) (Client, error)
	ListClients(ctx context.Context, institutionID string) ([]Client, error)
	RevokeClient(ctx context.Context, id string, at time.Time) error
}

// InstitutionStore keeps institutions.
type InstitutionStore interface {
	CreateInstitution(ctx context.Context, in Institution) error
	InstitutionByID(ctx context.Context, id string) (Institution, error)
	ListInstitutions(ctx context.Context, f InstitutionFilter, q ListQuery) ([]Institution, int64, error)
	// UpdateInstitution writes in if the stored version is in.Version-1, else ErrPrecondition.
	UpdateInstitution(ctx context.Context, in Institution) error
	// ExistingInstitutions returns which of ids exist.
	ExistingInstitutions(ctx context.Context, ids []string) (map[string]bool, error)
	InstitutionCountries(ctx context.Context) (map[string]string, error)
}

// ListingStore keeps offers and demands.
type ListingStore interface {
	CreateListing(ctx context.Context, l Listing) error
	// CreateListings inserts many listings in batches (imports).
	CreateListings(ctx context.Context, ls []Listing) error
	ListingByID(ctx context.Context, kind Kind, id string) (Listing, error)
	ListListings(ctx context.Context, f ListingFilter, q ListQuery) (items []Listing, total int64, estimated bool, err error)
	// UpdateListing writes l if the stored version is l.Version-1, else ErrPrecondition.
	UpdateListing(ctx context.Context, l Listing) error
	// ExpireListings moves published listings whose end is at or before now
	// to expired and returns them as they are after the move.
	ExpireListings(ctx context.Context, now time.Time) ([]Listing, error)
	// LiveListings hands fn the published, unexpired listings of both kinds in batches.
	LiveListings(ctx context.Context, now time.Time, fn func([]Listing) error) error
	// LiveListingHeads is LiveListings with only what EngineListing and
	// AnalysisStamp take besides the text: no title, summary, description,
	// keywords, translations, language, IP status, status reason or
	// creation time (the status is published).
	LiveListingHeads(ctx context.Context, now time.Time, fn func([]Listing) error) error
	// ListingsChangedSince returns listings changed after (since, afterID) in
	// (updated_at, id) order; an empty afterID starts at since.
	ListingsChangedSince(ctx context.Context, since time.Time, afterID string, limit int) ([]Listing, error)
	ListingsByIDs(ctx context.Context, ids []string) ([]Listing, error)
	// ListingSummariesByIDs is ListingsByIDs with only what a suggestion
	// shows and its liveness filled (no description, keywords, countries,
	// amounts).
	ListingSummariesByIDs(ctx context.Context, ids []string) ([]Listing, error)
	// ExpiringListings returns published listings ending in (now, until] not yet announced.
	ExpiringListings(ctx context.Context, now, until time.Time, limit int) ([]Listing, error)
	MarkExpiringSent(ctx context.Context, listingID string, endsAt time.Time) error
}

// MatchStore keeps match records.
type MatchStore interface {
	// CreateMatch inserts a match; a second match of the same pair is ErrConflict.
	CreateMatch(ctx context.Context, m Match) error
	MatchByID(ctx context.Context, id string) (Match, error)
	ListMatches(ctx context.Context, f MatchFilter, q ListQuery) ([]Match, int64, error)
	// UpdateMatch writes m if the stored version is m.Version-1, else ErrPrecondition.
	UpdateMatch(ctx context.Context, m Match) error
}

// AgreementStore keeps agreements and the counts the statistics read.
type AgreementStore interface {
	// CreateAgreement inserts an agreement with its parties.
	CreateAgreement(ctx context.Context, g Agreement) error
	AgreementByID(ctx context.Context, id string) (Agreement, error)
	ListAgreements(ctx context.Context, f AgreementFilter, q ListQuery) ([]Agreement, int64, error)
	// UpdateAgreement writes g with its parties if the stored version is g.Version-1.
	UpdateAgreement(ctx context.Context, g Agreement) error
	// AddStatsDeltas adds deltas (from StatsDeltas) to the statistics' counts.
	AddStatsDeltas(ctx context.Context, ds []StatsDelta) error
	// AgreementStats aggregates confirmed agreements; rows are summed by MergeStats.
	AgreementStats(ctx context.Context, q StatsQuery) ([]StatsPart, error)
	OverviewCounts(ctx context.Context) (OverviewCounts, error)
}

// WebhookStore keeps endpoints and the outbox of events and deliveries.
type WebhookStore interface {
	CreateEndpoint(ctx context.Context, e Endpoint) error
	EndpointByID(ctx context.Context, id string) (Endpoint, error)
	// ListEndpoints returns an institution's endpoints, or all when institutionID is empty.
	ListEndpoints(ctx context.Context, institutionID string) ([]Endpoint, error)
	UpdateEndpoint(ctx context.Context, e Endpoint) error
	DeleteEndpoint(ctx context.Context, id string) error
	CreateWebhookEvent(ctx context.Context, ev WebhookEvent, ds []Delivery) error
	CreateDelivery(ctx context.Context, d Delivery) error
	DeliveryByID(ctx context.Context, id string) (Delivery, error)
	ListDeliveries(ctx context.Context, endpointID string, q ListQuery) ([]Delivery, int64, error)
	// ClaimDeliveries leases up to limit due deliveries of active endpoints until leaseUntil.
	ClaimDeliveries(ctx context.Context, now, leaseUntil time.Time, limit int) ([]ClaimedDelivery, error)
	// FinishDelivery records an attempt and the delivery's new state; a
	// non-empty disable reason disables the endpoint.
	FinishDelivery(ctx context.Context, d Delivery, a Attempt, disable string) error
}

// IdempotencyStore keeps the answers of idempotent requests.
type IdempotencyStore interface {
	// ClaimIdempotencyKey inserts rec unless (scope, key) exists; a record
	// created before staleBefore, or left unfinished since before
	// abandonedBefore, is replaced. It returns the record that stands and
	// whether it is rec. Inside a transaction, a claim not yet committed by
	// another makes it wait, then ErrConflict when that takes too long.
	ClaimIdempotencyKey(ctx context.Context, rec IdempotencyRecord, staleBefore, abandonedBefore time.Time) (IdempotencyRecord, bool, error)
	CompleteIdempotencyKey(ctx context.Context, scope, key string, resp StoredResponse) error
	PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int64, error)
}

// AuditStore keeps the audit trail.
type AuditStore interface {
	AddAudit(ctx context.Context, events ...AuditEvent) error
	History(ctx context.Context, entityType, id string) ([]AuditEvent, error)
}

// AlertStore keeps saved searches, notifications, e-mail settings and the
// mail outbox (issue 16).
type AlertStore interface {
	// LockAndCountSavedSearches locks the owner's saved searches for the
	// transaction (concurrent creates of one owner wait) and counts them.
	LockAndCountSavedSearches(ctx context.Context, ownerID string) (int64, error)
	CreateSavedSearch(ctx context.Context, ss SavedSearch) error
	SavedSearchByID(ctx context.Context, id string) (SavedSearch, error)
	ListSavedSearches(ctx context.Context, f SavedSearchFilter, q ListQuery) ([]SavedSearch, int64, error)
	// UpdateSavedSearch writes ss if the stored version is ss.Version-1, else ErrPrecondition.
	UpdateSavedSearch(ctx context.Context, ss SavedSearch) error
	// SavedSearchesChangedSince returns searches (deleted ones too) changed
	// after (since, afterID) in (updated_at, id) order.
	SavedSearchesChangedSince(ctx context.Context, since time.Time, afterID string, limit int) ([]SavedSearch, error)

	// AddNotification writes n unless its Key was used; false when it was.
	AddNotification(ctx context.Context, n Notification) (bool, error)
	NotificationByID(ctx context.Context, id string) (Notification, error)
	ListNotifications(ctx context.Context, recipientID string, f NotificationFilter, q ListQuery) ([]Notification, int64, error)
	CountUnreadNotifications(ctx context.Context, recipientID string) (int64, error)
	// MarkNotificationsRead marks the recipient's notifications (all when ids is nil) read; it returns how many were unread.
	MarkNotificationsRead(ctx context.Context, recipientID string, ids []string, at time.Time) (int64, error)
	MarkNotificationsMailed(ctx context.Context, ids []string, at time.Time) error
	// UsersWithUnmailed returns people whose e-mail mode is mode and who have
	// notifications raised before before that no e-mail carried yet.
	UsersWithUnmailed(ctx context.Context, mode string, before time.Time, limit int) ([]string, error)
	UnmailedNotifications(ctx context.Context, recipientID string, before time.Time, limit int) ([]Notification, error)

	NotificationSettings(ctx context.Context, userID string) (NotificationSettings, error)
	SaveNotificationSettings(ctx context.Context, ns NotificationSettings) error
	// EnqueueMail adds m to the outbox unless its MessageID is there; false when it was.
	EnqueueMail(ctx context.Context, m Mail) (bool, error)
	// ClaimMail leases up to limit due messages until leaseUntil.
	ClaimMail(ctx context.Context, now, leaseUntil time.Time, limit int) ([]Mail, error)
	FinishMail(ctx context.Context, m Mail) error
	ListMail(ctx context.Context, f MailFilter, q ListQuery) ([]Mail, int64, error)
}

// MailStore is the part of the store e-mail settings are read from.
type MailStore interface {
	NotificationSettings(ctx context.Context, userID string) (NotificationSettings, error)
}

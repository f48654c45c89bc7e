package transfer

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/match"
)

// Store is the persistence the use cases need. Implementations translate
// their own errors into this package's kinds: a missing row is ErrNotFound, a
// duplicate ErrConflict, an unreachable database ErrUnavailable.
type Store interface {
	Ping(ctx context.Context) error
	// Tx runs fn in one transaction: everything fn writes through the Store
	// it is given commits together or not at all.
	Tx(ctx context.Context, fn func(Store) error) error

	CountUsers(ctx context.Context) (int64, error)
	CreateUser(ctx context.Context, u User) error
	UserByID(ctx context.Context, id string) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	ListUsers(ctx context.Context, f UserFilter, q ListQuery) ([]User, int64, error)
	// UpdateUser writes u if the stored version is u.Version-1, else ErrPrecondition.
	UpdateUser(ctx context.Context, u User) error

	CreateRefreshToken(ctx context.Context, t RefreshToken) error
	RefreshTokenByHash(ctx context.Context, hash string) (RefreshToken, error)
	// UseRefreshToken marks the token used; false when it was used or revoked already.
	UseRefreshToken(ctx context.Context, id string, at time.Time) (bool, error)
	RevokeRefreshFamily(ctx context.Context, familyID string, at time.Time) error
	RevokeUserRefreshTokens(ctx context.Context, userID string, at time.Time) error

	CreateClient(ctx context.Context, c Client) error
	ClientByID(ctx context.Context, id string) (Client, error)
	ListClients(ctx context.Context, institutionID string) ([]Client, error)
	RevokeClient(ctx context.Context, id string, at time.Time) error

	CreateInstitution(ctx context.Context, in Institution) error
	InstitutionByID(ctx context.Context, id string) (Institution, error)
	ListInstitutions(ctx context.Context, f InstitutionFilter, q ListQuery) ([]Institution, int64, error)
	// UpdateInstitution writes in if the stored version is in.Version-1, else ErrPrecondition.
	UpdateInstitution(ctx context.Context, in Institution) error
	// ExistingInstitutions returns which of ids exist.
	ExistingInstitutions(ctx context.Context, ids []string) (map[string]bool, error)

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

	// ClaimIdempotencyKey inserts rec unless (scope, key) exists; a record
	// created before staleBefore, or still running since before abandonedBefore,
	// is replaced. It returns the record that stands and whether it is rec.
	ClaimIdempotencyKey(ctx context.Context, rec IdempotencyRecord, staleBefore, abandonedBefore time.Time) (IdempotencyRecord, bool, error)
	CompleteIdempotencyKey(ctx context.Context, scope, key string, resp StoredResponse) error
	ReleaseIdempotencyKey(ctx context.Context, scope, key string) error
	PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int64, error)

	// LiveListings hands fn the published, unexpired listings of both kinds in batches.
	LiveListings(ctx context.Context, now time.Time, fn func([]Listing) error) error
	// ListingsChangedSince returns listings changed after (since, afterID) in
	// (updated_at, id) order; an empty afterID starts at since.
	ListingsChangedSince(ctx context.Context, since time.Time, afterID string, limit int) ([]Listing, error)
	ListingsByIDs(ctx context.Context, ids []string) ([]Listing, error)
	InstitutionCountries(ctx context.Context) (map[string]string, error)

	// CreateMatch inserts a match; a second match of the same pair is ErrConflict.
	CreateMatch(ctx context.Context, m Match) error
	MatchByID(ctx context.Context, id string) (Match, error)
	ListMatches(ctx context.Context, f MatchFilter, q ListQuery) ([]Match, int64, error)
	// UpdateMatch writes m if the stored version is m.Version-1, else ErrPrecondition.
	UpdateMatch(ctx context.Context, m Match) error

	// CreateAgreement inserts an agreement with its parties and statistics rollups.
	CreateAgreement(ctx context.Context, g Agreement) error
	AgreementByID(ctx context.Context, id string) (Agreement, error)
	ListAgreements(ctx context.Context, f AgreementFilter, q ListQuery) ([]Agreement, int64, error)
	// UpdateAgreement writes g over old (version-checked) and moves the rollups.
	UpdateAgreement(ctx context.Context, old, g Agreement) error
	// AgreementStats aggregates confirmed agreements; rows are summed by MergeStats.
	AgreementStats(ctx context.Context, q StatsQuery) ([]StatsPart, error)

	OverviewCounts(ctx context.Context) (OverviewCounts, error)

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
	// ExpiringListings returns published listings ending in (now, until] not yet announced.
	ExpiringListings(ctx context.Context, now, until time.Time, limit int) ([]Listing, error)
	MarkExpiringSent(ctx context.Context, listingID string, endsAt time.Time) error

	AddAudit(ctx context.Context, events ...AuditEvent) error
	History(ctx context.Context, entityType, id string) ([]AuditEvent, error)
}

// PasswordHasher hashes and checks passwords (internal/auth provides argon2id).
type PasswordHasher interface {
	Hash(password string) (string, error)
	Verify(encoded, password string) (bool, error)
}

// TokenIssuer mints short-lived access tokens for an actor (internal/auth provides JWTs).
type TokenIssuer interface {
	IssueAccessToken(a Actor) (token string, ttl time.Duration, err error)
}

// Config tunes the Service; zero values take the defaults.
type Config struct {
	RefreshTTL     time.Duration // lifetime of a refresh token family member, default 30 days
	AccountLimit   int           // failed logins per account per window, default 5
	IPLimit        int           // failed logins per client IP per window, default 20
	ThrottleWindow time.Duration // default 15 minutes
	Now            func() time.Time
	// Matcher is the matching engine; nil makes one with the default configuration.
	Matcher *match.Engine
	// Webhooks sends deliveries; nil queues them without sending.
	Webhooks WebhookSender
	// CheckWebhookURL refuses receiver URLs that can never be reached safely.
	CheckWebhookURL func(string) error
}

// Service holds the use cases. Every method that acts for someone takes the Actor.
type Service struct {
	store       Store
	hasher      PasswordHasher
	tokens      TokenIssuer
	now         func() time.Time
	refreshTTL  time.Duration
	throttle    *throttle
	dummyHash   string
	matches     *matchIndex
	sender      WebhookSender
	checkURL    func(string) error
	webhookWake chan struct{}
}

// NewService wires the use cases to their dependencies.
func NewService(store Store, hasher PasswordHasher, tokens TokenIssuer, cfg Config) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RefreshTTL == 0 {
		cfg.RefreshTTL = 30 * 24 * time.Hour
	}
	if cfg.AccountLimit == 0 {
		cfg.AccountLimit = 5
	}
	if cfg.IPLimit == 0 {
		cfg.IPLimit = 20
	}
	if cfg.ThrottleWindow == 0 {
		cfg.ThrottleWindow = 15 * time.Minute
	}
	// Logins for unknown accounts verify against this hash so that they take
	// as long as logins for known ones.
	dummy, err := hasher.Hash(randomToken(16))
	if err != nil {
		return nil, err
	}
	if cfg.Matcher == nil {
		if cfg.Matcher, err = match.New(match.Config{}); err != nil {
			return nil, err
		}
	}
	return &Service{
		store:       store,
		hasher:      hasher,
		tokens:      tokens,
		now:         func() time.Time { return cfg.Now().UTC().Truncate(time.Microsecond) }, // what both databases keep
		refreshTTL:  cfg.RefreshTTL,
		throttle:    newThrottle(cfg.AccountLimit, cfg.IPLimit, cfg.ThrottleWindow),
		dummyHash:   dummy,
		matches:     newMatchIndex(cfg.Matcher),
		sender:      cfg.Webhooks,
		checkURL:    cfg.CheckWebhookURL,
		webhookWake: make(chan struct{}, 1),
	}, nil
}

// Ready reports whether the store answers.
func (s *Service) Ready(ctx context.Context) error { return s.store.Ping(ctx) }

// newID returns a time-ordered UUID (v7), so that creation order is id order.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// ValidID reports whether id has the form of our ids; others cannot exist.
func ValidID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil && len(id) == 36
}

// randomToken returns n random bytes, base64url encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret hashes a high-entropy secret (refresh token, client secret). A
// fast hash is enough there: 256 random bits cannot be guessed offline.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// makePage trims the extra item a store returns to show there is a next page.
func makePage[T any](items []T, total int64, q ListQuery, position func(T) (value, id string)) Page[T] {
	p := Page[T]{Items: items, Total: total}
	if len(items) > q.Limit {
		p.Items = items[:q.Limit]
		v, id := position(p.Items[len(p.Items)-1])
		p.NextCursor = EncodeCursor(Cursor{Sort: q.Sort.String(), Value: v, ID: id})
	}
	if p.Items == nil {
		p.Items = []T{}
	}
	return p
}

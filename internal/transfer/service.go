package transfer

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/techbridge/techbridge/internal/match"
)

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
	AccountLimit   int           // attempts per account and client IP pair per window, default 5
	IPLimit        int           // attempts per client IP per window (successes given back), default 20
	ThrottleWindow time.Duration // default 15 minutes
	Now            func() time.Time
	// Matcher is the matching engine; nil makes one with the default configuration.
	Matcher *match.Engine
	// Webhooks sends deliveries; nil queues them without sending.
	Webhooks WebhookSender
	// CheckWebhookURL refuses receiver URLs that can never be reached safely.
	CheckWebhookURL func(string) error
	// AccessTokenTTL is the longest life of an access token, default 15
	// minutes: revocation cutoffs older than that are no longer loaded.
	AccessTokenTTL time.Duration
	// HashConcurrency bounds the password hashes running at once (argon2id
	// takes 19 MiB each), default GOMAXPROCS; callers beyond it wait a moment, then get 503.
	HashConcurrency int
	// StatsConcurrency bounds the statistics queries running at once, default 2;
	// StatsTimeout bounds each, default 20 seconds.
	StatsConcurrency int
	StatsTimeout     time.Duration
	// StatsMinGroup is k of the disclosure rule: for callers who are not
	// staff, groups of fewer than k agreements show neither count nor value.
	// Default 3; 1 turns suppression off.
	StatsMinGroup int
	// Mailer sends e-mail; nil turns e-mail off (notifications stay in the app).
	Mailer Mailer
	// MailKey signs unsubscribe links; PublicURL is the base of the links in e-mails.
	MailKey   []byte
	PublicURL string
}

// Service holds the use cases. Every method that acts for someone takes the Actor.
type Service struct {
	store       Store
	hasher      PasswordHasher
	tokens      TokenIssuer
	now         func() time.Time
	refreshTTL  time.Duration
	throttle    throttle
	dummyHash   string
	matches     *matchIndex
	sender      WebhookSender
	checkURL    func(string) error
	webhookWake chan struct{}

	tokenTTL     time.Duration
	revoked      revocations
	hashGate     *gate
	statsGate    *gate
	statsTimeout time.Duration
	minGroup     int

	alerts     *percolator
	alertSync  sync.Mutex
	alertSince time.Time
	mailer     Mailer
	mailKey    []byte
	publicURL  string
	mailWake   chan struct{}
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
	if cfg.AccessTokenTTL == 0 {
		cfg.AccessTokenTTL = 15 * time.Minute
	}
	if cfg.HashConcurrency == 0 {
		cfg.HashConcurrency = runtime.GOMAXPROCS(0)
	}
	if cfg.StatsConcurrency == 0 {
		cfg.StatsConcurrency = 2
	}
	if cfg.StatsTimeout == 0 {
		cfg.StatsTimeout = 20 * time.Second
	}
	if cfg.StatsMinGroup == 0 {
		cfg.StatsMinGroup = 3
	}
	mailKey, publicURL := cfg.MailKey, cfg.PublicURL
	if len(mailKey) == 0 {
		mailKey = []byte(randomToken(32))
	}
	if publicURL == "" {
		publicURL = "http://localhost:8080"
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
		throttle:    throttle{pairLimit: cfg.AccountLimit, ipLimit: cfg.IPLimit, window: cfg.ThrottleWindow},
		dummyHash:   dummy,
		matches:     newMatchIndex(cfg.Matcher),
		sender:      cfg.Webhooks,
		checkURL:    cfg.CheckWebhookURL,
		webhookWake: make(chan struct{}, 1),
		tokenTTL:    cfg.AccessTokenTTL,
		hashGate: newGate(cfg.HashConcurrency, time.Second,
			"too many password checks are running; retry in a moment"),
		statsGate: newGate(cfg.StatsConcurrency, 2*time.Second,
			"too many statistics queries are running; retry in a moment"),
		statsTimeout: cfg.StatsTimeout,
		minGroup:     cfg.StatsMinGroup,
		alerts:       newPercolator(),
		mailer:       cfg.Mailer,
		mailKey:      mailKey,
		publicURL:    strings.TrimRight(publicURL, "/"),
		mailWake:     make(chan struct{}, 1),
	}, nil
}

// Ready reports whether the matching index is built and the store answers.
func (s *Service) Ready(ctx context.Context) error {
	if err := s.matchIndexReady(); err != nil {
		return err
	}
	return s.db(ctx).Ping(ctx)
}

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

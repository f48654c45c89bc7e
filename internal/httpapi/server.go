// Package httpapi is techbridge's HTTP face: the Echo router, its middleware,
// the one error handler, and one file per resource with its wire types and
// swag annotations. Handlers bind, call the transfer.Service and shape the
// response; the rules themselves live in the domain.
package httpapi

import (
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/techbridge/techbridge/internal/transfer"
)

//	@title						techbridge API
//	@version					1.0
//	@description				Technology-transfer matchmaking between Chinese and ASEAN institutions.
//	@description				Errors are RFC 9457 problem documents (application/problem+json) whose type is a stable URI per kind of error, such as /problems/validation. Lists return {items, next_cursor, total} and a Link rel="next" header.
//	@description				People log in at /auth/login; partner machine clients use the OAuth 2.0 client-credentials grant at /oauth/token. Send the access token in the Authorization header: the word Bearer, a space, then the token.
//	@description				The OpenAPI 3.1 version of this document, the one to generate clients from, is served at /openapi.json.
//	@license.name				Apache-2.0
//	@license.url				https://www.apache.org/licenses/LICENSE-2.0
//	@BasePath					/api/v1
//	@tag.name					auth
//	@tag.description			Logging in, refreshing and revoking tokens; OAuth 2.0 client credentials for machine clients.
//	@tag.name					users
//	@tag.description			User accounts and roles (admin only).
//	@tag.name					institutions
//	@tag.description			Member institutions: universities, enterprises, research institutes, transfer agencies.
//	@tag.name					offers
//	@tag.description			Technologies an institution can transfer: drafted, reviewed, published, matched.
//	@tag.name					demands
//	@tag.description			Technologies an institution needs: drafted, reviewed, published, matched.
//	@tag.name					clients
//	@tag.description			OAuth 2.0 machine clients of an institution: created by staff, secret shown once.
//	@tag.name					matching
//	@tag.description			Ranked suggestions for a listing, and the demand-offer pairs (matches) staff follow up.
//	@tag.name					agreements
//	@tag.description			Signed or planned cooperation agreements; never deleted, every change audited.
//	@tag.name					statistics
//	@tag.description			Agreement statistics and the matchmaking funnel, as JSON or CSV.
//	@tag.name					webhooks
//	@tag.description			Endpoints that receive signed event deliveries (Standard Webhooks).
//	@tag.name					reference
//	@tag.description			Controlled vocabularies: sectors, subsectors, institution types, transfer modes.
//	@tag.name					operations
//	@tag.description			Liveness and readiness probes, served at the root of the host.
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				The word Bearer, a space, then an access token from /auth/login, /auth/refresh or /oauth/token.

// TokenParser turns a bearer token into the actor it names.
type TokenParser interface {
	Parse(token string) (transfer.Actor, error)
}

// Config is what the HTTP layer needs beyond the service.
type Config struct {
	Logger         *slog.Logger
	CORSOrigins    []string     // browser origins allowed to call the API; none when empty
	TrustedProxies []*net.IPNet // peers whose X-Forwarded-For is believed
	BodyLimit      string       // e.g. "1M"
	Version        string
	// PublicURL is the service's external URL (TECHBRIDGE_PUBLIC_URL): the
	// Origin browser sessions must come from. Unset, the request's Host is.
	PublicURL string
	// Console serves the staff console under /console/ when set.
	Console http.Handler
	// ImportSlots is how many imports (up to 64 MB each) one process reads
	// at once; more wait briefly, then get 503. Default 2.
	ImportSlots int
}

// Server is the HTTP handler of the API.
type Server struct {
	echo         *echo.Echo
	accounts     accounts
	institutions institutions
	listings     listings
	matching     matching
	agreements   agreements
	webhooks     webhooks
	lexicon      lexicon
	events       events
	replays      replays
	alerts       alerts
	readiness    readiness
	tokens       TokenParser
	log          *slog.Logger
	metrics      *metrics
	version      string
	draining     atomic.Bool
	imports      chan struct{} // one token per import being read and run
	publicURL    *url.URL      // nil: browser sessions must come from the request's Host
}

// Route is one registered method and path template.
type Route struct {
	Method string
	Path   string
}

// NewServer builds the router with every route and middleware.
func NewServer(svc *transfer.Service, tokens TokenParser, cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "1M"
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.JSONSerializer = jsonSerializer{}
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	s := &Server{echo: e, accounts: svc, institutions: svc, listings: svc, matching: svc, agreements: svc,
		webhooks: svc, lexicon: svc, events: svc, alerts: svc, replays: svc, readiness: svc, tokens: tokens, log: cfg.Logger, version: cfg.Version,
		metrics: newMetrics(prometheus.NewRegistry())}
	if cfg.ImportSlots <= 0 {
		cfg.ImportSlots = 2
	}
	s.imports = make(chan struct{}, cfg.ImportSlots)
	if u, err := url.Parse(cfg.PublicURL); err == nil && cfg.PublicURL != "" && u.Host != "" {
		s.publicURL = u
	}
	e.HTTPErrorHandler = s.handleError
	s.routes(cfg)
	return s
}

// ipExtractor reads the client address from the connection, or from
// X-Forwarded-For only when the peer is one of the trusted proxies. Echo's
// defaults would also trust every private and loopback peer; we do not.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// Drain makes /readyz answer 503 from now on, ahead of a shutdown.
func (s *Server) Drain() { s.draining.Store(true) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Routes lists every registered route, for documentation and the access tests.
func (s *Server) Routes() []Route {
	var out []Route
	for _, r := range s.echo.Routes() {
		out = append(out, Route{Method: r.Method, Path: r.Path})
	}
	return out
}

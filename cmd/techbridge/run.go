package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/console"
	"github.com/techbridge/techbridge/internal/httpapi"
	mailer "github.com/techbridge/techbridge/internal/mail"
	"github.com/techbridge/techbridge/internal/match"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/transfer"
	"github.com/techbridge/techbridge/internal/webhook"
)

const usage = `usage: techbridge [command]

commands:
  serve                      run the API (the default)
  migrate up|status          apply or list database migrations
  user create --email E --role R [--institution ID]
                             create a user; its password is printed once
  seed demo                  add a small, readable set of institutions, offers and demands
  seed synthetic --offers N --demands M [--agreements K] [--institutions I] [--seed S]
                             add deterministic synthetic data (for benchmarks)
  eval --data DIR [--json]   matching quality on a labelled set: nDCG@10, MRR, Recall@10 against BM25
  healthcheck                exit 0 when the local API answers /healthz (for container health checks)
  version                    print the version

configuration comes from the environment: TECHBRIDGE_ADDR, DATABASE_URL, TECHBRIDGE_DATA_DIR,
TECHBRIDGE_JWT_SECRET, TECHBRIDGE_ADMIN_EMAIL, TECHBRIDGE_ADMIN_PASSWORD, TECHBRIDGE_CORS_ORIGINS,
TECHBRIDGE_TRUSTED_PROXIES, TECHBRIDGE_WEBHOOK_ALLOWED_CIDRS, TECHBRIDGE_DB_MAX_CONNS,
TECHBRIDGE_SHUTDOWN_DELAY, TECHBRIDGE_MATCH_WEIGHTS, TECHBRIDGE_FX_RATES (see README.md)
`

// webhookTimeout bounds one delivery attempt.
const webhookTimeout = 10 * time.Second

// accessTokenTTL is short: tokens are not checked against the database on each
// request, so disabling a user or revoking a client takes effect within it.
const accessTokenTTL = 15 * time.Minute

// run is the whole program, built from explicit arguments so tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "version", "--version":
		fmt.Fprintln(stdout, "techbridge", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "healthcheck":
		return healthcheck(ctx, getenv)
	case "eval":
		return evalCommand(ctx, args, stdout)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := newJSONLogger(stderr)
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, stdout)
	case "migrate":
		return migrate(ctx, cfg, args, stdout)
	case "user":
		return userCommand(ctx, cfg, args, stdout)
	case "seed":
		return seedCommand(ctx, cfg, args, stdout)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func newJSONLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

// app is the wired core shared by the commands.
type app struct {
	store  *store.Store
	tokens *auth.Tokens
	svc    *transfer.Service
}

// openStore opens the database; commands that touch no webhook secret pass no key.
func openStore(ctx context.Context, cfg config) (*store.Store, error) {
	return openStoreKeyed(ctx, cfg, nil)
}

func openStoreKeyed(ctx context.Context, cfg config, secretKey []byte) (*store.Store, error) {
	return store.Open(ctx, store.Config{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, MaxOpenConns: cfg.DBMaxConns,
		SecretKey: secretKey})
}

func openApp(ctx context.Context, cfg config) (*app, error) {
	secret, err := jwtSecret(cfg)
	if err != nil {
		return nil, err
	}
	st, err := openStoreKeyed(ctx, cfg, secret)
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	tokens, err := auth.NewTokens(secret, accessTokenTTL, nil)
	if err != nil {
		st.Close()
		return nil, err
	}
	guard := webhook.Guard{}
	for _, n := range cfg.WebhookAllowedCIDRs {
		if p, err := netip.ParsePrefix(n.String()); err == nil {
			guard.Allowed = append(guard.Allowed, p)
		}
	}
	engine, err := match.New(match.Config{Weights: cfg.MatchWeights, Rates: cfg.FXRates})
	if err != nil {
		st.Close()
		return nil, err
	}
	var mail transfer.Mailer
	if cfg.SMTPURL != "" {
		if mail, err = mailer.New(mailer.Config{URL: cfg.SMTPURL, From: cfg.MailFrom}); err != nil {
			st.Close()
			return nil, err
		}
	}
	mailKey := sha256.Sum256(append([]byte("techbridge unsubscribe\x00"), secret...))
	svc, err := transfer.NewService(st, auth.DefaultArgon2, tokens, transfer.Config{Matcher: engine,
		Webhooks: webhook.NewSender(guard, webhookTimeout), CheckWebhookURL: guard.CheckURL,
		AccessTokenTTL: accessTokenTTL, StatsMinGroup: cfg.StatsMinGroup,
		Mailer: mail, MailKey: mailKey[:], PublicURL: cfg.linkBase()})
	if err != nil {
		st.Close()
		return nil, err
	}
	return &app{store: st, tokens: tokens, svc: svc}, nil
}

// jwtSecret returns the configured signing key or, in embedded mode, the one
// kept in the data directory (made on first start).
func jwtSecret(cfg config) ([]byte, error) {
	if cfg.JWTSecret != "" {
		return []byte(cfg.JWTSecret), nil
	}
	if cfg.DatabaseURL != "" {
		return nil, errors.New("TECHBRIDGE_JWT_SECRET is required with DATABASE_URL: every API process must sign with the same key")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(cfg.DataDir, "jwt-secret")
	b, err := os.ReadFile(path)
	if err == nil {
		if s := strings.TrimSpace(string(b)); len(s) >= auth.MinSecretLength {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("%s is shorter than %d bytes; delete it to make a new one", path, auth.MinSecretLength)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read jwt secret: %w", err)
	}
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	s := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return jwtSecret(cfg) // another process made it first
	}
	if err != nil {
		return nil, fmt.Errorf("create jwt secret: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(s + "\n"); err != nil {
		return nil, fmt.Errorf("write jwt secret: %w", err)
	}
	return []byte(s), f.Sync()
}

func serve(ctx context.Context, cfg config, log *slog.Logger, stdout io.Writer) error {
	log.Info("starting", "version", version, "config", cfg)
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.store.Close()
	log.Info("database ready", "dialect", a.store.Dialect())
	if err := a.svc.BuildAlertIndex(ctx); err != nil {
		return err
	}
	if a.svc.MailEnabled() {
		log.Info("e-mail on", "smtp_url", maskSMTP(cfg.SMTPURL), "from", cfg.MailFrom)
	} else {
		log.Info("e-mail off: set TECHBRIDGE_SMTP_URL and TECHBRIDGE_MAIL_FROM to send notifications by e-mail")
	}
	// The index builds while the server listens; /readyz answers 503
	// "building index" until it is done.
	cache := newAnalysesCache(cfg.DataDir, log)
	built := startIndexBuild(ctx, a.svc, cache, log)

	password := cfg.AdminPassword
	generated := password == ""
	if generated {
		password = randomPassword()
	}
	created, err := a.svc.BootstrapAdmin(ctx, cfg.AdminEmail, password)
	if err != nil {
		return err
	}
	if created {
		log.Info("bootstrap admin created", "email", cfg.AdminEmail)
		if generated {
			fmt.Fprintf(stdout, "\nBootstrap admin created: %s\nGenerated password (shown once, change it): %s\n\n", cfg.AdminEmail, password)
		}
	}

	ui, err := console.New()
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	handler := httpapi.NewServer(a.svc, a.tokens, httpapi.Config{Logger: log, CORSOrigins: cfg.CORSOrigins,
		TrustedProxies: cfg.TrustedProxies, Version: version, PublicURL: cfg.PublicURL, Console: ui})
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", ln.Addr().String())
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer stopJobs()
	startJobs(jobsCtx, a.svc, log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	for built != nil {
		select {
		case err := <-errc:
			return err
		case err := <-built:
			if err != nil {
				srv.Close()
				return err
			}
			built = nil
		case <-ctx.Done():
			built = nil
		}
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Readiness fails first, so that load balancers stop sending new requests
	// before the listener closes; then in-flight requests get up to 20 s to
	// finish (with the default 5 s delay, inside Kubernetes' 30 s grace).
	log.Info("shutting down", "delay", cfg.ShutdownDelay.String())
	handler.Drain()
	time.Sleep(cfg.ShutdownDelay)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	stopJobs()
	cache.save(a.svc.Engine(), "shutdown")
	log.Info("stopped")
	return nil
}

func randomPassword() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func migrate(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) != 1 || (args[0] != "up" && args[0] != "status") {
		return errors.New("usage: techbridge migrate up|status")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if args[0] == "up" {
		n, err := st.Migrate(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "applied %d migration(s) on %s\n", n, st.Dialect())
		return nil
	}
	states, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	for _, m := range states {
		state := "pending"
		if m.Applied {
			state = "applied " + m.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(stdout, "%05d  %-45s %s\n", m.Version, m.Name, state)
	}
	return nil
}

func userCommand(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: techbridge user create --email E --role admin|staff|partner|analyst [--institution ID]")
	}
	fl := flag.NewFlagSet("user create", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	email := fl.String("email", "", "email address")
	role := fl.String("role", "", "admin, staff, partner or analyst")
	inst := fl.String("institution", "", "institution id (partners)")
	if err := fl.Parse(args[1:]); err != nil {
		return fmt.Errorf("user create: %w", err)
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.store.Close()
	password := randomPassword()
	u, err := a.svc.CreateUserUnchecked(ctx, transfer.NewUser{Email: *email, Password: password,
		Role: transfer.Role(*role), InstitutionID: *inst})
	var derr *transfer.Error
	if errors.As(err, &derr) && len(derr.Fields) > 0 {
		var b strings.Builder
		for _, f := range derr.Fields {
			fmt.Fprintf(&b, "\n  %s: %s", f.Field, f.Message)
		}
		return fmt.Errorf("user create: %s%s", derr.Message, b.String())
	}
	if err != nil {
		return fmt.Errorf("user create: %w", err)
	}
	fmt.Fprintf(stdout, "created %s user %s (id %s)\npassword (shown once): %s\n", u.Role, u.Email, u.ID, password)
	return nil
}

// healthcheck asks the local API for /healthz, for distroless images that
// have no curl.
func healthcheck(ctx context.Context, getenv func(string) string) error {
	addr := getenv("TECHBRIDGE_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("TECHBRIDGE_ADDR: %w", err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1" // listening on every interface: loopback is one of them
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /healthz answered %d", resp.StatusCode)
	}
	return nil
}

package main

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	mailer "github.com/techbridge/techbridge/internal/mail"
	"github.com/techbridge/techbridge/internal/match"
	"github.com/techbridge/techbridge/internal/transfer"
)

// config is everything read from the environment, once, at start.
type config struct {
	Addr                string
	DatabaseURL         string
	DataDir             string
	JWTSecret           string
	AdminEmail          string
	AdminPassword       string
	CORSOrigins         []string
	PublicURL           string // origin browser sessions of the console come from; empty: the request's Host
	TrustedProxies      []*net.IPNet
	WebhookAllowedCIDRs []*net.IPNet
	DBMaxConns          int           // connections per process
	ShutdownDelay       time.Duration // readiness fails this long before the server stops accepting
	MatchWeights        match.Weights
	FXRates             map[string]float64 // units per US dollar
	StatsMinGroup       int                // k: smaller statistics groups are suppressed for non-staff
	SMTPURL             string             // empty: no e-mail
	MailFrom            string
}

// loadConfig reads and validates the environment, reporting every problem at once.
func loadConfig(getenv func(string) string) (config, error) {
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := config{
		Addr:          env("TECHBRIDGE_ADDR", ":8080"),
		DatabaseURL:   env("DATABASE_URL", ""),
		DataDir:       env("TECHBRIDGE_DATA_DIR", "./data"),
		JWTSecret:     getenv("TECHBRIDGE_JWT_SECRET"),
		AdminEmail:    env("TECHBRIDGE_ADMIN_EMAIL", "admin@localhost"),
		AdminPassword: getenv("TECHBRIDGE_ADMIN_PASSWORD"),
		DBMaxConns:    10,
		ShutdownDelay: 5 * time.Second,
		StatsMinGroup: 3,
		SMTPURL:       env("TECHBRIDGE_SMTP_URL", ""),
		MailFrom:      env("TECHBRIDGE_MAIL_FROM", ""),
	}
	var errs []error
	var err error
	if c.MatchWeights, err = parseWeights(getenv("TECHBRIDGE_MATCH_WEIGHTS")); err != nil {
		errs = append(errs, err)
	}
	if c.FXRates, err = parseRates(getenv("TECHBRIDGE_FX_RATES")); err != nil {
		errs = append(errs, err)
	}
	if v := env("TECHBRIDGE_DB_MAX_CONNS", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			errs = append(errs, fmt.Errorf("TECHBRIDGE_DB_MAX_CONNS %q must be a number from 1 to 1000", v))
		}
		c.DBMaxConns = n
	}
	if v := env("TECHBRIDGE_STATS_MIN_GROUP", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			errs = append(errs, fmt.Errorf("TECHBRIDGE_STATS_MIN_GROUP %q must be a number from 1 to 1000", v))
		}
		c.StatsMinGroup = n
	}
	if v := env("TECHBRIDGE_SHUTDOWN_DELAY", ""); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > time.Minute {
			errs = append(errs, fmt.Errorf("TECHBRIDGE_SHUTDOWN_DELAY %q must be a duration such as 5s, at most 1m", v))
		}
		c.ShutdownDelay = d
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		errs = append(errs, fmt.Errorf("TECHBRIDGE_ADDR %q must be host:port, such as :8080", c.Addr))
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			errs = append(errs, errors.New("DATABASE_URL must be a postgres:// URL (leave it empty for the embedded SQLite database)"))
		}
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		errs = append(errs, errors.New("TECHBRIDGE_JWT_SECRET must be at least 32 bytes"))
	}
	if a, err := mail.ParseAddress(c.AdminEmail); err != nil || a.Address != c.AdminEmail {
		errs = append(errs, fmt.Errorf("TECHBRIDGE_ADMIN_EMAIL %q is not an email address", c.AdminEmail))
	}
	if n := len([]rune(c.AdminPassword)); n > 0 && n < 12 {
		errs = append(errs, errors.New("TECHBRIDGE_ADMIN_PASSWORD must be at least 12 characters"))
	}
	for _, o := range splitList(getenv("TECHBRIDGE_CORS_ORIGINS")) {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			errs = append(errs, fmt.Errorf("TECHBRIDGE_CORS_ORIGINS: %q is not an origin such as https://app.example.org", o))
			continue
		}
		c.CORSOrigins = append(c.CORSOrigins, u.Scheme+"://"+u.Host)
	}
	if pu := strings.TrimSpace(getenv("TECHBRIDGE_PUBLIC_URL")); pu != "" {
		u, err := url.Parse(pu)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("TECHBRIDGE_PUBLIC_URL: %q is not a URL such as https://techbridge.example.org", pu))
		} else {
			c.PublicURL = u.Scheme + "://" + u.Host
		}
	}
	if c.TrustedProxies, err = parseCIDRs("TECHBRIDGE_TRUSTED_PROXIES", getenv); err != nil {
		errs = append(errs, err)
	}
	if c.WebhookAllowedCIDRs, err = parseCIDRs("TECHBRIDGE_WEBHOOK_ALLOWED_CIDRS", getenv); err != nil {
		errs = append(errs, err)
	}
	if c.SMTPURL != "" || c.MailFrom != "" {
		if _, err := mailer.New(mailer.Config{URL: c.SMTPURL, From: c.MailFrom}); err != nil {
			errs = append(errs, err)
		}
	}
	return c, errors.Join(errs...)
}

// linkBase is the origin that links in e-mails start with:
// TECHBRIDGE_PUBLIC_URL, else this process on localhost at its port.
func (c config) linkBase() string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	port := "8080"
	if _, p, err := net.SplitHostPort(c.Addr); err == nil && p != "" {
		port = p
	}
	return "http://localhost:" + port
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseCIDRs reads a comma list of CIDRs; a bare address means just that host.
func parseCIDRs(name string, getenv func(string) string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	var bad []string
	for _, p := range splitList(getenv(name)) {
		if !strings.Contains(p, "/") {
			if ip := net.ParseIP(p); ip != nil {
				bits := 128
				if ip.To4() != nil {
					ip, bits = ip.To4(), 32
				}
				out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
				continue
			}
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			bad = append(bad, p)
			continue
		}
		out = append(out, n)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%s: %s not CIDRs such as 10.0.0.0/8", name, strings.Join(bad, ", "))
	}
	return out, nil
}

// parseWeights reads "text=0.22,concepts=0.3,…": the matching weights,
// each name once; names left out keep their default.
func parseWeights(s string) (match.Weights, error) {
	w := match.DefaultWeights
	fields := map[string]*float64{"text": &w.Text, "concepts": &w.Concepts, "sector": &w.Sector, "trl": &w.TRL,
		"transfer_mode": &w.TransferMode, "geography": &w.Geography, "budget": &w.Budget, "freshness": &w.Freshness}
	for _, part := range splitList(s) {
		name, val, ok := strings.Cut(part, "=")
		dst := fields[strings.TrimSpace(name)]
		f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if !ok || dst == nil || err != nil || f < 0 || f > 100 {
			return w, fmt.Errorf("TECHBRIDGE_MATCH_WEIGHTS: %q is not name=weight with a name among text, concepts, sector, trl, transfer_mode, geography, budget, freshness", part)
		}
		*dst = f
	}
	return w, nil
}

// parseRates reads "CNY=7.2,THB=36": currency units per US dollar, over the defaults.
func parseRates(s string) (map[string]float64, error) {
	rates := maps.Clone(match.DefaultRates)
	for _, part := range splitList(s) {
		code, val, ok := strings.Cut(part, "=")
		f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		code = strings.ToUpper(strings.TrimSpace(code))
		if !ok || err != nil || f <= 0 || !transfer.ValidCurrency(code) {
			return nil, fmt.Errorf("TECHBRIDGE_FX_RATES: %q is not CODE=units-per-USD such as THB=36", part)
		}
		rates[code] = f
	}
	return rates, nil
}

// LogValue masks secrets, so the configuration can be logged at start.
func (c config) LogValue() slog.Value {
	nets := func(ns []*net.IPNet) []string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = n.String()
		}
		return out
	}
	db := "sqlite:" + c.DataDir
	if c.DatabaseURL != "" {
		db = maskURL(c.DatabaseURL)
	}
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("database", db),
		slog.String("jwt_secret", mask(c.JWTSecret)),
		slog.String("admin_email", c.AdminEmail),
		slog.String("admin_password", mask(c.AdminPassword)),
		slog.Any("cors_origins", c.CORSOrigins),
		slog.String("public_url", c.PublicURL),
		slog.Any("trusted_proxies", nets(c.TrustedProxies)),
		slog.Any("webhook_allowed_cidrs", nets(c.WebhookAllowedCIDRs)),
		slog.Int("db_max_conns", c.DBMaxConns),
		slog.Duration("shutdown_delay", c.ShutdownDelay),
		slog.Int("stats_min_group", c.StatsMinGroup),
		slog.String("smtp_url", maskSMTP(c.SMTPURL)),
		slog.String("mail_from", c.MailFrom),
		slog.Any("match_weights", c.MatchWeights),
	)
}

func mask(secret string) string {
	if secret == "" {
		return "(unset)"
	}
	return "(set, masked)"
}

// maskURL hides the password of a database URL.
func maskURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable, masked)"
	}
	return u.Redacted()
}

// maskSMTP hides the password of an SMTP URL.
func maskSMTP(s string) string {
	if s == "" {
		return "(unset: e-mail off)"
	}
	u, err := url.Parse(s)
	if err != nil {
		return "(set, masked)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

package transfer

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind tells an offer (a technology someone can transfer) from a demand (a
// technology someone needs). Both are listings: they share their lifecycle,
// moderation, visibility, audit and storage, and differ in a few fields.
type Kind string

const (
	KindOffer  Kind = "offer"
	KindDemand Kind = "demand"
)

// Status is where a listing is in its lifecycle.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusPending   Status = "pending_review"
	StatusPublished Status = "published"
	StatusRejected  Status = "rejected"
	StatusWithdrawn Status = "withdrawn"
	StatusExpired   Status = "expired"
)

// Statuses lists every listing status.
var Statuses = []Status{StatusDraft, StatusPending, StatusPublished, StatusRejected, StatusWithdrawn, StatusExpired}

// Vocabularies of listings.
var (
	IPStatuses    = []string{"none", "know_how", "patent_pending", "patent_granted"}
	TransferModes = []string{"licensing", "assignment", "joint_development", "technical_service", "equity_cooperation"}
	Visibilities  = []string{"public", "confidential"}
)

// Limits on listing text.
const (
	MaxTitle       = 200
	MaxSummary     = 500
	MaxDescription = 10000
	MaxKeywords    = 10
	MaxKeyword     = 60
)

// Listing is an offer or a demand. Fields that mean different things per kind
// are named for both: TRL is an offer's readiness and a demand's minimum;
// Countries are an offer's target markets and a demand's acceptable sources;
// AmountMin/Max are an offer's price and a demand's budget, in whole units of
// Currency; EndsAt is an offer's expires_at and a demand's deadline.
type Listing struct {
	ID            string
	Kind          Kind
	InstitutionID string
	Title         string
	Summary       string
	Description   string
	Language      string
	Sector        string
	Subsector     string
	Keywords      []string
	TRL           int    // 1–9; for demands 0 means any
	IPStatus      string // offers only
	TransferModes []string
	Countries     []string
	AmountMin     *int64
	AmountMax     *int64
	Currency      string
	Visibility    string
	Status        Status
	StatusReason  string // why it was rejected or withdrawn
	EndsAt        *time.Time
	PublishedAt   *time.Time
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Translations are the text in further languages, by language tag
	// (translation.go).
	Translations map[string]Translation
}

// Names of the kind-specific fields on the wire, used in errors and the audit trail.
func (k Kind) trlField() string {
	if k == KindDemand {
		return "min_trl"
	}
	return "trl"
}

func (k Kind) countriesField() string {
	if k == KindDemand {
		return "source_countries"
	}
	return "target_countries"
}

func (k Kind) amountFields() (string, string) {
	if k == KindDemand {
		return "budget_min", "budget_max"
	}
	return "price_min", "price_max"
}

func (k Kind) endsField() string {
	if k == KindDemand {
		return "deadline"
	}
	return "expires_at"
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindOffer || k == KindDemand }

// Expired reports whether the listing's end has passed.
func (l Listing) Expired(now time.Time) bool { return l.EndsAt != nil && !now.Before(*l.EndsAt) }

// Live reports whether the listing is published and not past its end: the
// only listings others may see and the matcher may use.
func (l Listing) Live(now time.Time) bool { return l.Status == StatusPublished && !l.Expired(now) }

func (l *Listing) normalize() {
	l.Title = strings.TrimSpace(l.Title)
	l.Summary = strings.TrimSpace(l.Summary)
	l.Language = strings.ToLower(strings.TrimSpace(l.Language))
	l.Currency = strings.ToUpper(strings.TrimSpace(l.Currency))
	if l.Visibility == "" {
		l.Visibility = "public"
	}
	for i, k := range l.Keywords {
		l.Keywords[i] = strings.TrimSpace(k)
	}
	for i, c := range l.Countries {
		l.Countries[i] = strings.ToUpper(strings.TrimSpace(c))
	}
	l.Keywords = nonNil(l.Keywords)
	l.Countries = nonNil(l.Countries)
	l.TransferModes = nonNil(l.TransferModes)
	l.Translations = normalizeTranslations(l.Translations)
	if l.EndsAt != nil {
		t := l.EndsAt.UTC().Truncate(time.Microsecond)
		l.EndsAt = &t
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Validate reports every broken rule at once, by the field's name on the wire.
func (l Listing) Validate(now time.Time) error {
	var p Problems
	checkLength(&p, "title", l.Title, true, MaxTitle)
	checkLine(&p, "title", l.Title)
	checkLength(&p, "summary", l.Summary, true, MaxSummary)
	checkText(&p, "summary", l.Summary)
	checkLength(&p, "description", l.Description, false, MaxDescription)
	checkText(&p, "description", l.Description)
	if !ValidLanguage(l.Language) {
		p.Add("language", "must be a BCP 47 primary language tag such as zh, en, id, vi, th or ms")
	}
	switch {
	case !ValidSector(l.Sector):
		p.Add("sector", "must be one of the sectors (see GET /api/v1/vocabulary)")
	case l.Subsector != "" && !ValidSubsector(l.Sector, l.Subsector):
		p.Add("subsector", "is not a subsector of %s", l.Sector)
	}
	if len(l.Keywords) > MaxKeywords {
		p.Add("keywords", "must list at most %d keywords", MaxKeywords)
	}
	for i, k := range l.Keywords {
		f := fmt.Sprintf("keywords[%d]", i)
		switch {
		case k == "":
			p.Add(f, "must not be empty")
		case utf8.RuneCountInString(k) > MaxKeyword:
			p.Add(f, "must be at most %d characters", MaxKeyword)
		case strings.Contains(k, ","):
			p.Add(f, "must be one term without commas")
		case slices.Index(l.Keywords, k) != i:
			p.Add(f, "is listed twice")
		}
	}
	trl := l.Kind.trlField()
	switch {
	case l.Kind == KindOffer && (l.TRL < 1 || l.TRL > 9):
		p.Add(trl, "must be between 1 and 9")
	case l.Kind == KindDemand && (l.TRL < 0 || l.TRL > 9):
		p.Add(trl, "must be between 1 and 9 (or 0 for any)")
	}
	if l.Kind == KindOffer && !slices.Contains(IPStatuses, l.IPStatus) {
		p.Add("ip_status", "must be one of %s", strings.Join(IPStatuses, ", "))
	}
	if l.Kind == KindDemand && l.IPStatus != "" {
		p.Add("ip_status", "applies to offers only")
	}
	checkSet(&p, "transfer_modes", l.TransferModes, func(m string) bool { return slices.Contains(TransferModes, m) },
		"must be one of "+strings.Join(TransferModes, ", "))
	checkSet(&p, l.Kind.countriesField(), l.Countries, ValidCountry, "must be an ISO 3166-1 alpha-2 code")
	minF, maxF := l.Kind.amountFields()
	for f, v := range map[string]*int64{minF: l.AmountMin, maxF: l.AmountMax} {
		if v != nil && (*v < 0 || *v > 1e15) {
			p.Add(f, "must be between 0 and 10^15")
		}
	}
	if l.AmountMin != nil && l.AmountMax != nil && *l.AmountMin > *l.AmountMax {
		p.Add(minF, "must not exceed %s", maxF)
	}
	switch {
	case l.Currency == "" && (l.AmountMin != nil || l.AmountMax != nil):
		p.Add("currency", "is required with %s or %s", minF, maxF)
	case l.Currency != "" && !ValidCurrency(l.Currency):
		p.Add("currency", "must be an ISO 4217 code such as CNY, USD or THB")
	}
	if !slices.Contains(Visibilities, l.Visibility) {
		p.Add("visibility", "must be public or confidential")
	}
	switch {
	case l.EndsAt != nil && l.EndsAt.UTC().Year() > 9999:
		p.Add(l.Kind.endsField(), "must be before the year 10000 (UTC)") // RFC 3339 has four-digit years
	case l.EndsAt != nil && !l.EndsAt.After(now) && l.Status != StatusExpired && l.Status != StatusWithdrawn:
		p.Add(l.Kind.endsField(), "must be in the future")
	}
	l.validateTranslations(&p)
	return p.Err()
}

// checkSet checks a list of vocabulary values: each known, none twice.
func checkSet(p *Problems, field string, values []string, valid func(string) bool, msg string) {
	for i, v := range values {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case !valid(v):
			p.Add(f, "%s", msg)
		case slices.Index(values, v) != i:
			p.Add(f, "is listed twice")
		}
	}
}

// auditFields names every field the audit trail compares, as on the wire.
func (l Listing) auditFields() map[string]any {
	minF, maxF := l.Kind.amountFields()
	return map[string]any{
		"institution_id": l.InstitutionID, "title": l.Title, "summary": l.Summary, "description": l.Description,
		"language": l.Language, "sector": l.Sector, "subsector": l.Subsector, "keywords": l.Keywords,
		l.Kind.trlField(): l.TRL, "ip_status": l.IPStatus, "transfer_modes": l.TransferModes,
		l.Kind.countriesField(): l.Countries, minF: l.AmountMin, maxF: l.AmountMax, "currency": l.Currency,
		"visibility": l.Visibility, "status": l.Status, "status_reason": l.StatusReason, l.Kind.endsField(): l.EndsAt,
		"translations": l.Translations,
	}
}

package transfer

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// problemFields returns the fields an error of kind ErrInvalid names, sorted
// (some rules are checked in map order), or nil when err is nil. Any other
// error fails the test: validation speaks only through Problems.
func problemFields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("got %T %v, want an *Error of kind ErrInvalid", err, err)
	}
	if len(e.Fields) == 0 {
		t.Fatalf("ErrInvalid without fields: %v", err)
	}
	fields := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		if f.Message == "" {
			t.Errorf("field %s has no message", f.Field)
		}
		fields[i] = f.Field
	}
	slices.Sort(fields)
	return fields
}

func checkFields(t *testing.T, err error, want []string) {
	t.Helper()
	got := problemFields(t, err)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("problems name %q, want %q (error: %v)", got, want, err)
	}
}

var validateNow = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func i64(v int64) *int64 { return &v }

func timePtr(t time.Time) *time.Time { return &t }

// validOffer and validDemand set every optional field, so that each row can
// break exactly one rule.
func validOffer() Listing {
	return Listing{Kind: KindOffer, InstitutionID: "0190a000-0000-7000-8000-000000000001", Title: "Perovskite tandem cells",
		Summary: "Tandem cells above 28 % efficiency", Description: "Long text", Language: "en", Sector: "new_energy",
		Subsector: "solar_pv", Keywords: []string{"perovskite", "tandem", "钙钛矿"}, TRL: 6, IPStatus: "patent_granted",
		TransferModes: []string{"licensing", "joint_development"}, Countries: []string{"TH", "VN"},
		AmountMin: i64(100), AmountMax: i64(200), Currency: "USD", Visibility: "public", Status: StatusDraft,
		EndsAt: timePtr(validateNow.Add(30 * 24 * time.Hour))}
}

func validDemand() Listing {
	l := validOffer()
	l.Kind, l.TRL, l.IPStatus = KindDemand, 0, ""
	return l
}

func TestListingValidate(t *testing.T) {
	rep := strings.Repeat
	tests := []struct {
		name   string
		demand bool // start from validDemand instead of validOffer
		change func(l *Listing)
		want   []string // fields named in the problems; nil: valid
	}{
		{"valid offer", false, func(l *Listing) {}, nil},
		{"valid demand", true, func(l *Listing) {}, nil},
		{"offer without optional fields", false, func(l *Listing) {
			l.Description, l.Subsector, l.Keywords, l.TransferModes, l.Countries = "", "", nil, nil, nil
			l.AmountMin, l.AmountMax, l.Currency, l.EndsAt = nil, nil, "", nil
		}, nil},

		{"title missing", false, func(l *Listing) { l.Title = "" }, []string{"title"}},
		{"title blank", false, func(l *Listing) { l.Title = "  \t" }, []string{"title"}},
		{"title at the limit in runes", false, func(l *Listing) { l.Title = rep("光", MaxTitle) }, nil},
		{"title too long", false, func(l *Listing) { l.Title = rep("光", MaxTitle+1) }, []string{"title"}},
		{"title not UTF-8", false, func(l *Listing) { l.Title = "ab\xffcd" }, []string{"title"}},
		{"summary missing", false, func(l *Listing) { l.Summary = "" }, []string{"summary"}},
		{"summary at the limit", false, func(l *Listing) { l.Summary = rep("s", MaxSummary) }, nil},
		{"summary too long", false, func(l *Listing) { l.Summary = rep("s", MaxSummary+1) }, []string{"summary"}},
		{"description at the limit", false, func(l *Listing) { l.Description = rep("d", MaxDescription) }, nil},
		{"description too long", false, func(l *Listing) { l.Description = rep("d", MaxDescription+1) }, []string{"description"}},

		{"language missing", false, func(l *Listing) { l.Language = "" }, []string{"language"}},
		{"language unknown", false, func(l *Listing) { l.Language = "xx" }, []string{"language"}},
		{"language upper case", false, func(l *Listing) { l.Language = "EN" }, []string{"language"}},
		{"language with region", false, func(l *Listing) { l.Language = "zh-CN" }, []string{"language"}},
		{"language thai", false, func(l *Listing) { l.Language = "th" }, nil},

		{"sector missing", false, func(l *Listing) { l.Sector, l.Subsector = "", "" }, []string{"sector"}},
		{"sector unknown, subsector not judged", false, func(l *Listing) { l.Sector = "space" }, []string{"sector"}},
		{"subsector of another sector", false, func(l *Listing) { l.Subsector = "vaccines_biologics" }, []string{"subsector"}},
		{"subsector unknown", false, func(l *Listing) { l.Subsector = "fusion" }, []string{"subsector"}},

		{"keywords at the limit", false, func(l *Listing) { l.Keywords = numbered("k", MaxKeywords) }, nil},
		{"too many keywords", false, func(l *Listing) { l.Keywords = numbered("k", MaxKeywords+1) }, []string{"keywords"}},
		{"keyword empty", false, func(l *Listing) { l.Keywords[1] = "" }, []string{"keywords[1]"}},
		{"keyword at the limit", false, func(l *Listing) { l.Keywords[0] = rep("词", MaxKeyword) }, nil},
		{"keyword too long", false, func(l *Listing) { l.Keywords[0] = rep("词", MaxKeyword+1) }, []string{"keywords[0]"}},
		{"keyword with a comma", false, func(l *Listing) { l.Keywords[2] = "solar,wind" }, []string{"keywords[2]"}},
		{"keyword twice", false, func(l *Listing) { l.Keywords[2] = "perovskite" }, []string{"keywords[2]"}},

		{"offer trl 0", false, func(l *Listing) { l.TRL = 0 }, []string{"trl"}},
		{"offer trl 1", false, func(l *Listing) { l.TRL = 1 }, nil},
		{"offer trl 9", false, func(l *Listing) { l.TRL = 9 }, nil},
		{"offer trl 10", false, func(l *Listing) { l.TRL = 10 }, []string{"trl"}},
		{"offer trl negative", false, func(l *Listing) { l.TRL = -1 }, []string{"trl"}},
		{"demand min_trl 0 means any", true, func(l *Listing) { l.TRL = 0 }, nil},
		{"demand min_trl 9", true, func(l *Listing) { l.TRL = 9 }, nil},
		{"demand min_trl 10", true, func(l *Listing) { l.TRL = 10 }, []string{"min_trl"}},
		{"demand min_trl negative", true, func(l *Listing) { l.TRL = -1 }, []string{"min_trl"}},

		{"offer ip_status missing", false, func(l *Listing) { l.IPStatus = "" }, []string{"ip_status"}},
		{"offer ip_status unknown", false, func(l *Listing) { l.IPStatus = "patented" }, []string{"ip_status"}},
		{"offer ip_status none", false, func(l *Listing) { l.IPStatus = "none" }, nil},
		{"demand ip_status set", true, func(l *Listing) { l.IPStatus = "none" }, []string{"ip_status"}},

		{"transfer mode unknown", false, func(l *Listing) { l.TransferModes[1] = "sale" }, []string{"transfer_modes[1]"}},
		{"transfer mode twice", false, func(l *Listing) { l.TransferModes[1] = "licensing" }, []string{"transfer_modes[1]"}},
		{"every transfer mode", false, func(l *Listing) { l.TransferModes = slices.Clone(TransferModes) }, nil},

		{"offer target country unknown", false, func(l *Listing) { l.Countries[0] = "XX" }, []string{"target_countries[0]"}},
		{"offer target country lower case", false, func(l *Listing) { l.Countries[1] = "vn" }, []string{"target_countries[1]"}},
		{"offer target country twice", false, func(l *Listing) { l.Countries[1] = "TH" }, []string{"target_countries[1]"}},
		{"demand source country unknown", true, func(l *Listing) { l.Countries[0] = "ZZ" }, []string{"source_countries[0]"}},

		{"price_min negative", false, func(l *Listing) { l.AmountMin = i64(-1) }, []string{"price_min"}},
		{"price_max at 10^15", false, func(l *Listing) { l.AmountMax = i64(1e15) }, nil},
		{"price_max above 10^15", false, func(l *Listing) { l.AmountMax = i64(1e15 + 1) }, []string{"price_max"}},
		{"price_min above price_max", false, func(l *Listing) { l.AmountMin = i64(201) }, []string{"price_min"}},
		{"price_min equal to price_max", false, func(l *Listing) { l.AmountMin = i64(200) }, nil},
		{"both prices out of range and crossed", false, func(l *Listing) { l.AmountMin, l.AmountMax = i64(-1), i64(-2) },
			[]string{"price_max", "price_min", "price_min"}},
		{"only price_min", false, func(l *Listing) { l.AmountMax = nil }, nil},
		{"demand budget_min above budget_max", true, func(l *Listing) { l.AmountMin = i64(500) }, []string{"budget_min"}},
		{"demand budget_max negative", true, func(l *Listing) { l.AmountMin, l.AmountMax = nil, i64(-5) }, []string{"budget_max"}},

		{"currency missing with prices", false, func(l *Listing) { l.Currency = "" }, []string{"currency"}},
		{"currency missing with price_max only", false, func(l *Listing) { l.Currency, l.AmountMin = "", nil }, []string{"currency"}},
		{"currency unknown", false, func(l *Listing) { l.Currency = "XYZ" }, []string{"currency"}},
		{"currency lower case", false, func(l *Listing) { l.Currency = "usd" }, []string{"currency"}},
		{"currency without amounts", false, func(l *Listing) { l.AmountMin, l.AmountMax = nil, nil }, nil},
		{"currency invalid without amounts", false, func(l *Listing) { l.AmountMin, l.AmountMax, l.Currency = nil, nil, "EURO" }, []string{"currency"}},

		{"visibility missing", false, func(l *Listing) { l.Visibility = "" }, []string{"visibility"}},
		{"visibility unknown", false, func(l *Listing) { l.Visibility = "private" }, []string{"visibility"}},
		{"visibility confidential", false, func(l *Listing) { l.Visibility = "confidential" }, nil},

		{"expires_at now", false, func(l *Listing) { l.EndsAt = timePtr(validateNow) }, []string{"expires_at"}},
		{"expires_at past", false, func(l *Listing) { l.EndsAt = timePtr(validateNow.Add(-time.Hour)) }, []string{"expires_at"}},
		{"expires_at just ahead", false, func(l *Listing) { l.EndsAt = timePtr(validateNow.Add(time.Microsecond)) }, nil},
		{"published with expires_at past", false, func(l *Listing) {
			l.Status, l.EndsAt = StatusPublished, timePtr(validateNow.Add(-time.Hour))
		}, []string{"expires_at"}},
		{"expired keeps its past expires_at", false, func(l *Listing) {
			l.Status, l.EndsAt = StatusExpired, timePtr(validateNow.Add(-time.Hour))
		}, nil},
		{"withdrawn keeps its past expires_at", false, func(l *Listing) {
			l.Status, l.EndsAt = StatusWithdrawn, timePtr(validateNow.Add(-time.Hour))
		}, nil},
		{"demand deadline past", true, func(l *Listing) { l.EndsAt = timePtr(validateNow.Add(-time.Hour)) }, []string{"deadline"}},

		{"every problem at once", false, func(l *Listing) {
			l.Title, l.Language, l.TRL, l.Visibility = "", "", 0, "x"
		}, []string{"language", "title", "trl", "visibility"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := validOffer()
			if tt.demand {
				l = validDemand()
			}
			tt.change(&l)
			checkFields(t, l.Validate(validateNow), tt.want)
		})
	}
}

func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + string(rune('a'+i))
	}
	return out
}

const (
	partyA = "0190a000-0000-7000-8000-00000000000a"
	partyB = "0190a000-0000-7000-8000-00000000000b"
	partyC = "0190a000-0000-7000-8000-00000000000c"
)

func validAgreement() Agreement {
	return Agreement{Title: "Solar joint lab", Type: "joint_lab", Status: "signed", Sector: "new_energy", Subsector: "solar_pv",
		Parties:     []Party{{InstitutionID: partyA, Role: "provider"}, {InstitutionID: partyB, Role: "recipient"}},
		ValueAmount: i64(1_000_000), Currency: "CNY", SignedOn: "2026-03-01", EventName: "CAEXPO 2026"}
}

func TestAgreementValidate(t *testing.T) {
	rep := strings.Repeat
	tests := []struct {
		name   string
		change func(g *Agreement)
		want   []string
	}{
		{"valid", func(g *Agreement) {}, nil},
		{"planned, unsigned, no value", func(g *Agreement) {
			g.Status, g.SignedOn, g.ValueAmount, g.Currency, g.Subsector, g.EventName = "planned", "", nil, "", "", ""
		}, nil},

		{"title missing", func(g *Agreement) { g.Title = " " }, []string{"title"}},
		{"title at the limit", func(g *Agreement) { g.Title = rep("合", 300) }, nil},
		{"title too long", func(g *Agreement) { g.Title = rep("合", 301) }, []string{"title"}},
		{"event_name too long", func(g *Agreement) { g.EventName = rep("e", 201) }, []string{"event_name"}},
		{"termination_reason too long", func(g *Agreement) { g.TerminationReason = rep("r", 1001) }, []string{"termination_reason"}},

		{"type missing", func(g *Agreement) { g.Type = "" }, []string{"type"}},
		{"type unknown", func(g *Agreement) { g.Type = "sale" }, []string{"type"}},
		{"status missing", func(g *Agreement) { g.Status = "" }, []string{"status"}},
		{"status of a listing", func(g *Agreement) { g.Status = "draft" }, []string{"status"}},

		{"sector unknown", func(g *Agreement) { g.Sector = "space" }, []string{"sector"}},
		{"subsector of another sector", func(g *Agreement) { g.Subsector = "robotics" }, []string{"subsector"}},

		{"party id malformed", func(g *Agreement) { g.Parties[0].InstitutionID = "gxu" }, []string{"parties[0].institution_id"}},
		{"party twice", func(g *Agreement) { g.Parties[1].InstitutionID = partyA }, []string{"parties[1].institution_id"}},
		{"party role unknown", func(g *Agreement) { g.Parties[1].Role = "buyer" }, []string{"parties[1].role"}},
		{"one party", func(g *Agreement) { g.Parties = g.Parties[:1] }, []string{"parties"}},
		{"no parties", func(g *Agreement) { g.Parties = nil }, []string{"parties"}},
		{"three parties", func(g *Agreement) {
			g.Parties = append(g.Parties, Party{InstitutionID: partyC, Role: "partner"})
		}, nil},

		{"value without currency", func(g *Agreement) { g.Currency = "" }, []string{"value_amount"}},
		{"currency without value", func(g *Agreement) { g.ValueAmount = nil }, []string{"value_amount"}},
		{"currency unknown", func(g *Agreement) { g.Currency = "XYZ" }, []string{"currency"}},
		{"currency lower case", func(g *Agreement) { g.Currency = "cny" }, []string{"currency"}},
		{"value negative", func(g *Agreement) { g.ValueAmount = i64(-1) }, []string{"value_amount"}},
		{"value zero", func(g *Agreement) { g.ValueAmount = i64(0) }, nil},
		{"value at 10^15", func(g *Agreement) { g.ValueAmount = i64(1e15) }, nil},
		{"value above 10^15", func(g *Agreement) { g.ValueAmount = i64(1e15 + 1) }, []string{"value_amount"}},

		{"signed_on not a date", func(g *Agreement) { g.SignedOn = "01/03/2026" }, []string{"signed_on"}},
		{"signed_on month 13", func(g *Agreement) { g.SignedOn = "2026-13-01" }, []string{"signed_on"}},
		{"signed without signed_on", func(g *Agreement) { g.SignedOn = "" }, []string{"signed_on"}},
		{"in_execution without signed_on", func(g *Agreement) { g.Status, g.SignedOn = "in_execution", "" }, []string{"signed_on"}},
		{"completed without signed_on", func(g *Agreement) { g.Status, g.SignedOn = "completed", "" }, []string{"signed_on"}},
		{"planned with signed_on", func(g *Agreement) { g.Status = "planned" }, nil},

		{"terminated without reason", func(g *Agreement) { g.Status = "terminated" }, []string{"termination_reason"}},
		{"terminated with a blank reason", func(g *Agreement) { g.Status, g.TerminationReason = "terminated", "  " }, []string{"termination_reason"}},
		{"terminated unsigned with reason", func(g *Agreement) {
			g.Status, g.SignedOn, g.TerminationReason = "terminated", "", "funding withdrawn"
		}, nil},

		{"every problem at once", func(g *Agreement) { g.Title, g.Type, g.Parties = "", "x", nil },
			[]string{"parties", "title", "type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := validAgreement()
			tt.change(&g)
			checkFields(t, g.Validate(), tt.want)
		})
	}
}

func validInstitution() Institution {
	return Institution{Name: "Guangxi University", LocalName: "广西大学", Country: "CN", Type: "university",
		Sectors: []string{"new_energy", "biomedicine"}, Website: "https://www.gxu.edu.cn", Description: "d",
		ContactEmail: "tt@gxu.edu.cn"}
}

func TestInstitutionValidate(t *testing.T) {
	rep := strings.Repeat
	allSectors := sectorNames()
	slices.Sort(allSectors)
	tests := []struct {
		name   string
		change func(in *Institution)
		want   []string
	}{
		{"valid", func(in *Institution) {}, nil},
		{"no optional fields", func(in *Institution) {
			in.LocalName, in.Sectors, in.Website, in.Description, in.ContactEmail = "", nil, "", "", ""
		}, nil},

		{"name missing", func(in *Institution) { in.Name = "" }, []string{"name"}},
		{"name at the limit", func(in *Institution) { in.Name = rep("学", 200) }, nil},
		{"name too long", func(in *Institution) { in.Name = rep("学", 201) }, []string{"name"}},
		{"local_name too long", func(in *Institution) { in.LocalName = rep("学", 201) }, []string{"local_name"}},
		{"description too long", func(in *Institution) { in.Description = rep("d", 5001) }, []string{"description"}},

		{"country missing", func(in *Institution) { in.Country = "" }, []string{"country"}},
		{"country lower case", func(in *Institution) { in.Country = "cn" }, []string{"country"}},
		{"country unknown", func(in *Institution) { in.Country = "XX" }, []string{"country"}},
		{"type missing", func(in *Institution) { in.Type = "" }, []string{"type"}},
		{"type unknown", func(in *Institution) { in.Type = "company" }, []string{"type"}},

		{"every sector", func(in *Institution) { in.Sectors = allSectors }, nil},
		{"more sectors than exist", func(in *Institution) { in.Sectors = append(slices.Clone(allSectors), allSectors[0]) },
			[]string{"sectors", "sectors[7]"}},
		{"sector unknown", func(in *Institution) { in.Sectors[0] = "space" }, []string{"sectors[0]"}},
		{"sector twice", func(in *Institution) { in.Sectors[1] = "new_energy" }, []string{"sectors[1]"}},

		{"website without scheme", func(in *Institution) { in.Website = "www.gxu.edu.cn" }, []string{"website"}},
		{"website ftp", func(in *Institution) { in.Website = "ftp://gxu.edu.cn" }, []string{"website"}},
		{"website without host", func(in *Institution) { in.Website = "https://" }, []string{"website"}},
		{"website http", func(in *Institution) { in.Website = "http://gxu.edu.cn/en" }, nil},
		{"website too long", func(in *Institution) { in.Website = "https://gxu.edu.cn/" + rep("p", 482) }, []string{"website"}},
		{"website at the limit", func(in *Institution) { in.Website = "https://gxu.edu.cn/" + rep("p", 481) }, nil},

		{"contact_email not an address", func(in *Institution) { in.ContactEmail = "tt-at-gxu" }, []string{"contact_email"}},
		{"contact_email with a display name", func(in *Institution) { in.ContactEmail = "TT <tt@gxu.edu.cn>" }, []string{"contact_email"}},
		{"contact_email on a local host", func(in *Institution) { in.ContactEmail = "admin@localhost" }, nil},
	}
	if len(allSectors) != 7 {
		t.Fatalf("the table assumes 7 sectors, there are %d", len(allSectors))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInstitution()
			tt.change(&in)
			checkFields(t, in.Validate(), tt.want)
		})
	}
}

// The user input checks are pure functions used by CreateUser and UpdateUser.
func TestUserInputChecks(t *testing.T) {
	t.Run("email", func(t *testing.T) {
		for _, tt := range []struct {
			email string
			valid bool
		}{
			{"p@example.com", true},
			{"admin@localhost", true},
			{"first.last+tag@sub.example.co.th", true},
			{"", false},
			{"p@", false},
			{"@example.com", false},
			{"p example@example.com", false},
			{"P <p@example.com>", false},
			{"<p@example.com>", false},
			{strings.Repeat("a", 243) + "@example.com", false}, // 255 characters
		} {
			if got := validEmail(tt.email); got != tt.valid {
				t.Errorf("validEmail(%q) = %v, want %v", tt.email, got, tt.valid)
			}
		}
		if got := NormalizeEmail("  P.Li@Example.COM "); got != "p.li@example.com" {
			t.Errorf("NormalizeEmail = %q", got)
		}
	})
	t.Run("password", func(t *testing.T) {
		for _, tt := range []struct {
			name     string
			password string
			valid    bool
		}{
			{"11 characters", strings.Repeat("p", 11), false},
			{"12 characters", strings.Repeat("p", 12), true},
			{"12 runes of 3 bytes", strings.Repeat("密", 12), true},
			{"11 runes of 3 bytes (33 bytes)", strings.Repeat("密", 11), false},
			{"128 characters", strings.Repeat("p", 128), true},
			{"129 characters", strings.Repeat("p", 129), false},
			{"128 runes of 4 bytes", strings.Repeat("😀", 128), true},
			{"empty", "", false},
		} {
			var p Problems
			checkPassword(&p, "password", tt.password)
			var want []string
			if !tt.valid {
				want = []string{"password"}
			}
			t.Run(tt.name, func(t *testing.T) { checkFields(t, p.Err(), want) })
		}
	})
	t.Run("role binding", func(t *testing.T) {
		for _, tt := range []struct {
			name        string
			role        Role
			institution string
			want        []string
		}{
			{"partner of an institution", RolePartner, partyA, nil},
			{"admin alone", RoleAdmin, "", nil},
			{"staff alone", RoleStaff, "", nil},
			{"analyst alone", RoleAnalyst, "", nil},
			{"partner without institution", RolePartner, "", []string{"institution_id"}},
			{"staff with institution", RoleStaff, partyA, []string{"institution_id"}},
			{"analyst with institution", RoleAnalyst, partyA, []string{"institution_id"}},
			{"unknown role", Role("owner"), "", []string{"role"}},
			{"no role", "", partyA, []string{"role"}},
		} {
			var p Problems
			checkRoleBinding(&p, tt.role, tt.institution)
			t.Run(tt.name, func(t *testing.T) { checkFields(t, p.Err(), tt.want) })
		}
	})
}

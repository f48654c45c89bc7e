package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/techbridge/techbridge/internal/transfer"
)

type agreementRow struct {
	ID                string `gorm:"primaryKey"`
	Title             string
	Type              string
	Status            string
	Sector            string
	Subsector         string
	MatchID           sql.NullString
	OfferID           sql.NullString
	DemandID          sql.NullString
	EventName         string
	ValueAmount       *int64
	Currency          string
	SignedOn          string
	Confidential      bool
	Confirmed         bool
	TerminationReason string
	CreatedBy         string
	Version           int
	CreatedAt         timestamp
	UpdatedAt         timestamp
}

func (agreementRow) TableName() string { return "agreements" }

type partyRow struct {
	AgreementID     string `gorm:"primaryKey"`
	InstitutionID   string `gorm:"primaryKey"`
	Role            string
	Country         string
	InstitutionType string
	Position        int
}

func (partyRow) TableName() string { return "agreement_parties" }

func newAgreementRow(g transfer.Agreement) (agreementRow, []partyRow) {
	r := agreementRow{ID: g.ID, Title: g.Title, Type: g.Type, Status: g.Status, Sector: g.Sector, Subsector: g.Subsector,
		MatchID: nullString(g.MatchID), OfferID: nullString(g.OfferID), DemandID: nullString(g.DemandID), EventName: g.EventName,
		ValueAmount: g.ValueAmount, Currency: g.Currency, SignedOn: g.SignedOn, Confidential: g.Confidential,
		Confirmed: g.Confirmed, TerminationReason: g.TerminationReason, CreatedBy: g.CreatedBy, Version: g.Version,
		CreatedAt: ts(g.CreatedAt), UpdatedAt: ts(g.UpdatedAt)}
	ps := make([]partyRow, len(g.Parties))
	for i, p := range g.Parties {
		ps[i] = partyRow{AgreementID: g.ID, InstitutionID: p.InstitutionID, Role: p.Role, Country: p.Country,
			InstitutionType: p.InstitutionType, Position: i}
	}
	return r, ps
}

func (r agreementRow) domain(ps []partyRow) transfer.Agreement {
	g := transfer.Agreement{ID: r.ID, Title: r.Title, Type: r.Type, Status: r.Status, Sector: r.Sector, Subsector: r.Subsector,
		MatchID: r.MatchID.String, OfferID: r.OfferID.String, DemandID: r.DemandID.String, EventName: r.EventName,
		ValueAmount: r.ValueAmount, Currency: r.Currency, SignedOn: r.SignedOn, Confidential: r.Confidential,
		Confirmed: r.Confirmed, TerminationReason: r.TerminationReason, CreatedBy: r.CreatedBy, Version: r.Version,
		CreatedAt: r.CreatedAt.Time(), UpdatedAt: r.UpdatedAt.Time()}
	slices.SortFunc(ps, func(a, b partyRow) int { return a.Position - b.Position })
	for _, p := range ps {
		g.Parties = append(g.Parties, transfer.Party{InstitutionID: p.InstitutionID, Role: p.Role, Country: p.Country,
			InstitutionType: p.InstitutionType})
	}
	return g
}

// CreateAgreement inserts an agreement, its parties and its rollup counts.
// Call it inside Tx: the three must commit together.
func (s *Store) CreateAgreement(ctx context.Context, g transfer.Agreement) error {
	r, ps := newAgreementRow(g)
	db := s.db.WithContext(ctx)
	if err := db.Create(&r).Error; err != nil {
		return TranslateError(err)
	}
	if err := db.Create(&ps).Error; err != nil {
		return TranslateError(err)
	}
	return s.rollup(ctx, g, 1)
}

// CreateAgreements inserts many agreements with their parties and rollups
// (seeding and benchmarks).
func (s *Store) CreateAgreements(ctx context.Context, gs []transfer.Agreement) error {
	rows := make([]agreementRow, 0, len(gs))
	var parties []partyRow
	for _, g := range gs {
		r, ps := newAgreementRow(g)
		rows = append(rows, r)
		parties = append(parties, ps...)
	}
	db := s.db.WithContext(ctx)
	if err := db.CreateInBatches(rows, 1000).Error; err != nil {
		return TranslateError(err)
	}
	if err := db.CreateInBatches(parties, 2000).Error; err != nil {
		return TranslateError(err)
	}
	return s.rollup(ctx, transfer.Agreement{}, 0, gs...)
}

// UpdateAgreement writes g over old if the stored version is g.Version-1, and
// moves old's rollup counts to g's. Call it inside Tx.
func (s *Store) UpdateAgreement(ctx context.Context, old, g transfer.Agreement) error {
	r, ps := newAgreementRow(g)
	err := s.updateVersioned(ctx, &agreementRow{}, r.ID, r.Version, map[string]any{
		"title": r.Title, "type": r.Type, "status": r.Status, "sector": r.Sector, "subsector": r.Subsector,
		"event_name": r.EventName, "value_amount": r.ValueAmount, "currency": r.Currency, "signed_on": r.SignedOn,
		"confidential": r.Confidential, "confirmed": r.Confirmed, "termination_reason": r.TerminationReason,
		"version": r.Version, "updated_at": r.UpdatedAt,
	})
	if err != nil {
		return err
	}
	db := s.db.WithContext(ctx)
	if err := db.Where("agreement_id = ?", g.ID).Delete(&partyRow{}).Error; err != nil {
		return TranslateError(err)
	}
	if err := db.Create(&ps).Error; err != nil {
		return TranslateError(err)
	}
	if err := s.rollup(ctx, old, -1); err != nil {
		return err
	}
	return s.rollup(ctx, g, 1)
}

// AgreementByID finds an agreement with its parties.
func (s *Store) AgreementByID(ctx context.Context, id string) (transfer.Agreement, error) {
	var r agreementRow
	if err := s.db.WithContext(ctx).Take(&r, "id = ?", id).Error; err != nil {
		return transfer.Agreement{}, TranslateError(err)
	}
	var ps []partyRow
	if err := s.db.WithContext(ctx).Where("agreement_id = ?", id).Find(&ps).Error; err != nil {
		return transfer.Agreement{}, TranslateError(err)
	}
	return r.domain(ps), nil
}

// ListAgreements returns one page (plus one row) and the total.
func (s *Store) ListAgreements(ctx context.Context, f transfer.AgreementFilter, q transfer.ListQuery) ([]transfer.Agreement, int64, error) {
	db := s.db.WithContext(ctx).Model(&agreementRow{})
	if f.HideConfidential {
		visible := "(NOT confidential AND confirmed)"
		if f.Party != "" {
			db = db.Where("("+visible+" OR id IN (SELECT agreement_id FROM agreement_parties WHERE institution_id = ?))", f.Party)
		} else {
			db = db.Where(visible)
		}
	}
	for col, v := range map[string]string{"status": f.Status, "type": f.Type, "sector": f.Sector, "match_id": f.MatchID} {
		if v != "" {
			db = db.Where(col+" = ?", v)
		}
	}
	if f.Country != "" {
		db = db.Where("id IN (SELECT agreement_id FROM agreement_parties WHERE country = ?)", f.Country)
	}
	if f.InstitutionID != "" {
		db = db.Where("id IN (SELECT agreement_id FROM agreement_parties WHERE institution_id = ?)", f.InstitutionID)
	}
	if f.SignedFrom != "" {
		db = db.Where("signed_on >= ? AND signed_on <> ''", f.SignedFrom)
	}
	if f.SignedTo != "" {
		db = db.Where("signed_on <= ? AND signed_on <> ''", f.SignedTo)
	}
	var rows []agreementRow
	total, err := page(db, q, map[string]sortColumn{"created_at": {}, "updated_at": {name: "updated_at", time: true},
		"signed_on": {name: "signed_on"}}, &rows)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var ps []partyRow
	if len(ids) > 0 {
		if err := s.db.WithContext(ctx).Where("agreement_id IN ?", ids).Find(&ps).Error; err != nil {
			return nil, 0, TranslateError(err)
		}
	}
	byAgreement := map[string][]partyRow{}
	for _, p := range ps {
		byAgreement[p.AgreementID] = append(byAgreement[p.AgreementID], p)
	}
	out := make([]transfer.Agreement, len(rows))
	for i, r := range rows {
		out[i] = r.domain(byAgreement[r.ID])
	}
	return out, total, nil
}

// rollupKey is one row of one rollup table that an agreement adds to.
type rollupKey struct {
	table, month, status, typ, sector, subsector, extra, currency string
}

// contributions lists the rollup rows an agreement counts in.
func contributions(g transfer.Agreement) []rollupKey {
	if !g.Counts() {
		return nil
	}
	month := ""
	if len(g.SignedOn) >= 7 {
		month = g.SignedOn[:7]
	}
	base := rollupKey{table: "agreement_rollup", month: month, status: g.Status, typ: g.Type, sector: g.Sector,
		subsector: g.Subsector, currency: g.Currency}
	out := []rollupKey{base}
	var countries, types []string
	for _, p := range g.Parties {
		if !slices.Contains(countries, p.Country) {
			countries = append(countries, p.Country)
		}
		if !slices.Contains(types, p.InstitutionType) {
			types = append(types, p.InstitutionType)
		}
	}
	slices.Sort(countries)
	for _, c := range countries {
		k := base
		k.table, k.extra = "agreement_rollup_country", c
		out = append(out, k)
	}
	for _, c := range corridors(countries) {
		k := base
		k.table, k.extra = "agreement_rollup_corridor", c
		out = append(out, k)
	}
	for _, t := range types {
		k := base
		k.table, k.extra = "agreement_rollup_institution_type", t
		out = append(out, k)
	}
	return out
}

// corridors are the sorted pairs of distinct countries, "CN-TH"; an
// agreement whose parties share one country has the corridor "CN-CN".
func corridors(sorted []string) []string {
	if len(sorted) == 1 {
		return []string{sorted[0] + "-" + sorted[0]}
	}
	var out []string
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			out = append(out, sorted[i]+"-"+sorted[j])
		}
	}
	return out
}

var rollupExtra = map[string]string{"agreement_rollup_country": "country", "agreement_rollup_corridor": "corridor",
	"agreement_rollup_institution_type": "institution_type"}

// rollup adds (sign 1) or removes (sign -1) agreements' counts, in one fixed
// key order so that concurrent writers lock rows in the same order.
func (s *Store) rollup(ctx context.Context, g transfer.Agreement, sign int64, many ...transfer.Agreement) error {
	type delta struct{ n, v int64 }
	deltas := map[rollupKey]*delta{}
	add := func(g transfer.Agreement, sign int64) {
		var v int64
		if g.ValueAmount != nil {
			v = *g.ValueAmount
		}
		for _, k := range contributions(g) {
			d := deltas[k]
			if d == nil {
				d = &delta{}
				deltas[k] = d
			}
			d.n += sign
			d.v += sign * v
		}
	}
	if sign != 0 {
		add(g, sign)
	}
	for _, m := range many {
		add(m, 1)
	}
	keys := make([]rollupKey, 0, len(deltas))
	for k := range deltas {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b rollupKey) int {
		return strings.Compare(strings.Join([]string{a.table, a.month, a.status, a.typ, a.sector, a.subsector, a.extra, a.currency}, "\x00"),
			strings.Join([]string{b.table, b.month, b.status, b.typ, b.sector, b.subsector, b.extra, b.currency}, "\x00"))
	})
	db := s.db.WithContext(ctx)
	for _, k := range keys {
		d := deltas[k]
		if d.n == 0 && d.v == 0 {
			continue
		}
		cols, vals, conflict := "month, status, type, sector, subsector, currency, n, value", "?, ?, ?, ?, ?, ?, ?, ?",
			"month, status, type, sector, subsector, currency"
		args := []any{k.month, k.status, k.typ, k.sector, k.subsector, k.currency, d.n, d.v}
		if extra := rollupExtra[k.table]; extra != "" {
			cols, vals, conflict = extra+", "+cols, "?, "+vals, extra+", "+conflict
			args = append([]any{k.extra}, args...)
		}
		err := db.Exec("INSERT INTO "+k.table+" ("+cols+") VALUES ("+vals+") ON CONFLICT ("+conflict+
			") DO UPDATE SET n = "+k.table+".n + excluded.n, value = "+k.table+".value + excluded.value", args...).Error
		if err != nil {
			return TranslateError(err)
		}
		if d.n < 0 {
			where := "month = ? AND status = ? AND type = ? AND sector = ? AND subsector = ? AND currency = ? AND n = 0"
			wargs := []any{k.month, k.status, k.typ, k.sector, k.subsector, k.currency}
			if extra := rollupExtra[k.table]; extra != "" {
				where += " AND " + extra + " = ?"
				wargs = append(wargs, k.extra)
			}
			if err := db.Exec("DELETE FROM "+k.table+" WHERE "+where, wargs...).Error; err != nil {
				return TranslateError(err)
			}
		}
	}
	return nil
}

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
	// Both queries run even when the first finds nothing: a missing
	// agreement must cost what one hidden from the caller costs, or the
	// time of a 404 tells which ids exist.
	var r agreementRow
	err := s.db.WithContext(ctx).Take(&r, "id = ?", id).Error
	var ps []partyRow
	if perr := s.db.WithContext(ctx).Where("agreement_id = ?", id).Find(&ps).Error; err == nil {
		err = perr
	}
	if err != nil {
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
	countries, types := partySets(g)
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

// partySets are an agreement's distinct party countries (sorted) and types.
func partySets(g transfer.Agreement) (countries, types []string) {
	for _, p := range g.Parties {
		if !slices.Contains(countries, p.Country) {
			countries = append(countries, p.Country)
		}
		if !slices.Contains(types, p.InstitutionType) {
			types = append(types, p.InstitutionType)
		}
	}
	slices.Sort(countries)
	return countries, types
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

// cubeDims are the dimensions of the cube, in the order dims names them.
var cubeDims = []string{"corridor", "country", "institution_type", "sector", "status", "subsector", "type"}

// cubeContributions lists the cube rows an agreement counts in: no
// dimension, each one, and each pair (multi-valued ones once per value).
func cubeContributions(g transfer.Agreement) [][5]string {
	if !g.Counts() {
		return nil
	}
	month := ""
	if len(g.SignedOn) >= 7 {
		month = g.SignedOn[:7]
	}
	countries, types := partySets(g)
	vals := map[string][]string{"corridor": corridors(countries), "country": countries, "institution_type": types,
		"sector": {g.Sector}, "status": {g.Status}, "subsector": {g.Subsector}, "type": {g.Type}}
	out := [][5]string{{"", "", "", month, g.Currency}}
	for i, a := range cubeDims {
		for _, va := range vals[a] {
			out = append(out, [5]string{a, va, "", month, g.Currency})
		}
		for _, b := range cubeDims[i+1:] {
			for _, va := range vals[a] {
				for _, vb := range vals[b] {
					out = append(out, [5]string{a + "," + b, va, vb, month, g.Currency})
				}
			}
		}
	}
	return out
}

// countDelta is a change to one row of a counting table.
type countDelta struct {
	keys []any
	n, v int64
}

// rollup adds (sign 1) or removes (sign -1) agreements' counts in the
// rollups and the cube: deltas are summed per row first, then written in
// multi-row upserts in one fixed order, so that concurrent writers lock rows
// in the same order.
func (s *Store) rollup(ctx context.Context, g transfer.Agreement, sign int64, many ...transfer.Agreement) error {
	tables := map[string]map[string]*countDelta{}
	add := func(table, id string, keys []any, n, v int64) {
		t := tables[table]
		if t == nil {
			t = map[string]*countDelta{}
			tables[table] = t
		}
		d := t[id]
		if d == nil {
			d = &countDelta{keys: keys}
			t[id] = d
		}
		d.n += n
		d.v += v
	}
	apply := func(g transfer.Agreement, sign int64) {
		var v int64
		if g.ValueAmount != nil {
			v = *g.ValueAmount
		}
		for _, k := range contributions(g) {
			keys := []any{k.month, k.status, k.typ, k.sector, k.subsector, k.currency}
			if rollupExtra[k.table] != "" {
				keys = append([]any{k.extra}, keys...)
			}
			add(k.table, strings.Join([]string{k.extra, k.month, k.status, k.typ, k.sector, k.subsector, k.currency}, "\x00"), keys, sign, sign*v)
		}
		for _, k := range cubeContributions(g) {
			add("agreement_cube", strings.Join(k[:], "\x00"), []any{k[0], k[1], k[2], k[3], k[4]}, sign, sign*v)
		}
	}
	if sign != 0 {
		apply(g, sign)
	}
	for _, m := range many {
		apply(m, 1)
	}
	names := make([]string, 0, len(tables))
	for t := range tables {
		names = append(names, t)
	}
	slices.Sort(names)
	for _, table := range names {
		cols := []string{"month", "status", "type", "sector", "subsector", "currency"}
		switch extra := rollupExtra[table]; {
		case table == "agreement_cube":
			cols = []string{"dims", "v1", "v2", "month", "currency"}
		case extra != "":
			cols = append([]string{extra}, cols...)
		}
		ids := make([]string, 0, len(tables[table]))
		for id, d := range tables[table] {
			if d.n != 0 || d.v != 0 {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		var rows []countDelta
		for _, id := range ids {
			rows = append(rows, *tables[table][id])
		}
		if err := s.upsertCounts(ctx, table, cols, rows); err != nil {
			return err
		}
	}
	return nil
}

// upsertCounts adds deltas to a counting table, 400 rows per statement, and
// removes the rows a negative delta brought to zero.
func (s *Store) upsertCounts(ctx context.Context, table string, cols []string, rows []countDelta) error {
	db := s.db.WithContext(ctx)
	one := "(" + strings.Repeat("?, ", len(cols)+1) + "?)"
	for start := 0; start < len(rows); start += 400 {
		chunk := rows[start:min(start+400, len(rows))]
		vals := make([]string, len(chunk))
		args := make([]any, 0, len(chunk)*(len(cols)+2))
		for i, r := range chunk {
			vals[i] = one
			args = append(args, r.keys...)
			args = append(args, r.n, r.v)
		}
		err := db.Exec("INSERT INTO "+table+" ("+strings.Join(cols, ", ")+", n, value) VALUES "+strings.Join(vals, ", ")+
			" ON CONFLICT ("+strings.Join(cols, ", ")+") DO UPDATE SET n = "+table+".n + excluded.n, value = "+table+".value + excluded.value",
			args...).Error
		if err != nil {
			return TranslateError(err)
		}
	}
	where := strings.Join(cols, " = ? AND ") + " = ? AND n = 0"
	for _, r := range rows {
		if r.n < 0 {
			if err := db.Exec("DELETE FROM "+table+" WHERE "+where, r.keys...).Error; err != nil {
				return TranslateError(err)
			}
		}
	}
	return nil
}

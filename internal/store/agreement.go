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
	EventID           sql.NullString
	EventSessionID    string
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
		EventID: nullString(g.EventID), EventSessionID: g.EventSessionID,
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
		EventID: r.EventID.String, EventSessionID: r.EventSessionID,
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

// CreateAgreement inserts an agreement and its parties. Call it inside Tx:
// they commit together, with the statistics' deltas.
func (s *Store) CreateAgreement(ctx context.Context, g transfer.Agreement) error {
	r, ps := newAgreementRow(g)
	db := s.db.WithContext(ctx)
	if err := db.Create(&r).Error; err != nil {
		return TranslateError(err)
	}
	return TranslateError(db.Create(&ps).Error)
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
	return s.AddStatsDeltas(ctx, transfer.StatsDeltas(nil, gs))
}

// UpdateAgreement writes g with its parties if the stored version is
// g.Version-1. Call it inside Tx.
func (s *Store) UpdateAgreement(ctx context.Context, g transfer.Agreement) error {
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
	return TranslateError(db.Create(&ps).Error)
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

// statsColumns are the key columns of a counting table, in the order of
// transfer.StatsDelta's keys.
func statsColumns(table string) []string {
	if table == transfer.TableCube {
		return []string{"dims", "v1", "v2", "month", "currency"}
	}
	cols := []string{"month", "status", "type", "sector", "subsector", "currency"}
	for dim, t := range transfer.RollupOf {
		if t == table && dim != "" {
			return append([]string{dim}, cols...)
		}
	}
	return cols
}

// AddStatsDeltas adds deltas to the counting tables in the order given
// (transfer.StatsDeltas sorts them, so concurrent writers lock rows in the
// same order). Call it inside Tx, with the change the deltas come from.
func (s *Store) AddStatsDeltas(ctx context.Context, ds []transfer.StatsDelta) error {
	for start := 0; start < len(ds); {
		end := start
		for end < len(ds) && ds[end].Table == ds[start].Table {
			end++
		}
		if err := s.upsertCounts(ctx, ds[start].Table, statsColumns(ds[start].Table), ds[start:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// upsertCounts adds deltas to a counting table, 400 rows per statement, and
// removes the rows a negative delta brought to zero.
func (s *Store) upsertCounts(ctx context.Context, table string, cols []string, rows []transfer.StatsDelta) error {
	db := s.db.WithContext(ctx)
	one := "(" + strings.Repeat("?, ", len(cols)+1) + "?)"
	for start := 0; start < len(rows); start += 400 {
		chunk := rows[start:min(start+400, len(rows))]
		vals := make([]string, len(chunk))
		args := make([]any, 0, len(chunk)*(len(cols)+2))
		for i, r := range chunk {
			vals[i] = one
			for _, k := range r.Keys {
				args = append(args, k)
			}
			args = append(args, r.N, r.Value)
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
		if r.N < 0 {
			keys := make([]any, len(r.Keys))
			for i, k := range r.Keys {
				keys[i] = k
			}
			if err := db.Exec("DELETE FROM "+table+" WHERE "+where, keys...).Error; err != nil {
				return TranslateError(err)
			}
		}
	}
	return nil
}

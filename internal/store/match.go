package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/techbridge/techbridge/internal/transfer"
)

type matchRow struct {
	ID                  string `gorm:"primaryKey"`
	DemandID            string
	OfferID             string
	DemandInstitutionID string
	OfferInstitutionID  string
	Sector              string
	Score               float64
	Components          string
	Reasons             string
	AlgorithmVersion    string
	Status              string
	StatusReason        string
	DemandInterest      *string
	OfferInterest       *string
	CreatedBy           string
	Version             int
	CreatedAt           timestamp
	UpdatedAt           timestamp
}

func (matchRow) TableName() string { return "matches" }

type interestJSON struct {
	Interested bool      `json:"interested"`
	Note       string    `json:"note,omitempty"`
	By         string    `json:"by"`
	At         timestamp `json:"at"`
}

func (t timestamp) MarshalJSON() ([]byte, error) { return json.Marshal(t.Time()) }
func (t *timestamp) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	return t.parse(s)
}

func interestText(in *transfer.Interest) *string {
	if in == nil {
		return nil
	}
	b, _ := json.Marshal(interestJSON{Interested: in.Interested, Note: in.Note, By: in.By, At: ts(in.At)})
	s := string(b)
	return &s
}

func interestOf(s *string) (*transfer.Interest, error) {
	if s == nil {
		return nil, nil
	}
	var j interestJSON
	if err := json.Unmarshal([]byte(*s), &j); err != nil {
		return nil, err
	}
	return &transfer.Interest{Interested: j.Interested, Note: j.Note, By: j.By, At: j.At.Time()}, nil
}

// componentJSON is how a frozen score component is kept in matches.components.
type componentJSON struct {
	Score  float64 `json:"score"`
	Weight float64 `json:"weight"`
}

func newMatchRow(m transfer.Match) (matchRow, error) {
	parts := make(map[string]componentJSON, len(m.Components))
	for k, c := range m.Components {
		parts[k] = componentJSON(c)
	}
	comps, err := json.Marshal(parts)
	if err != nil {
		return matchRow{}, err
	}
	reasons, err := json.Marshal(m.Reasons)
	if err != nil {
		return matchRow{}, err
	}
	return matchRow{ID: m.ID, DemandID: m.DemandID, OfferID: m.OfferID, DemandInstitutionID: m.DemandInstitutionID,
		OfferInstitutionID: m.OfferInstitutionID, Sector: m.Sector, Score: m.Score, Components: string(comps),
		Reasons: string(reasons), AlgorithmVersion: m.AlgorithmVersion, Status: string(m.Status), StatusReason: m.StatusReason,
		DemandInterest: interestText(m.DemandInterest), OfferInterest: interestText(m.OfferInterest), CreatedBy: m.CreatedBy,
		Version: m.Version, CreatedAt: ts(m.CreatedAt), UpdatedAt: ts(m.UpdatedAt)}, nil
}

func (r matchRow) domain() (transfer.Match, error) {
	m := transfer.Match{ID: r.ID, DemandID: r.DemandID, OfferID: r.OfferID, DemandInstitutionID: r.DemandInstitutionID,
		OfferInstitutionID: r.OfferInstitutionID, Sector: r.Sector, Score: r.Score, AlgorithmVersion: r.AlgorithmVersion,
		Status: transfer.MatchStatus(r.Status), StatusReason: r.StatusReason, CreatedBy: r.CreatedBy, Version: r.Version,
		CreatedAt: r.CreatedAt.Time(), UpdatedAt: r.UpdatedAt.Time(), Components: map[string]transfer.ScorePart{}}
	var parts map[string]componentJSON
	err := json.Unmarshal([]byte(r.Components), &parts)
	if err != nil {
		return m, fmt.Errorf("match %s components: %w", r.ID, err)
	}
	for k, c := range parts {
		m.Components[k] = transfer.ScorePart(c)
	}
	if err = json.Unmarshal([]byte(r.Reasons), &m.Reasons); err != nil {
		return m, fmt.Errorf("match %s reasons: %w", r.ID, err)
	}
	if m.DemandInterest, err = interestOf(r.DemandInterest); err != nil {
		return m, err
	}
	m.OfferInterest, err = interestOf(r.OfferInterest)
	return m, err
}

// CreateMatch inserts a match; the pair is unique.
func (s *Store) CreateMatch(ctx context.Context, m transfer.Match) error {
	row, err := newMatchRow(m)
	if err != nil {
		return err
	}
	return TranslateError(s.db.WithContext(ctx).Create(&row).Error)
}

// MatchByID finds a match.
func (s *Store) MatchByID(ctx context.Context, id string) (transfer.Match, error) {
	var row matchRow
	if err := s.db.WithContext(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return transfer.Match{}, TranslateError(err)
	}
	return row.domain()
}

// ListMatches returns one page (plus one row) and the total.
func (s *Store) ListMatches(ctx context.Context, f transfer.MatchFilter, q transfer.ListQuery) ([]transfer.Match, int64, error) {
	db := s.db.WithContext(ctx).Model(&matchRow{})
	if f.Party != "" {
		db = db.Where("(demand_institution_id = ? OR offer_institution_id = ?)", f.Party, f.Party)
	}
	if f.InstitutionID != "" {
		db = db.Where("(demand_institution_id = ? OR offer_institution_id = ?)", f.InstitutionID, f.InstitutionID)
	}
	if f.Status != "" {
		db = db.Where("status = ?", string(f.Status))
	}
	if f.Sector != "" {
		db = db.Where("sector = ?", f.Sector)
	}
	if f.MinScore > 0 {
		db = db.Where("score >= ?", f.MinScore)
	}
	var rows []matchRow
	total, err := page(db, q, map[string]sortColumn{"created_at": {}, "updated_at": {name: "updated_at", time: true},
		"score": {name: "score", real: true}}, &rows)
	if err != nil {
		return nil, 0, err
	}
	out := make([]transfer.Match, len(rows))
	for i, r := range rows {
		if out[i], err = r.domain(); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// UpdateMatch writes m when the stored version is the one before m.Version.
func (s *Store) UpdateMatch(ctx context.Context, m transfer.Match) error {
	r, err := newMatchRow(m)
	if err != nil {
		return err
	}
	return s.updateVersioned(ctx, &matchRow{}, r.ID, r.Version, map[string]any{
		"status": r.Status, "status_reason": r.StatusReason, "demand_interest": r.DemandInterest,
		"offer_interest": r.OfferInterest, "version": r.Version, "updated_at": r.UpdatedAt,
	})
}

package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/techbridge/techbridge/internal/transfer"
)

type lexiconConceptRow struct {
	ID         string `gorm:"primaryKey"`
	Subsectors string
	Terms      string // JSON: language → terms
	Retired    bool
	Version    int
	Seq        int64
	CreatedAt  timestamp
	UpdatedAt  timestamp
}

func (lexiconConceptRow) TableName() string { return "lexicon_concepts" }

func newLexiconConceptRow(c transfer.LexiconConcept) lexiconConceptRow {
	terms, err := json.Marshal(c.Terms)
	if err != nil {
		panic("store: lexicon terms: " + err.Error()) // a map of string slices always marshals
	}
	return lexiconConceptRow{ID: c.ID, Subsectors: joinSet(c.Subsectors), Terms: string(terms), Retired: c.Retired,
		Version: c.Version, Seq: c.Seq, CreatedAt: ts(c.CreatedAt), UpdatedAt: ts(c.UpdatedAt)}
}

func (r lexiconConceptRow) domain() (transfer.LexiconConcept, error) {
	c := transfer.LexiconConcept{ID: r.ID, Subsectors: splitSet(r.Subsectors), Retired: r.Retired, Origin: transfer.OriginStaff,
		Version: r.Version, Seq: r.Seq, CreatedAt: r.CreatedAt.Time(), UpdatedAt: r.UpdatedAt.Time()}
	if err := json.Unmarshal([]byte(r.Terms), &c.Terms); err != nil {
		return c, fmt.Errorf("lexicon concept %s: terms: %w", r.ID, err)
	}
	return c, nil
}

// LexiconConcepts returns every staff row in the order of the changes that
// created them (the order every process places the concepts that are not
// shipped in).
func (s *Store) LexiconConcepts(ctx context.Context) ([]transfer.LexiconConcept, error) {
	var rows []lexiconConceptRow
	if err := s.db.WithContext(ctx).Order("seq, id").Find(&rows).Error; err != nil {
		return nil, TranslateError(err)
	}
	out := make([]transfer.LexiconConcept, len(rows))
	for i, r := range rows {
		c, err := r.domain()
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// LexiconConceptByID finds a staff row.
func (s *Store) LexiconConceptByID(ctx context.Context, id string) (transfer.LexiconConcept, error) {
	var r lexiconConceptRow
	if err := s.db.WithContext(ctx).Take(&r, "id = ?", id).Error; err != nil {
		return transfer.LexiconConcept{}, TranslateError(err)
	}
	return r.domain()
}

// CreateLexiconConcepts inserts staff rows.
func (s *Store) CreateLexiconConcepts(ctx context.Context, cs []transfer.LexiconConcept) error {
	rows := make([]lexiconConceptRow, len(cs))
	for i, c := range cs {
		rows[i] = newLexiconConceptRow(c)
	}
	return TranslateError(s.db.WithContext(ctx).CreateInBatches(rows, 500).Error)
}

// UpdateLexiconConcept writes c if the stored version is c.Version-1, else
// ErrPrecondition.
func (s *Store) UpdateLexiconConcept(ctx context.Context, c transfer.LexiconConcept) error {
	r := newLexiconConceptRow(c)
	return s.updateVersioned(ctx, &lexiconConceptRow{}, r.ID, r.Version, map[string]any{
		"subsectors": r.Subsectors, "terms": r.Terms, "retired": r.Retired, "version": r.Version, "updated_at": r.UpdatedAt})
}

// LexiconVersion is the counter every change to the staff rows bumps.
func (s *Store) LexiconVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.WithContext(ctx).Raw("SELECT version FROM lexicon_state WHERE id = 1").Scan(&v).Error
	return v, TranslateError(err)
}

// BumpLexiconVersion adds one to the counter; inside a change's
// transaction, it also orders concurrent changes (the row is locked until
// commit).
func (s *Store) BumpLexiconVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.WithContext(ctx).Raw("UPDATE lexicon_state SET version = version + 1 WHERE id = 1 RETURNING version").Scan(&v).Error
	return v, TranslateError(err)
}

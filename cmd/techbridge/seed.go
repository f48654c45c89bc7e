package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/synthetic"
	"github.com/techbridge/techbridge/internal/transfer"
)

const seedUsage = `usage: techbridge seed demo
       techbridge seed synthetic --offers N --demands M [--agreements A] [--institutions K] [--seed S]`

// demoSeed differs from synthetic's default seed, so that the demo set and a
// synthetic set can share a database.
const demoSeed = 20250601

// Seeding writes this many listings per transaction: big enough to batch
// well, small enough that a failure half-way leaves whole chunks behind.
const seedTxRows = 10_000

// Agreements go in transactions of this many, with their parties and rollups.
const seedTxAgreements = 20_000

// agreementWriter is the store's bulk write of agreements with their parties
// and rollup counts; the transaction's store has it.
type agreementWriter interface {
	CreateAgreements(ctx context.Context, gs []transfer.Agreement) error
}

// seedCommand fills the database with deterministic data, for demonstrations
// and benchmarks. The ids follow from the seed, so seeding the same data again
// fails as a conflict instead of duplicating it.
func seedCommand(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(seedUsage)
	}
	var plan seedPlan
	switch args[0] {
	case "demo":
		if len(args) > 1 {
			return errors.New(seedUsage)
		}
		plan = seedPlan{name: "demo", seed: demoSeed, institutions: 12, offers: 20, demands: 15}
	case "synthetic":
		var err error
		if plan, err = parseSynthetic(args[1:]); err != nil {
			return err
		}
	default:
		return errors.New(seedUsage)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	return plan.run(ctx, st, time.Now().UTC(), stdout)
}

type seedPlan struct {
	name                                      string
	seed                                      int64
	institutions, offers, demands, agreements int
}

func parseSynthetic(args []string) (seedPlan, error) {
	fl := flag.NewFlagSet("seed synthetic", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	offers := fl.Int("offers", 0, "number of offers")
	demands := fl.Int("demands", 0, "number of demands")
	institutions := fl.Int("institutions", 0, "number of institutions (default: one per 20 listings or 200 agreements, at least 10)")
	agreements := fl.Int("agreements", 0, "number of agreements")
	seed := fl.Int64("seed", 1, "seed: the same seed gives the same data")
	if err := fl.Parse(args); err != nil {
		return seedPlan{}, fmt.Errorf("seed synthetic: %w\n%s", err, seedUsage)
	}
	if fl.NArg() > 0 {
		return seedPlan{}, fmt.Errorf("seed synthetic: unexpected argument %q\n%s", fl.Arg(0), seedUsage)
	}
	const most = 10_000_000
	for _, f := range []struct {
		name  string
		value int
	}{{"--offers", *offers}, {"--demands", *demands}, {"--institutions", *institutions}, {"--agreements", *agreements}} {
		if f.value < 0 || f.value > most {
			return seedPlan{}, fmt.Errorf("seed synthetic: %s must be between 0 and %d", f.name, most)
		}
	}
	p := seedPlan{name: "synthetic", seed: *seed, institutions: *institutions, offers: *offers, demands: *demands,
		agreements: *agreements}
	if p.institutions == 0 {
		p.institutions = max(10, (p.offers+p.demands+19)/20, (p.agreements+199)/200)
	}
	if p.agreements > 0 && p.institutions < 2 {
		return seedPlan{}, errors.New("seed synthetic: agreements need at least two institutions")
	}
	return p, nil
}

func (p seedPlan) run(ctx context.Context, st *store.Store, now time.Time, stdout io.Writer) error {
	start := time.Now()
	institutions := synthetic.Institutions(p.seed, p.institutions)
	offers := synthetic.Offers(p.seed, p.offers, institutions, now)
	demands := synthetic.Demands(p.seed, p.demands, institutions, now)
	agreements := synthetic.Agreements(p.seed, p.agreements, institutions, now)
	// The generator is tested to produce valid data; checking again costs
	// little and keeps a generator bug out of the database.
	for _, in := range institutions {
		if err := in.Validate(); err != nil {
			return fmt.Errorf("seed %s: generated institution %s: %w", p.name, in.ID, err)
		}
	}
	for _, l := range append(offers[:len(offers):len(offers)], demands...) {
		if err := l.Validate(now); err != nil {
			return fmt.Errorf("seed %s: generated %s %s: %w", p.name, l.Kind, l.ID, err)
		}
	}
	for _, g := range agreements {
		if err := g.Validate(); err != nil {
			return fmt.Errorf("seed %s: generated agreement %s: %w", p.name, g.ID, err)
		}
	}

	err := st.Tx(ctx, func(tx transfer.Store) error {
		for _, in := range institutions {
			if err := tx.CreateInstitution(ctx, in); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, transfer.ErrConflict) {
		return fmt.Errorf("seed %s: the data of seed %d is already in this database (ids follow from the seed); "+
			"use another --seed or an empty database", p.name, p.seed)
	}
	if err != nil {
		return fmt.Errorf("seed %s: institutions: %w", p.name, err)
	}
	for _, ls := range [][]transfer.Listing{offers, demands} {
		for i := 0; i < len(ls); i += seedTxRows {
			chunk := ls[i:min(i+seedTxRows, len(ls))]
			err := st.Tx(ctx, func(tx transfer.Store) error { return tx.CreateListings(ctx, chunk) })
			if errors.Is(err, transfer.ErrConflict) {
				return fmt.Errorf("seed %s: some %ss of seed %d are already in this database; use another --seed or an empty database",
					p.name, chunk[0].Kind, p.seed)
			}
			if err != nil {
				return fmt.Errorf("seed %s: %ss %d–%d: %w", p.name, chunk[0].Kind, i+1, i+len(chunk), err)
			}
		}
	}
	for i := 0; i < len(agreements); i += seedTxAgreements {
		chunk := agreements[i:min(i+seedTxAgreements, len(agreements))]
		err := st.Tx(ctx, func(tx transfer.Store) error {
			w, ok := tx.(agreementWriter)
			if !ok {
				return errors.New("the store cannot write agreements in bulk")
			}
			return w.CreateAgreements(ctx, chunk)
		})
		if errors.Is(err, transfer.ErrConflict) {
			return fmt.Errorf("seed %s: some agreements of seed %d are already in this database; use another --seed or an empty database",
				p.name, p.seed)
		}
		if err != nil {
			return fmt.Errorf("seed %s: agreements %d–%d: %w", p.name, i+1, i+len(chunk), err)
		}
	}
	if err := st.RefreshStatistics(ctx); err != nil {
		return fmt.Errorf("seed %s: refresh the planner's statistics: %w", p.name, err)
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "seeded %d institutions, %d offers, %d demands, %d agreements (%s, seed %d) on %s in %s\n",
		len(institutions), len(offers), len(demands), len(agreements), p.name, p.seed, st.Dialect(), elapsed.Round(time.Millisecond))
	return nil
}

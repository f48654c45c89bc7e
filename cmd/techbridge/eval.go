package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/match"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/transfer"
)

// The evaluation loads a labelled set (offers, demands, graded relevance)
// into a fresh database, ranks every demand's offers with the engine and
// with a text-only BM25 baseline, and reports nDCG@10, MRR and Recall@10.

type evalInstitution struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	Country string `json:"country"`
	Type    string `json:"type"`
}

// evalListing is a line of offers.jsonl or demands.jsonl.
type evalListing struct {
	Key             string          `json:"key"`
	Institution     evalInstitution `json:"institution"`
	Title           string          `json:"title"`
	Summary         string          `json:"summary"`
	Description     string          `json:"description"`
	Language        string          `json:"language"`
	Sector          string          `json:"sector"`
	Subsector       string          `json:"subsector"`
	Keywords        []string        `json:"keywords"`
	TRL             int             `json:"trl"`
	MinTRL          int             `json:"min_trl"`
	IPStatus        string          `json:"ip_status"`
	TransferModes   []string        `json:"transfer_modes"`
	TargetCountries []string        `json:"target_countries"`
	SourceCountries []string        `json:"source_countries"`
	PriceMin        *int64          `json:"price_min"`
	PriceMax        *int64          `json:"price_max"`
	BudgetMin       *int64          `json:"budget_min"`
	BudgetMax       *int64          `json:"budget_max"`
	Currency        string          `json:"currency"`
}

// evalScores are the mean measures of one system over a group of demands.
type evalScores struct {
	Demands  int     `json:"demands"`
	NDCG10   float64 `json:"ndcg_at_10"`
	MRR      float64 `json:"mrr"`
	Recall10 float64 `json:"recall_at_10"`
}

type evalReport struct {
	Engine           evalScores            `json:"engine"`
	NoLexicon        evalScores            `json:"engine_without_lexicon"`
	Shortcuts        evalScores            `json:"engine_with_shortcuts_forced"`
	Baseline         evalScores            `json:"baseline"`
	EngineByLang     map[string]evalScores `json:"engine_by_demand_language"`
	BaselineByLang   map[string]evalScores `json:"baseline_by_demand_language"`
	PairRecall       map[string][2]float64 `json:"recall_at_10_by_language_pair"` // demand→offer language: engine, baseline
	AlgorithmVersion string                `json:"algorithm_version"`
}

func evalCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("eval", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	dir := fl.String("data", "", "folder with offers.jsonl, demands.jsonl and qrels.tsv")
	asJSON := fl.Bool("json", false, "print the report as JSON")
	if err := fl.Parse(args); err != nil || *dir == "" {
		return errors.New("usage: techbridge eval --data DIR [--json]")
	}
	rep, err := evaluate(ctx, *dir)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(stdout, rep)
	return nil
}

func printReport(w io.Writer, rep evalReport) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "algorithm %s; gains 2^grade-1; MRR and Recall@10 count grades >= 2\n\n", rep.AlgorithmVersion)
	fmt.Fprintln(tw, "demands\tsystem\tnDCG@10\tMRR\tRecall@10\t")
	row := func(group, system string, s evalScores) {
		fmt.Fprintf(tw, "%s (%d)\t%s\t%.3f\t%.3f\t%.3f\t\n", group, s.Demands, system, s.NDCG10, s.MRR, s.Recall10)
	}
	row("all", "engine", rep.Engine)
	row("all", "no lexicon", rep.NoLexicon)
	row("all", "shortcuts*", rep.Shortcuts)
	row("all", "bm25", rep.Baseline)
	var langs []string
	for l := range rep.EngineByLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		row(l, "engine", rep.EngineByLang[l])
		row(l, "bm25", rep.BaselineByLang[l])
	}
	tw.Flush()
	fmt.Fprintf(w, "\nRecall@10 of grade >= 2 pairs by language pair (demand→offer): engine / bm25\n")
	var pairs []string
	for p := range rep.PairRecall {
		pairs = append(pairs, p)
	}
	sort.Strings(pairs)
	for _, p := range pairs {
		fmt.Fprintf(w, "  %-7s %.2f / %.2f\n", p, rep.PairRecall[p][0], rep.PairRecall[p][1])
	}
	fmt.Fprintf(w, "\nnDCG@10 engine - bm25 = %+.3f; what the concept lexicon adds: %+.3f\n",
		rep.Engine.NDCG10-rep.Baseline.NDCG10, rep.Engine.NDCG10-rep.NoLexicon.NDCG10)
	fmt.Fprintf(w, "* the engine with its ranking shortcuts forced to act on this small set (%+v): "+
		"they only act on large indexes otherwise\n", forcedShortcuts)
}

// forcedShortcuts make the engine's shortcuts act on the development set,
// which is far too small for the defaults to: every word or concept found in
// more than one offer is common (kept as a dense array; on this set the
// rarer terms find fewer than 20 candidates, so the arrays are walked), and
// only the 20 most relevant candidates get the full score.
var forcedShortcuts = match.Shortcuts{CommonShare: 0.01, CommonMinDocs: 1, Preselect: 20}

// evaluate runs the whole evaluation in a temporary SQLite database.
func evaluate(ctx context.Context, dir string) (evalReport, error) {
	offers, err := readEvalListings(filepath.Join(dir, "offers.jsonl"))
	if err != nil {
		return evalReport{}, err
	}
	demands, err := readEvalListings(filepath.Join(dir, "demands.jsonl"))
	if err != nil {
		return evalReport{}, err
	}
	qrels, err := readQrels(filepath.Join(dir, "qrels.tsv"))
	if err != nil {
		return evalReport{}, err
	}
	tmp, err := os.MkdirTemp("", "techbridge-eval-")
	if err != nil {
		return evalReport{}, err
	}
	defer os.RemoveAll(tmp)
	st, err := store.Open(ctx, store.Config{DataDir: tmp})
	if err != nil {
		return evalReport{}, err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return evalReport{}, err
	}
	engine, err := match.New(match.Config{})
	if err != nil {
		return evalReport{}, err
	}
	baselineEngine, err := match.New(match.Config{TextOnly: true})
	if err != nil {
		return evalReport{}, err
	}
	noLexiconEngine, err := match.New(match.Config{Lexicon: []match.Concept{}})
	if err != nil {
		return evalReport{}, err
	}
	shortcutEngine, err := match.New(match.Config{Shortcuts: forcedShortcuts})
	if err != nil {
		return evalReport{}, err
	}
	newSvc := func(e *match.Engine) (*transfer.Service, error) {
		tk, err := auth.NewTokens([]byte(strings.Repeat("e", 32)), 0, nil)
		if err != nil {
			return nil, err
		}
		return transfer.NewService(st, auth.FastArgon2, tk, transfer.Config{Matcher: e})
	}
	svc, err := newSvc(engine)
	if err != nil {
		return evalReport{}, err
	}
	base, err := newSvc(baselineEngine)
	if err != nil {
		return evalReport{}, err
	}
	noLex, err := newSvc(noLexiconEngine)
	if err != nil {
		return evalReport{}, err
	}
	short, err := newSvc(shortcutEngine)
	if err != nil {
		return evalReport{}, err
	}
	staff := transfer.Actor{ID: "eval", Kind: transfer.ActorUser, Role: transfer.RoleStaff}
	offerIDs, err := loadEvalListings(ctx, svc, staff, transfer.KindOffer, offers)
	if err != nil {
		return evalReport{}, err
	}
	demandIDs, err := loadEvalListings(ctx, svc, staff, transfer.KindDemand, demands)
	if err != nil {
		return evalReport{}, err
	}
	offerKey := map[string]string{}
	offerLang := map[string]string{}
	for i, o := range offers {
		offerKey[offerIDs[i]] = o.Key
		offerLang[o.Key] = o.Language
	}
	for _, s := range []*transfer.Service{svc, base, noLex, short} {
		if err := s.BuildMatchIndex(ctx); err != nil {
			return evalReport{}, err
		}
	}
	rep := evalReport{EngineByLang: map[string]evalScores{}, BaselineByLang: map[string]evalScores{},
		PairRecall: map[string][2]float64{}, AlgorithmVersion: svc.MatchingVersion()}
	pairHits := map[string]*[3]int{} // found by engine, found by baseline, total
	for i, d := range demands {
		grades := qrels[d.Key]
		for si, s := range []*transfer.Service{svc, base, noLex, short} {
			got, err := s.SuggestMatches(ctx, staff, transfer.KindDemand, demandIDs[i], transfer.MatchQuery{Limit: transfer.MaxLimit})
			if err != nil {
				return evalReport{}, fmt.Errorf("rank %s: %w", d.Key, err)
			}
			ranked := make([]string, len(got))
			for j, g := range got {
				ranked[j] = offerKey[g.Listing.ID]
			}
			sc := evalScores{Demands: 1, NDCG10: match.NDCG(ranked, grades, 10), MRR: match.MRR(ranked, grades, 2),
				Recall10: match.Recall(ranked, grades, 10, 2)}
			switch si {
			case 2:
				addScores(&rep.NoLexicon, sc)
				continue
			case 3:
				addScores(&rep.Shortcuts, sc)
				continue
			}
			all, byLang := &rep.Engine, rep.EngineByLang
			if si == 1 {
				all, byLang = &rep.Baseline, rep.BaselineByLang
			}
			addScores(all, sc)
			l := byLang[d.Language]
			addScores(&l, sc)
			byLang[d.Language] = l
			top := map[string]bool{}
			for _, k := range ranked[:min(10, len(ranked))] {
				top[k] = true
			}
			for key, g := range grades {
				if g < 2 {
					continue
				}
				p := d.Language + "→" + offerLang[key]
				if pairHits[p] == nil {
					pairHits[p] = &[3]int{}
				}
				if top[key] {
					pairHits[p][si]++
				}
				if si == 0 {
					pairHits[p][2]++
				}
			}
		}
	}
	finish := func(s *evalScores) {
		n := float64(s.Demands)
		s.NDCG10, s.MRR, s.Recall10 = s.NDCG10/n, s.MRR/n, s.Recall10/n
	}
	finish(&rep.Engine)
	finish(&rep.Baseline)
	finish(&rep.NoLexicon)
	finish(&rep.Shortcuts)
	for _, m := range []map[string]evalScores{rep.EngineByLang, rep.BaselineByLang} {
		for k, s := range m {
			finish(&s)
			m[k] = s
		}
	}
	for p, h := range pairHits {
		rep.PairRecall[p] = [2]float64{float64(h[0]) / float64(h[2]), float64(h[1]) / float64(h[2])}
	}
	return rep, nil
}

func addScores(dst *evalScores, s evalScores) {
	dst.Demands += s.Demands
	dst.NDCG10 += s.NDCG10
	dst.MRR += s.MRR
	dst.Recall10 += s.Recall10
}

// loadEvalListings creates the institutions and imports the listings as
// published; it returns the listings' ids in file order.
func loadEvalListings(ctx context.Context, svc *transfer.Service, staff transfer.Actor, kind transfer.Kind, ls []evalListing) ([]string, error) {
	insts := map[string]string{}
	rows := make([]transfer.ListingInput, len(ls))
	for i, l := range ls {
		id, ok := insts[l.Institution.Key]
		if !ok {
			in, err := svc.CreateInstitution(ctx, staff, transfer.Institution{Name: l.Institution.Name,
				Country: l.Institution.Country, Type: l.Institution.Type})
			if err != nil {
				return nil, fmt.Errorf("institution %s: %w", l.Institution.Key, err)
			}
			id = in.ID
			insts[l.Institution.Key] = id
		}
		x := transfer.Listing{InstitutionID: id, Title: l.Title, Summary: l.Summary, Description: l.Description,
			Language: l.Language, Sector: l.Sector, Subsector: l.Subsector, Keywords: l.Keywords,
			TransferModes: l.TransferModes, Currency: l.Currency, Visibility: "public"}
		if kind == transfer.KindOffer {
			x.TRL, x.IPStatus, x.Countries, x.AmountMin, x.AmountMax = l.TRL, l.IPStatus, l.TargetCountries, l.PriceMin, l.PriceMax
		} else {
			x.TRL, x.Countries, x.AmountMin, x.AmountMax = l.MinTRL, l.SourceCountries, l.BudgetMin, l.BudgetMax
		}
		rows[i] = transfer.ListingInput{Listing: x}
	}
	results, err := svc.ImportListings(ctx, staff, kind, rows, transfer.ImportOptions{Atomic: true, Publish: true})
	if err != nil {
		return nil, fmt.Errorf("load %ss: %w", kind, err)
	}
	ids := make([]string, len(results))
	for i, r := range results {
		ids[i] = r.ID
	}
	return ids, nil
}

func readEvalListings(path string) ([]evalListing, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []evalListing
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var l evalListing
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		out = append(out, l)
	}
	return out, sc.Err()
}

// readQrels reads demand<TAB>offer<TAB>grade lines into demand → offer → grade.
func readQrels(path string) (map[string]map[string]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]int{}
	for n, line := range strings.Split(string(b), "\n") {
		f := strings.Split(strings.TrimSpace(line), "\t")
		if len(f) != 3 {
			continue
		}
		g, err := strconv.Atoi(f[2])
		if err != nil {
			if n == 0 {
				continue // a header
			}
			return nil, fmt.Errorf("%s:%d: grade %q", path, n+1, f[2])
		}
		if out[f[0]] == nil {
			out[f[0]] = map[string]int{}
		}
		out[f[0]][f[1]] = g
	}
	return out, nil
}

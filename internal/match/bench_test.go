package match_test

// Matching benchmarks: the engine alone at 100,000 and 1,000,000 offers, and
// the engine against Bleve's BM25 and Postgres full-text ranking on the same
// corpus and demands. docs/benchmarks-matching.md has the numbers, the
// machine and the commands.
//
//	TEST_DATABASE_URL=postgres://… go test ./internal/match -run XXX \
//	    -bench 'Match100k|Compare100k' -benchtime 1x -timeout 60m
//	TECHBRIDGE_BENCH_1M=1 go test ./internal/match -run XXX -bench Match1M -benchtime 1x -timeout 60m
//
// One benchmark iteration is one pass over the demands (after an untimed
// warm-up pass), each Match call timed on its own; ns/op is overridden with
// the mean latency of one Match call, so -benchtime 1x is the intended use.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bleveindex "github.com/blevesearch/bleve_index_api"
	"github.com/jackc/pgx/v5"

	"github.com/techbridge/techbridge/internal/match"
	"github.com/techbridge/techbridge/internal/synthetic"
	"github.com/techbridge/techbridge/internal/transfer"
)

const (
	benchSeed      = 20260601
	benchDemands   = 1000 // queries of the Match benchmarks, round-robin
	compareDemands = 200  // queries of the comparison, the same for every system
	benchLimit     = 20
)

// benchNow is the synthetic data's "now" and the queries' Now.
var benchNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// benchInstitutions returns the institutions for a corpus of n offers: about
// one per twenty offers, so that same-institution exclusion happens as often
// as in a real network.
func benchInstitutions(n int) []transfer.Institution {
	return synthetic.Institutions(benchSeed, min(50_000, max(1_000, n/20)))
}

// countries maps institution id → country, as the service's index does.
func countries(ins []transfer.Institution) map[string]string {
	m := make(map[string]string, len(ins))
	for _, in := range ins {
		m[in.ID] = in.Country
	}
	return m
}

// benchOffers returns n synthetic offers, all published and live, converted
// for the engine; the transfer listings are not kept.
func benchOffers(n int, ins []transfer.Institution) []match.Listing {
	cc := countries(ins)
	out := make([]match.Listing, 0, n)
	const chunk = 100_000 // generate in chunks so the transfer listings never all live at once
	for start := 0; start < n; start += chunk {
		ls := synthetic.Offers(benchSeed+int64(start), min(chunk, n-start), ins, benchNow)
		for i := range ls {
			l := &ls[i]
			l.Status, l.StatusReason = transfer.StatusPublished, ""
			if l.PublishedAt == nil {
				p := l.UpdatedAt
				l.PublishedAt = &p
			}
			if l.EndsAt != nil && !l.EndsAt.After(benchNow) {
				l.EndsAt = nil
			}
			out = append(out, transfer.EngineListing(*l, cc[l.InstitutionID]))
		}
	}
	return out
}

// benchQueries returns n synthetic demands to match with.
func benchQueries(n int, ins []transfer.Institution) []match.Listing {
	cc := countries(ins)
	ls := synthetic.Demands(benchSeed, n, ins, benchNow)
	out := make([]match.Listing, len(ls))
	for i, l := range ls {
		out[i] = transfer.EngineListing(l, cc[l.InstitutionID])
	}
	return out
}

// latencies collects per-call durations.
type latencies []time.Duration

func (l latencies) stats() (mean, p50, p99, worst time.Duration) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	rank := func(p float64) time.Duration {
		i := int(float64(len(s))*p+0.999999) - 1 // nearest-rank percentile
		return s[max(0, min(len(s)-1, i))]
	}
	return sum / time.Duration(len(s)), rank(0.50), rank(0.99), s[len(s)-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// gcCost is what one garbage collection costs with the heap as it is:
// the CPU its marking took (mean of a few forced cycles), the heap it
// scans for pointers and the objects it visits. Every request that
// allocates brings the next cycle nearer; these say how heavy each is.
type gcCost struct{ markMS, scanMB, objects float64 }

func gcCostOf() gcCost {
	samples := []metrics.Sample{{Name: "/cpu/classes/gc/mark/assist:cpu-seconds"}, {Name: "/cpu/classes/gc/mark/dedicated:cpu-seconds"},
		{Name: "/cpu/classes/gc/mark/idle:cpu-seconds"}, {Name: "/gc/scan/heap:bytes"}, {Name: "/gc/heap/objects:objects"}}
	mark := func() float64 {
		metrics.Read(samples)
		return samples[0].Value.Float64() + samples[1].Value.Float64() + samples[2].Value.Float64()
	}
	runtime.GC()
	const cycles = 5
	before := mark()
	for range cycles {
		runtime.GC()
	}
	markMS := (mark() - before) / cycles * 1000
	return gcCost{markMS: markMS, scanMB: float64(samples[3].Value.Uint64()) / 1e6, objects: float64(samples[4].Value.Uint64())}
}

// mbPer100k expresses bytes for n offers as MB (10^6 bytes) per 100,000 offers.
func mbPer100k(bytes int64, n int) float64 { return float64(bytes) / 1e6 * 100_000 / float64(n) }

func newEngine(b *testing.B) *match.Engine {
	b.Helper()
	e, err := match.New(match.Config{})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

func BenchmarkMatch100k(b *testing.B) { benchMatch(b, 100_000) }

// BenchmarkMatch1M needs a few GB; it runs only when named by -bench (with
// "1M" in the pattern) or when TECHBRIDGE_BENCH_1M=1.
func BenchmarkMatch1M(b *testing.B) {
	if os.Getenv("TECHBRIDGE_BENCH_1M") != "1" && !benchNamed("1M") {
		b.Skip("set TECHBRIDGE_BENCH_1M=1 or name Match1M in -bench: needs a few GB and a few minutes")
	}
	benchMatch(b, 1_000_000)
}

func benchNamed(s string) bool {
	f := flag.Lookup("test.bench")
	return f != nil && strings.Contains(f.Value.String(), s)
}

func benchMatch(b *testing.B, n int) {
	ins := benchInstitutions(n)
	queries := benchQueries(benchDemands, ins)
	e := newEngine(b) // the lexicon's matcher is a fixed cost, not per offer

	base := heapAlloc()
	offers := benchOffers(n, ins)
	withInput := heapAlloc()
	start := time.Now()
	e.Build(offers)
	build := time.Since(start)
	built := heapAlloc()
	runtime.KeepAlive(offers) // held until here: built-withInput is what Build added
	offers = nil              // what the engine keeps of the listings (ids, country lists) still counts
	retained := heapAlloc()
	if got := e.Len(match.Offer); got != n {
		b.Fatalf("indexed %d offers, want %d", got, n)
	}
	gc := gcCostOf()

	for _, q := range queries { // warm-up: page in, fill the accumulator pool
		e.Match(q, match.Query{Limit: benchLimit, Now: benchNow})
	}
	var lat latencies
	var results int
	b.ResetTimer()
	for range b.N {
		for _, q := range queries {
			t := time.Now()
			rs := e.Match(q, match.Query{Limit: benchLimit, Now: benchNow})
			lat = append(lat, time.Since(t))
			results += len(rs)
		}
	}
	b.StopTimer()
	mean, p50, p99, worst := lat.stats()
	b.ReportMetric(float64(mean.Nanoseconds()), "ns/op")
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(p99), "p99-ms")
	b.ReportMetric(ms(worst), "max-ms")
	b.ReportMetric(mbPer100k(int64(retained)-int64(base), n), "index-MB/100k")
	b.ReportMetric(mbPer100k(int64(built)-int64(withInput), n), "build-delta-MB/100k")
	b.ReportMetric(float64(n)/build.Seconds(), "offers/s-build")
	b.ReportMetric(float64(results)/float64(len(lat)), "results/query")
	b.ReportMetric(gc.markMS, "gc-mark-cpu-ms")
	b.ReportMetric(gc.scanMB, "gc-scan-MB")
	b.ReportMetric(gc.objects, "heap-objects")
	b.Logf("%d offers, %d institutions, %d queries: mean %.3f ms, p50 %.3f ms, p99 %.3f ms, max %.3f ms; "+
		"build %.1f s (%.0f offers/s); heap retained by the engine %.1f MB (%.1f MB per 100k); Build's heap delta with inputs held %.1f MB",
		n, len(ins), len(lat), ms(mean), ms(p50), ms(p99), ms(worst), build.Seconds(), float64(n)/build.Seconds(),
		float64(int64(retained)-int64(base))/1e6, mbPer100k(int64(retained)-int64(base), n),
		float64(int64(built)-int64(withInput))/1e6)
	runtime.KeepAlive(e)
}

// BenchmarkAgreement100k measures what the engine's shortcuts cost in
// ranking quality: Match against an exhaustive ranking of the same index.
func BenchmarkAgreement100k(b *testing.B) {
	const n = 100_000
	ins := benchInstitutions(n)
	queries := benchQueries(benchDemands, ins)
	e := newEngine(b)
	e.Build(benchOffers(n, ins))
	b.ResetTimer()
	var sameID, sameScore, shortfall float64
	for range b.N {
		sameID, sameScore, shortfall = agreement(e, queries)
	}
	b.ReportMetric(sameID, "top20-same-ids")
	b.ReportMetric(sameScore, "same-score-at-rank")
	b.ReportMetric(shortfall, "mean-score-shortfall")
}

// agreement compares Match's top 20 with an exhaustive ranking's (every doc
// sharing a word or concept fully scored), rank by rank: the share of
// Match's ids that are in the exhaustive top 20, the share of ranks with the
// same score, and the mean score (0–100) lost at a rank.
func agreement(e *match.Engine, queries []match.Listing) (sameID, sameScore, shortfall float64) {
	var ranks int
	for _, q := range queries {
		opt := match.Query{Limit: benchLimit, Now: benchNow}
		fast, full := e.Match(q, opt), e.MatchExhaustive(q, opt)
		in := map[string]bool{}
		for _, r := range full {
			in[r.ID] = true
		}
		for i, r := range full {
			ranks++
			if i >= len(fast) {
				shortfall += r.Score
				continue
			}
			if in[fast[i].ID] {
				sameID++
			}
			if fast[i].Score == r.Score {
				sameScore++
			}
			shortfall += r.Score - fast[i].Score
		}
	}
	if ranks == 0 {
		return 1, 1, 0
	}
	return sameID / float64(ranks), sameScore / float64(ranks), shortfall / float64(ranks)
}

// BenchmarkCompare100k runs the engine, Bleve (BM25) and Postgres full-text
// ranking (ts_rank over a GIN index) on the same 100,000 offers and the same
// 200 demands, in one run. Postgres is skipped when TEST_DATABASE_URL is unset.
func BenchmarkCompare100k(b *testing.B) {
	const n = 100_000
	ins := benchInstitutions(n)
	queries := benchQueries(compareDemands, ins)
	offers := benchOffers(n, ins)
	texts := make([]string, len(queries)) // what Bleve and Postgres search with
	for i, q := range queries {
		texts[i] = q.Title + " " + q.Summary
	}

	type system struct {
		name  string
		query func(i int) (int, error) // number of results
	}
	var systems []system

	e := newEngine(b)
	start := time.Now()
	e.Build(offers)
	b.Logf("engine: built in %.1f s", time.Since(start).Seconds())
	systems = append(systems, system{"engine", func(i int) (int, error) {
		return len(e.Match(queries[i], match.Query{Limit: benchLimit, Now: benchNow})), nil
	}})

	idx := bleveBuild(b, offers)
	systems = append(systems, system{"bleve", func(i int) (int, error) {
		q := bleve.NewMatchQuery(texts[i])
		q.SetField("text")
		req := bleve.NewSearchRequestOptions(q, benchLimit, 0, false)
		res, err := idx.Search(req)
		if err != nil {
			return 0, err
		}
		return len(res.Hits), nil
	}})

	if url := os.Getenv("TEST_DATABASE_URL"); url == "" {
		b.Log("postgres: skipped, TEST_DATABASE_URL is not set")
	} else {
		pgQuery := pgBuild(b, url, offers)
		systems = append(systems, system{"pg", pgQuery(texts)})
	}
	offers = nil
	runtime.GC()

	res := map[string]latencies{}
	hits := map[string]int{}
	b.ResetTimer()
	for _, s := range systems {
		for i := range queries { // warm-up pass, untimed
			if _, err := s.query(i); err != nil {
				b.Fatalf("%s: %v", s.name, err)
			}
		}
		for range b.N {
			for i := range queries {
				t := time.Now()
				k, err := s.query(i)
				res[s.name] = append(res[s.name], time.Since(t))
				if err != nil {
					b.Fatalf("%s: %v", s.name, err)
				}
				hits[s.name] += k
			}
		}
	}
	b.StopTimer()

	engMean, engP50, engP99, _ := res["engine"].stats()
	b.ReportMetric(float64(engMean.Nanoseconds()), "ns/op")
	for _, s := range systems {
		mean, p50, p99, worst := res[s.name].stats()
		b.ReportMetric(ms(mean), s.name+"-mean-ms")
		b.ReportMetric(ms(p50), s.name+"-p50-ms")
		b.ReportMetric(ms(p99), s.name+"-p99-ms")
		line := fmt.Sprintf("%-6s mean %8.3f ms  p50 %8.3f ms  p99 %8.3f ms  max %8.3f ms  results/query %.1f",
			s.name, ms(mean), ms(p50), ms(p99), ms(worst), float64(hits[s.name])/float64(len(res[s.name])))
		if s.name != "engine" {
			b.ReportMetric(float64(mean)/float64(engMean), s.name+"/engine-mean")
			b.ReportMetric(float64(p50)/float64(engP50), s.name+"/engine-p50")
			line += fmt.Sprintf("  ×engine: mean %.1f, p50 %.1f, p99 %.1f",
				float64(mean)/float64(engMean), float64(p50)/float64(engP50), float64(p99)/float64(engP99))
		}
		b.Log(line)
	}
	runtime.KeepAlive(e)
}

// bleveBuild indexes the offers' title, summary, keywords and description as
// one text field in an in-memory scorch index scored with BM25. (NewMemOnly
// builds an upsidedown index, which has no field-length statistics and
// silently scores with TF-IDF instead.) The analyzer splits like the engine:
// Unicode words, lower case, English stop words, Han characters as bigrams.
// All offers go in one batch, so that the index is one segment: the fastest
// shape for Bleve to search.
func bleveBuild(b *testing.B, offers []match.Listing) bleve.Index {
	b.Helper()
	im := bleve.NewIndexMapping()
	im.ScoringModel = bleveindex.BM25Scoring
	err := im.AddCustomAnalyzer("tb", map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicodetok.Name,
		"token_filters": []string{cjk.WidthName, lowercase.Name, en.StopName, cjk.BigramName},
	})
	if err != nil {
		b.Fatal(err)
	}
	text := bleve.NewTextFieldMapping()
	text.Analyzer = "tb"
	text.Store, text.IncludeInAll, text.IncludeTermVectors, text.DocValues = false, false, false, false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("text", text)
	im.DefaultMapping = dm
	im.DefaultAnalyzer = "tb"
	im.StoreDynamic, im.IndexDynamic, im.DocValuesDynamic = false, false, false

	idx, err := bleve.NewUsing("", im, scorch.Name, scorch.Name, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { idx.Close() })
	start := time.Now()
	batch := idx.NewBatch()
	for _, o := range offers {
		if err := batch.Index(o.ID, map[string]any{"text": corpusText(o)}); err != nil {
			b.Fatal(err)
		}
	}
	if err := idx.Batch(batch); err != nil {
		b.Fatal(err)
	}
	count, _ := idx.DocCount()
	b.Logf("bleve: indexed %d offers in %.1f s (scorch in memory, BM25)", count, time.Since(start).Seconds())

	// Make sure BM25 is what scores: its explanation names the average field length.
	q := bleve.NewMatchQuery(offers[0].Title)
	q.SetField("text")
	req := bleve.NewSearchRequestOptions(q, 1, 0, true)
	res, err := idx.Search(req)
	if err != nil || len(res.Hits) == 0 {
		b.Fatalf("bleve: sanity search: %v, %d hits", err, len(res.Hits))
	}
	if expl, _ := json.Marshal(res.Hits[0].Expl); !strings.Contains(string(expl), "avgFieldLength") {
		b.Fatalf("bleve is not scoring with BM25: %s", expl)
	}
	return idx
}

func corpusText(o match.Listing) string {
	return o.Title + " " + o.Summary + " " + strings.Join(o.Keywords, " ") + " " + o.Description
}

// pgBuild loads the offers into a table of its own schema (dropped at the
// end) with a stored tsvector and a GIN index, and returns the ranked query.
func pgBuild(b *testing.B, url string, offers []match.Listing) func(texts []string) func(int) (int, error) {
	b.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	schema := fmt.Sprintf("tbbench_match_%d_%d", os.Getpid(), rand.Uint32())
	b.Cleanup(func() {
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			b.Errorf("drop %s: %v", schema, err)
		}
		conn.Close(ctx)
	})
	table := schema + ".offers"
	start := time.Now()
	for _, stmt := range []string{
		"CREATE SCHEMA " + schema,
		"CREATE TABLE " + table + ` (id text PRIMARY KEY, title text NOT NULL, summary text NOT NULL,
			keywords text NOT NULL, description text NOT NULL,
			tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || summary || ' ' || keywords || ' ' || description)) STORED)`,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			b.Fatal(err)
		}
	}
	copied, err := conn.CopyFrom(ctx, pgx.Identifier{schema, "offers"}, []string{"id", "title", "summary", "keywords", "description"},
		pgx.CopyFromSlice(len(offers), func(i int) ([]any, error) {
			o := offers[i]
			return []any{o.ID, o.Title, o.Summary, strings.Join(o.Keywords, " "), o.Description}, nil
		}))
	if err != nil {
		b.Fatal(err)
	}
	loaded := time.Since(start)
	for _, stmt := range []string{
		"CREATE INDEX ON " + table + " USING gin (tsv)",
		"VACUUM ANALYZE " + table,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			b.Fatal(err)
		}
	}
	var version, sharedBuffers, workMem string
	_ = conn.QueryRow(ctx, "SELECT version(), current_setting('shared_buffers'), current_setting('work_mem')").Scan(&version, &sharedBuffers, &workMem)
	b.Logf("postgres: copied %d offers in %.1f s, GIN index and analyze in %.1f s; %s; shared_buffers %s, work_mem %s",
		copied, loaded.Seconds(), (time.Since(start) - loaded).Seconds(), version, sharedBuffers, workMem)

	// The demand's distinct words, ORed: plainto_tsquery ANDs them and would
	// find nothing for a whole title and summary. Postgres splits the words
	// itself ('simple' configuration) and every lexeme is quoted for tsquery
	// input, inside the timed statement, as the engine analyses its query.
	sql := `WITH q AS (
		SELECT coalesce(string_agg('''' || replace(replace(w, '\', '\\'), '''', '''''') || '''', ' | '), '')::tsquery AS q
		FROM unnest(tsvector_to_array(to_tsvector('simple', $1))) AS w)
	SELECT o.id FROM ` + table + ` o, q WHERE o.tsv @@ q.q ORDER BY ts_rank(o.tsv, q.q) DESC LIMIT 20`
	return func(texts []string) func(int) (int, error) {
		return func(i int) (int, error) {
			rows, err := conn.Query(ctx, sql, texts[i])
			if err != nil {
				return 0, err
			}
			k := 0
			for rows.Next() {
				k++
			}
			rows.Close()
			return k, rows.Err()
		}
	}
}

package match_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/match"
)

// analysesCorpus is synthetic offers and demands, stamped.
func analysesCorpus(offers, demands int) []match.Listing {
	ins := benchInstitutions(offers)
	ls := append(benchOffers(offers, ins), benchQueries(demands, ins)...)
	for i := range ls {
		ls[i].Stamp = fmt.Sprintf("v1@%d", i)
		if ls[i].PublishedAt.IsZero() {
			ls[i].PublishedAt = benchNow.Add(-24 * time.Hour)
		}
	}
	return ls
}

// withoutText is a listing as the start-up reads it when the file has its
// analysis: no text.
func withoutText(l match.Listing) match.Listing {
	l.Title, l.Summary, l.Description, l.Keywords, l.Translations = "", "", "", nil, nil
	return l
}

// withoutTexts is ls as a start-up reads it when the file has their analyses.
func withoutTexts(ls []match.Listing) []match.Listing {
	out := make([]match.Listing, len(ls))
	for i, l := range ls {
		out[i] = withoutText(l)
	}
	return out
}

// analysed is a new engine built from ls by analysing every listing.
func analysed(t testing.TB, ls []match.Listing) *match.Engine {
	t.Helper()
	e, _ := match.New(match.Config{})
	if _, err := stream(e, nil, ls); err != nil {
		t.Fatal(err)
	}
	return e
}

// readInto reads the file at path into a new engine.
func readInto(t *testing.T, path string) (*match.Engine, *match.Analyses) {
	t.Helper()
	e, _ := match.New(match.Config{})
	a, err := e.ReadAnalyses(path)
	if err != nil {
		t.Fatal(err)
	}
	return e, a
}

func stream(e *match.Engine, a *match.Analyses, ls []match.Listing) (match.BuildStats, error) {
	return e.BuildStreamFrom(a, func(add func([]match.Listing) int) error {
		for start := 0; start < len(ls); start += 700 {
			add(ls[start:min(start+700, len(ls))])
		}
		return nil
	})
}

// sameRankings compares both engines' results, offers for every demand and
// demands for some offers, exactly: ids, order, scores, components, reasons.
func sameRankings(t *testing.T, a, b *match.Engine, ls []match.Listing) {
	t.Helper()
	compared := 0
	for i, q := range ls {
		if q.Kind == match.Offer && i%25 != 0 {
			continue
		}
		q.InstitutionID = "asker"
		ra := a.Match(q, match.Query{Limit: 20, Now: benchNow})
		rb := b.Match(q, match.Query{Limit: 20, Now: benchNow})
		if !reflect.DeepEqual(ra, rb) {
			t.Fatalf("query %s: fresh analysis and the file rank differently:\n%v\n%v", q.ID, ra, rb)
		}
		if len(ra) > 0 {
			compared++
		}
	}
	if compared < len(ls)/20 {
		t.Fatalf("only %d queries had results", compared)
	}
}

// An index built from the file ranks and scores exactly as one built by
// analysing every listing, though the file's listings come without text.
func TestAnalysesFileRanksAsFreshAnalysis(t *testing.T) {
	ls := analysesCorpus(6000, 600)
	fresh, _ := match.New(match.Config{})
	st, err := stream(fresh, nil, ls)
	if err != nil || st.Analysed != len(ls) || st.Reused != 0 {
		t.Fatalf("fresh build: %+v, %v", st, err)
	}
	path := filepath.Join(t.TempDir(), "analyses")
	if _, n, err := fresh.SaveAnalyses(path); err != nil || n != len(ls) {
		t.Fatalf("save: %d entries, %v", n, err)
	}
	cached, a := readInto(t, path)
	bare := withoutTexts(ls)
	st, err = stream(cached, a, bare)
	if err != nil || st.Reused != len(ls) || st.Analysed != 0 {
		t.Fatalf("build from the file: %+v, %v", st, err)
	}
	sameRankings(t, fresh, cached, ls)

	// Saved again from the index the file built, the file reads back the same.
	path2 := filepath.Join(t.TempDir(), "analyses")
	if _, _, err := cached.SaveAnalyses(path2); err != nil {
		t.Fatal(err)
	}
	again, a2 := readInto(t, path2)
	if a2.Len() != len(ls) {
		t.Fatalf("read back: %d entries, want %d", a2.Len(), len(ls))
	}
	if _, err := stream(again, a2, bare); err != nil {
		t.Fatal(err)
	}
	sameRankings(t, fresh, again, ls)
}

// A listing whose stamp changed since the file was written is analysed
// again, and its new text is what matches; one upserted after the build is
// in the next file.
func TestAnalysesChangedListingIsAnalysedAgain(t *testing.T) {
	ls := analysesCorpus(2000, 100)
	e := analysed(t, ls)
	added := ls[1]
	added.ID, added.Stamp, added.Title = "added-later", "v1@added", "quokka habitat sensor"
	e.Upsert(added)
	path := filepath.Join(t.TempDir(), "analyses")
	if _, _, err := e.SaveAnalyses(path); err != nil {
		t.Fatal(err)
	}
	b, a := readInto(t, path)
	if !a.Has(match.Offer, "added-later", "v1@added") {
		t.Fatal("the listing upserted after the build is not in the file")
	}
	changed := ls[3]
	if changed.Kind != match.Offer {
		t.Fatal("corpus: want an offer")
	}
	changed.Stamp, changed.Title, changed.Summary = "v2@3", "axolotl regeneration bioreactor", "axolotl axolotl"
	if a.Has(changed.Kind, changed.ID, changed.Stamp) {
		t.Fatal("the file claims the new stamp")
	}
	next := withoutTexts(ls)
	next[3] = changed // the start-up reads the whole row of a listing the file misses
	st, err := stream(b, a, next)
	if err != nil || st.Analysed != 1 || st.Reused != len(ls)-1 {
		t.Fatalf("build: %+v, %v", st, err)
	}
	q := ls[len(ls)-1]
	q.Kind, q.InstitutionID, q.Title, q.Summary, q.Description, q.Keywords = match.Demand, "asker", "axolotl bioreactor", "", "", nil
	rs := b.Match(q, match.Query{Limit: 3, Now: benchNow})
	if len(rs) == 0 || rs[0].ID != changed.ID {
		t.Fatalf("the changed listing's new text does not match: %v", rs)
	}
}

// A file of another algorithm version (here another lexicon) is refused,
// and so is one that is truncated or corrupt, wherever the damage is.
func TestAnalysesFileRefused(t *testing.T) {
	ls := analysesCorpus(500, 50)
	e := analysed(t, ls)
	dir := t.TempDir()
	path := filepath.Join(dir, "analyses")
	if _, _, err := e.SaveAnalyses(path); err != nil {
		t.Fatal(err)
	}
	grown := match.ExtendLexicon(match.DefaultLexicon(), []match.Concept{{ID: "quokka", Subsectors: []string{"*"},
		Terms: map[string][]string{"en": {"quokka"}, "zh": {"短尾矮袋鼠"}, "id": {"kuoka"}, "vi": {"chuột túi quokka"},
			"th": {"ควอกก้า"}, "ms": {"kuokka"}}}})
	other, _ := match.New(match.Config{Lexicon: grown})
	if _, err := other.ReadAnalyses(path); !errors.Is(err, match.ErrAnalysesVersion) {
		t.Fatalf("another lexicon read the file: %v", err)
	}
	weights := match.DefaultWeights
	weights.Text += 0.01
	other, _ = match.New(match.Config{Weights: weights})
	if _, err := other.ReadAnalyses(path); !errors.Is(err, match.ErrAnalysesVersion) {
		t.Fatalf("other weights read the file: %v", err)
	}
	// The version changes between reading the file and the build.
	a, err := e.ReadAnalyses(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.SetLexicon(grown, func() ([]match.Listing, error) { return ls, nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := stream(e, a, ls); !errors.Is(err, match.ErrAnalysesVersion) {
		t.Fatalf("built from a file of the old lexicon: %v", err)
	}

	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := match.New(match.Config{})
	if _, err := fresh.ReadAnalyses(path); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad")
	for _, n := range []int{0, 1, 8, 12, 20, len(good) / 3, len(good) - 1} {
		os.WriteFile(bad, good[:n], 0o600)
		if _, err := fresh.ReadAnalyses(bad); err == nil {
			t.Fatalf("a file truncated to %d of %d bytes was read", n, len(good))
		}
	}
	for _, at := range []int{3, 10, len(good) / 2, len(good) - 2} {
		b := append([]byte(nil), good...)
		b[at] ^= 0x40
		os.WriteFile(bad, b, 0o600)
		if _, err := fresh.ReadAnalyses(bad); err == nil {
			t.Fatalf("a file with byte %d flipped was read", at)
		}
	}
	if _, err := fresh.ReadAnalyses(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a missing file was read")
	}
}

// BenchmarkReadAnalyses measures reading and decoding the file of 100,000
// offers and 10,000 demands (checksum, dictionary, every entry checked).
func BenchmarkReadAnalyses(b *testing.B) {
	ls := analysesCorpus(100_000, 10_000)
	e := analysed(b, ls)
	path := filepath.Join(b.TempDir(), "analyses")
	if _, _, err := e.SaveAnalyses(path); err != nil {
		b.Fatal(err)
	}
	info, _ := os.Stat(path)
	for b.Loop() {
		a, err := e.ReadAnalyses(path)
		if err != nil || a.Len() != len(ls) {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(info.Size())/1e6, "file-MB")
}

// The file keeps no term that only removed or changed listings used, so it
// does not grow from one restart to the next; the index it builds still
// ranks as fresh analysis does.
func TestAnalysesFileDropsUnusedTerms(t *testing.T) {
	ls := analysesCorpus(1000, 100)
	e := analysed(t, ls)
	dir := t.TempDir()
	path := filepath.Join(dir, "analyses")
	if _, _, err := e.SaveAnalyses(path); err != nil {
		t.Fatal(err)
	}
	a, err := e.ReadAnalyses(path)
	if err != nil {
		t.Fatal(err)
	}
	before := a.Terms()
	gone := ls[5]
	gone.ID, gone.Stamp, gone.Title, gone.Summary = "short-lived", "v1@x", "zyxwvu qwertyuiop", "asdfghjkl zxcvbnm"
	e.Upsert(gone)
	changed := ls[7]
	changed.Stamp, changed.Title = "v2@7", "plumbus dinglebop"
	e.Upsert(changed)
	changed.Stamp, changed.Title = "v3@7", ls[7].Title
	e.Upsert(changed)
	e.Remove(gone.Kind, gone.ID)
	if _, _, err := e.SaveAnalyses(path); err != nil {
		t.Fatal(err)
	}
	if a, err = e.ReadAnalyses(path); err != nil {
		t.Fatal(err)
	}
	if a.Terms() != before {
		t.Fatalf("the dictionary has %d terms after the churn, %d before", a.Terms(), before)
	}
	final := slices.Clone(ls)
	final[7] = changed
	fresh := analysed(t, final)
	cached, a := readInto(t, path)
	if st, err := stream(cached, a, withoutTexts(final)); err != nil || st.Reused != len(final) {
		t.Fatalf("build from the pruned file: %+v, %v", st, err)
	}
	sameRankings(t, fresh, cached, final)
}

// Something other than a saved file in its place is refused from its head:
// a FIFO (no writer: opening must not wait), a link to an endless device,
// a directory, and a large file whose head promises another size.
func TestAnalysesFileNotRegularOrOversized(t *testing.T) {
	ls := analysesCorpus(200, 20)
	e := analysed(t, ls)
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	if _, _, err := e.SaveAnalyses(good); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 1<<30); err != nil { // sparse: the head of a good file, then a gigabyte of zeros
		t.Fatal(err)
	}
	for _, p := range []string{fifo, zero, dir, big} {
		done := make(chan error, 1)
		go func() { _, err := e.ReadAnalyses(p); done <- err }()
		select {
		case err := <-done:
			if err == nil {
				t.Fatalf("%s was read as analyses", p)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("reading %s did not return", p)
		}
	}
	if _, err := e.ReadAnalyses(good); err != nil {
		t.Fatal(err)
	}
}

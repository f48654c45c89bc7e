package match

import (
	"fmt"
	"runtime"
	"sync"
)

// BuildStream replaces both indexes, as Build does, with listings that
// load hands over batch by batch through add while it reads them. Each
// batch is analysed by one of a pool of workers (one per core) as soon as
// it arrives, so reading and analysis overlap, and only the analysed docs
// are kept, not the listings' text. Docs are indexed in the order of the
// batches, as Build indexes its slice. add reports how many listings have
// been analysed so far, for progress. Upserts and Removes made while it
// runs are applied to the new indexes too. If load fails, nothing changes.
func (e *Engine) BuildStream(load func(add func([]Listing) int) error) error {
	_, err := e.BuildStreamFrom(nil, load)
	return err
}

// BuildStats says how a build came by its docs.
type BuildStats struct {
	Reused   int // analyses taken from the file
	Analysed int // listings analysed
}

// BuildStreamFrom is BuildStream with the analyses of a file read back
// (ReadAnalyses; nil for none): a listing that a has at its stamp is not
// analysed but takes a's terms, concepts and length, so its text fields
// need not be filled; everything else of its doc comes from the listing,
// as for any other. The doc is the same as analysis would make (the file
// is of the same algorithm version). If the algorithm version has changed
// since a was read, it fails with ErrAnalysesVersion and changes nothing.
func (e *Engine) BuildStreamFrom(a *Analyses, load func(add func([]Listing) int) error) (BuildStats, error) {
	e.rebuild.Lock()
	defer e.rebuild.Unlock()
	lx := e.lex.Load()
	dict := newTermDict(nil)
	if a != nil {
		if a.version != lx.version {
			return BuildStats{}, ErrAnalysesVersion
		}
		dict = newTermDict(a.names)
	}
	e.mu.Lock()
	e.pending = &[]change{}
	e.mu.Unlock()

	type job struct {
		seq int
		ls  []Listing
	}
	var (
		mu       sync.Mutex
		analyzed [][]*doc // by batch sequence
		done     int
		stats    BuildStats
	)
	jobs := make(chan job, 2)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var (
				c       chunks
				scratch []byte
			)
			for j := range jobs {
				ds := make([]*doc, len(j.ls))
				reused := 0
				for i := range j.ls {
					l := &j.ls[i]
					if en, ok := a.lookup(l.Kind, l.ID, l.Stamp); ok {
						ds[i] = e.describe(l)
						ds[i].analysis = en.analysis
						readHead(ds[i])
						reused++
						continue
					}
					ds[i] = e.analyze(lx.matcher, l, false)
					scratch = dict.encode(ds[i], &c, scratch)
				}
				mu.Lock()
				analyzed[j.seq] = ds
				done += len(ds)
				stats.Reused += reused
				stats.Analysed += len(ds) - reused
				mu.Unlock()
			}
		})
	}
	seq := 0
	err := load(func(ls []Listing) int {
		mu.Lock()
		analyzed = append(analyzed, nil)
		n := done
		mu.Unlock()
		jobs <- job{seq: seq, ls: ls}
		seq++
		return n
	})
	close(jobs)
	wg.Wait()
	if err != nil {
		e.mu.Lock()
		e.pending = nil
		e.mu.Unlock()
		return BuildStats{}, fmt.Errorf("match: load the listings: %w", err)
	}
	var all []*doc
	for _, ds := range analyzed {
		all = append(all, ds...)
	}
	e.install(lx, all, dict)
	return stats, nil
}

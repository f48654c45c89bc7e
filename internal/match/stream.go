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
	e.rebuild.Lock()
	defer e.rebuild.Unlock()
	lx := e.lex.Load()
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
	)
	jobs := make(chan job, 2)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				ds := make([]*doc, len(j.ls))
				for i := range j.ls {
					ds[i] = e.analyze(lx.matcher, &j.ls[i], false)
				}
				mu.Lock()
				analyzed[j.seq] = ds
				done += len(ds)
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
		return fmt.Errorf("match: load the listings: %w", err)
	}
	var all []*doc
	for _, ds := range analyzed {
		all = append(all, ds...)
	}
	e.install(lx, all)
	return nil
}

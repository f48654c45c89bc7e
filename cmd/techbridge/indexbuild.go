package main

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/techbridge/techbridge/internal/match"
	"github.com/techbridge/techbridge/internal/transfer"
)

// progressEvery spaces the "building index" log lines.
const progressEvery = time.Second

// analysesFile is the name, in the data directory, of the file that keeps
// the matching engine's analyses of the listings, so that a restart need
// not analyse again the text of listings that did not change.
const analysesFile = "match-analyses.bin"

// analysesCache saves the engine's analyses to the data directory and
// reads them back at start; path is "" when the directory is not writable.
type analysesCache struct {
	path  string
	log   *slog.Logger
	saved atomic.Uint64 // the engine generation last saved (0: none)
	built atomic.Bool   // the first build ended: the index is whole
}

// newAnalysesCache checks that the data directory takes files; when it
// does not, the cache is off (logged as a warning) and the service runs
// without it.
func newAnalysesCache(dataDir string, log *slog.Logger) *analysesCache {
	c := &analysesCache{log: log}
	err := os.MkdirAll(dataDir, 0o750)
	if err == nil {
		var f *os.File
		if f, err = os.CreateTemp(dataDir, ".write-check-*"); err == nil {
			f.Close()
			os.Remove(f.Name())
		}
	}
	if err != nil {
		log.Warn("analysis cache off: the data directory is not writable; every start analyses every listing",
			"data_dir", dataDir, "error", err.Error())
		return c
	}
	c.path = filepath.Join(dataDir, analysesFile)
	return c
}

// read returns the saved analyses usable by e, or nil (logged: at INFO
// when missing or of another version, as a warning when truncated, corrupt
// or not a regular file).
func (c *analysesCache) read(e *match.Engine) *match.Analyses {
	if c.path == "" {
		return nil
	}
	start := time.Now()
	a, err := e.ReadAnalyses(c.path)
	if err != nil {
		// A first start (no file) and a new algorithm version (an upgrade,
		// a lexicon change) are the ordinary course: INFO. A file that is
		// there and cannot be used is worth a look: WARN.
		reason, level := "unreadable", slog.LevelWarn
		switch {
		case errors.Is(err, fs.ErrNotExist):
			reason, level = "missing", slog.LevelInfo
		case errors.Is(err, match.ErrAnalysesVersion):
			reason, level = "other algorithm version", slog.LevelInfo
		}
		c.log.Log(context.Background(), level, "analysis cache not used: every listing is analysed", "path", c.path, "reason", reason, "error", err.Error())
		return nil
	}
	c.log.Info("analysis cache read", "path", c.path, "listings", a.Len(), "duration_ms", time.Since(start).Milliseconds())
	return a
}

// save writes the engine's analyses when the index changed since the last
// save; one save runs at a time (the engine's).
func (c *analysesCache) save(e *match.Engine, why string) {
	if c.path == "" || !c.built.Load() || e.Generation() == c.saved.Load() {
		return
	}
	start := time.Now()
	gen, n, err := e.SaveAnalyses(c.path)
	if err != nil {
		c.log.Warn("analysis cache not saved", "path", c.path, "error", err.Error())
		return
	}
	c.saved.Store(gen)
	c.log.Info("analysis cache saved", "path", c.path, "listings", n, "why", why, "duration_ms", time.Since(start).Milliseconds())
}

// startIndexBuild starts the matching index's build in the background and
// logs its progress at most once per progressEvery. The channel gets the
// build's error (nil once the index is ready) and is then closed. Once
// built, the analyses are saved to the cache when any had to be made.
func startIndexBuild(ctx context.Context, svc *transfer.Service, cache *analysesCache, log *slog.Logger) <-chan error {
	start := time.Now()
	last := start
	log.Info("building index")
	// The build allocates much that dies at once (rows, batches):
	// collecting less often while it runs saves a sixth of its CPU at
	// 100,000 listings; the heap it leaves is handed back below.
	gcPercent := debug.SetGCPercent(400)
	stats := &transfer.IndexBuildStats{}
	var saved *match.Analyses // written by the build's goroutine before done
	done := svc.StartMatchIndexBuildWith(ctx, transfer.IndexBuild{Stats: stats,
		Analyses: func() *match.Analyses { saved = cache.read(svc.Engine()); return saved },
		Progress: func(read, analysed int) {
			if time.Since(last) < progressEvery {
				return
			}
			last = time.Now()
			log.Info("building index", "listings_read", read, "listings_analysed", analysed,
				"elapsed_ms", time.Since(start).Milliseconds())
		}})
	out := make(chan error, 1)
	go func() {
		defer close(out)
		err := <-done
		debug.SetGCPercent(gcPercent)
		if err != nil {
			out <- err
			return
		}
		if stats.Refused != nil {
			log.Warn("analysis cache not used: the algorithm version changed while it was read", "error", stats.Refused.Error())
		}
		stale := saved == nil || stats.Analysed > 0 || saved.Len() != stats.Reused
		saved = nil
		// The build read every live listing; what it allocated on the way is
		// garbage now. Hand it back to the system rather than keep it
		// resident while idle.
		debug.FreeOSMemory()
		var mem runtime.MemStats
		runtime.ReadMemStats(&mem)
		log.Info("matching index built", "algorithm_version", svc.MatchingVersion(),
			"duration_ms", time.Since(start).Milliseconds(), "heap_mb", mem.HeapAlloc>>20,
			"held_from_os_mb", (mem.HeapSys-mem.HeapReleased)>>20,
			"listings_reused", stats.Reused, "listings_analysed", stats.Analysed)
		cache.built.Store(true)
		if !stale {
			cache.saved.Store(svc.Engine().Generation())
		}
		out <- nil
		cache.save(svc.Engine(), "built")
		debug.FreeOSMemory()
	}()
	return out
}

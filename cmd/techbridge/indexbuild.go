package main

import (
	"context"
	"log/slog"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

// progressEvery spaces the "building index" log lines.
const progressEvery = time.Second

// startIndexBuild starts the matching index's build in the background and
// logs its progress at most once per progressEvery. The channel gets the
// build's error (nil once the index is ready) and is then closed.
func startIndexBuild(ctx context.Context, svc *transfer.Service, log *slog.Logger) <-chan error {
	start := time.Now()
	last := start
	log.Info("building index")
	done := svc.StartMatchIndexBuild(ctx, func(read, analysed int) {
		if time.Since(last) < progressEvery {
			return
		}
		last = time.Now()
		log.Info("building index", "listings_read", read, "listings_analysed", analysed,
			"elapsed_ms", time.Since(start).Milliseconds())
	})
	out := make(chan error, 1)
	go func() {
		defer close(out)
		if err := <-done; err != nil {
			out <- err
			return
		}
		// The build read every live listing; what it allocated on the way is
		// garbage now. Hand it back to the system rather than keep it
		// resident while idle.
		debug.FreeOSMemory()
		var mem runtime.MemStats
		runtime.ReadMemStats(&mem)
		log.Info("matching index built", "algorithm_version", svc.MatchingVersion(),
			"duration_ms", time.Since(start).Milliseconds(), "heap_mb", mem.HeapAlloc>>20,
			"held_from_os_mb", (mem.HeapSys-mem.HeapReleased)>>20)
		out <- nil
	}()
	return out
}

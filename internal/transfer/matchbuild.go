package transfer

import (
	"context"
	"time"
)

// StartMatchIndexBuild builds the matching index in the background, so that
// the API can listen meanwhile. Until the build ends, Ready, SuggestMatches
// and CreateMatch answer ErrUnavailable ("building index"): an empty or
// half-built index would rank nothing, or freeze a wrong score. progress,
// when not nil, gets the number of listings read and analysed after each
// batch. The build's error, nil on success, is sent on the channel, which
// is closed after.
func (s *Service) StartMatchIndexBuild(ctx context.Context, progress func(read, analysed int)) <-chan error {
	return s.StartMatchIndexBuildWith(ctx, IndexBuild{Progress: progress})
}

// StartMatchIndexBuildWith is StartMatchIndexBuild with saved analyses
// and build statistics (IndexBuild).
func (s *Service) StartMatchIndexBuildWith(ctx context.Context, opts IndexBuild) <-chan error {
	s.matches.building.Store(true)
	done := make(chan error, 1)
	go func() {
		defer close(done)
		err := s.buildMatchIndex(ctx, opts)
		if err == nil {
			s.matches.building.Store(false)
		}
		done <- err
	}()
	return done
}

// ErrBuildingIndex is what Ready and the matching use cases answer while
// the first build of the matching index runs: an expected state of a
// starting process, not a fault (the request log keeps it at INFO).
var ErrBuildingIndex error = &Error{Kind: ErrUnavailable, Message: "building index", RetryAfter: 2 * time.Second}

// matchIndexReady is ErrBuildingIndex while the first build of the
// matching index runs.
func (s *Service) matchIndexReady() error {
	if s.matches.building.Load() {
		return ErrBuildingIndex
	}
	return nil
}

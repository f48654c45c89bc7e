package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

// expireListings moves listings past their expires_at or deadline to expired,
// and forgets idempotency keys past their lifetime, at start and then every
// interval, so that no cron outside the binary is needed. Every API process
// runs it; the store moves each listing once.
func expireListings(ctx context.Context, svc *transfer.Service, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := svc.ExpireListings(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("expire listings", "error", err.Error())
		case n > 0:
			log.Info("listings expired", "count", n)
		}
		if _, err := svc.PurgeIdempotencyKeys(ctx); err != nil && ctx.Err() == nil {
			log.Warn("purge idempotency keys", "error", err.Error())
		}
		if n, err := svc.NotifyExpiring(ctx); err != nil && ctx.Err() == nil {
			log.Warn("announce expiring listings", "error", err.Error())
		} else if n > 0 {
			log.Info("expiring listings announced", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// syncMatchIndex reads listings that other processes changed into this
// process's matching index, every interval: the index trails the database
// by at most about that long.
func syncMatchIndex(ctx context.Context, svc *transfer.Service, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := svc.SyncMatchIndex(ctx); err != nil && ctx.Err() == nil {
			log.Warn("sync matching index", "error", err.Error())
		}
	}
}

// deliverWebhooks sends due webhook deliveries: at once when this process
// queued some, and every interval for retries and other processes' events.
func deliverWebhooks(ctx context.Context, svc *transfer.Service, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-svc.WebhookWake():
		}
		for ctx.Err() == nil {
			n, err := svc.DeliverWebhooks(ctx)
			if err != nil && ctx.Err() == nil {
				log.Warn("deliver webhooks", "error", err.Error())
			}
			if n == 0 || err != nil {
				break
			}
		}
	}
}

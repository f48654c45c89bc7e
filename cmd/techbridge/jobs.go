package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

// The background jobs every API process runs, so that no cron outside the
// binary is needed. Each is safe to run in several processes at once.

// repeat runs job at once and then every interval (or when wake fires),
// until ctx ends; a failure is logged and the next round tries again.
func repeat(ctx context.Context, log *slog.Logger, name string, every time.Duration, wake <-chan struct{}, job func(context.Context) (int, error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := job(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn(name, "error", err.Error())
		case n > 0:
			log.Info(name, "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
		}
	}
}

// startJobs starts the jobs: expiry and its announcements, the idempotency
// key purge, the matching index sync (other processes' changes within about
// a second), the token revocation reload (likewise), the login attempt purge
// and webhook delivery (at once when this process queued some).
func startJobs(ctx context.Context, svc *transfer.Service, log *slog.Logger) {
	go repeat(ctx, log, "expire listings", 30*time.Second, nil, svc.ExpireListings)
	go repeat(ctx, log, "announce expiring listings", 30*time.Second, nil, svc.NotifyExpiring)
	go repeat(ctx, log, "purge idempotency keys", time.Hour, nil, func(ctx context.Context) (int, error) {
		n, err := svc.PurgeIdempotencyKeys(ctx)
		return int(n), err
	})
	go repeat(ctx, log, "sync matching index", time.Second, nil, svc.SyncMatchIndex)
	go repeat(ctx, log, "sync lexicon", time.Second, nil, svc.SyncLexicon)
	go repeat(ctx, log, "reload token revocations", 500*time.Millisecond, nil, func(ctx context.Context) (int, error) {
		_, err := svc.RefreshRevocations(ctx)
		return 0, err // the count is the table's size, not news
	})
	go repeat(ctx, log, "purge login attempts", 10*time.Minute, nil, svc.PurgeAttempts)
	go repeat(ctx, log, "sync saved searches", time.Second, nil, svc.SyncAlertIndex)
	go repeat(ctx, log, "assemble mail digests", time.Minute, nil, svc.SendDigests)
	go repeat(ctx, log, "deliver mail", 5*time.Second, svc.MailWake(), func(ctx context.Context) (int, error) {
		total := 0
		for ctx.Err() == nil {
			n, err := svc.DeliverMail(ctx)
			total += n
			if n == 0 || err != nil {
				return total, err
			}
		}
		return total, nil
	})
	go repeat(ctx, log, "deliver webhooks", time.Second, svc.WebhookWake(), func(ctx context.Context) (int, error) {
		total := 0
		for ctx.Err() == nil {
			n, err := svc.DeliverWebhooks(ctx)
			total += n
			if n == 0 || err != nil {
				return total, err
			}
		}
		return total, nil
	})
}

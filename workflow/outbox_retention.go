package workflow

import (
	"context"
	"log/slog"
	"time"
)

// Retention of the outbox (issue 18). Sent deliveries are kept for
// Config.OutboxRetention (default 30 days, judged against the service's
// clock) for the admins' listing, then deleted in batches, and the events
// they carried once no delivery of the event remains. Pending, failing and
// dead deliveries stay until they are sent.

const (
	// DefaultOutboxRetention is how long sent deliveries are kept when
	// Config.OutboxRetention is 0.
	DefaultOutboxRetention = 30 * 24 * time.Hour
	// outboxPurgeBatch is how many deliveries one transaction deletes.
	outboxPurgeBatch = 500
	// outboxPurgeEvery is how often the relay purges.
	outboxPurgeEvery = time.Hour
)

// outboxRetention is the configured retention or its default.
func (s *Service) outboxRetention() time.Duration {
	if s.cfg.OutboxRetention > 0 {
		return s.cfg.OutboxRetention
	}
	return DefaultOutboxRetention
}

// PurgeOutbox deletes the deliveries sent more than the retention before
// now, in batches, with their events once no delivery of them remains. It
// runs on one instance at a time (the cluster-wide lock "outbox-purge"):
// on the others it returns 0 and false at once. It returns how many
// deliveries went and whether it ran.
func (s *Service) PurgeOutbox(ctx context.Context) (int, bool, error) {
	release, ok, err := s.db.TryLock(ctx, "outbox-purge")
	if err != nil || !ok {
		return 0, false, err
	}
	defer release()
	total := 0
	for {
		now := s.now()
		n, err := s.db.PurgeSentDeliveries(ctx, now, now.Add(-s.outboxRetention()), outboxPurgeBatch)
		total += n
		if err != nil {
			return total, true, err
		}
		if n < outboxPurgeBatch || ctx.Err() != nil {
			return total, true, ctx.Err()
		}
	}
}

// runOutboxPurge purges the outbox at start and then each interval until
// ctx ends (started by RelayOutbox).
func (s *Service) runOutboxPurge(ctx context.Context, every time.Duration) {
	tick(ctx, every, true, func() {
		n, _, err := s.PurgeOutbox(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("outbox purge", slog.Any("err", err))
		}
		if n > 0 {
			s.log.Info("outbox purged", slog.Int("deliveries", n))
		}
	})
}

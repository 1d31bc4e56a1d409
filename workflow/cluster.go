package workflow

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// queueCallChannel is the PostgreSQL notification channel of queue calls:
// "ID JSON", ID being the call's outbox id.
const queueCallChannel = "motcua_queue_call"

// WatchQueueCalls calls fn with every queue call (outbox id and JSON) made
// on any instance sharing this database, until ctx ends, so that each
// instance can feed its own counter displays; fn may see a call twice and
// should drop repeated ids. On PostgreSQL the calls arrive by LISTEN/NOTIFY
// at commit (in commit order, without polling); after a reconnection (a
// failover) the calls queued meanwhile are read back from the outbox. On
// SQLite the outbox is polled every poll.
func (s *Service) WatchQueueCalls(ctx context.Context, poll time.Duration, fn func(id int64, payload []byte)) {
	last, err := s.db.LastOutboxID(ctx)
	if err != nil && ctx.Err() == nil {
		s.log.Warn("queue relay", slog.Any("err", err))
	}
	catchUp := func() {
		evs, err := s.db.OutboxAfter(ctx, []string{TopicQueueCall}, last, 500)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("queue relay", slog.Any("err", err))
			}
			return
		}
		for _, e := range evs {
			last = max(last, e.ID)
			fn(e.ID, []byte(e.Payload))
		}
	}
	if s.db.CanListen() {
		s.db.Listen(ctx, queueCallChannel, catchUp, func(msg string) {
			idText, payload, ok := strings.Cut(msg, " ")
			id, err := strconv.ParseInt(idText, 10, 64)
			if !ok || err != nil {
				return
			}
			last = max(last, id)
			fn(id, []byte(payload))
		})
		return
	}
	if poll <= 0 {
		poll = 500 * time.Millisecond
	}
	tick(ctx, poll, false, catchUp)
}

// tick calls round at start (when atStart is set) and then each time every
// has passed, until ctx ends; a round in progress is never interrupted.
func tick(ctx context.Context, every time.Duration, atStart bool, round func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	if atStart {
		round()
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		round()
	}
}

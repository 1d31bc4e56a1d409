package workflow

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"motcua/dossier"
	"motcua/store"
)

// The reliable outbox (issue 18 item 1). Every message to the outside
// world — an applicant's e-mail or SMS, the national portal, the
// document-management systems — is an event written in the transaction
// of the change it reports (store.Tx.Outbox), fanned out in that same
// transaction to one delivery per destination that wants it (the
// Destination's Route). The relay (RelayOutbox, run by every instance)
// claims due deliveries with a lease, hands each to its destination and
// marks it sent; a failed attempt is retried after an exponential
// back-off with jitter, and after MaxAttempts the delivery is dead
// (listed for the admins, who may retry it). Delivery is at least once:
// a crash between the destination's acceptance and the mark, or a lease
// that runs out during a slow attempt, sends it again with the same
// idempotency key, which the receiver uses to drop the copy.

type (
	// Delivery is one message on its way to one destination.
	Delivery = store.Delivery
	// DeliveryFilter selects deliveries for the admins.
	DeliveryFilter = store.DeliveryFilter
	// DeliveryCount counts a destination's deliveries per state.
	DeliveryCount = store.DeliveryCount
)

// Destination receives outbox messages. Deliver returns nil once the
// receiver has accepted the message (or when the message is nothing for
// it); an error wrapped by Permanent is not retried.
type Destination interface {
	Deliver(ctx context.Context, m Delivery) error
}

// DestinationFunc adapts a function to Destination.
type DestinationFunc func(ctx context.Context, m Delivery) error

// Deliver calls f.
func (f DestinationFunc) Deliver(ctx context.Context, m Delivery) error { return f(ctx, m) }

// Route decides which events go to a destination: ok, and the order key
// (a dossier's code when its messages must arrive in order; "" when the
// order does not matter).
type Route func(topic string, payload []byte) (key string, ok bool)

// DestinationOptions tune the retries of one destination.
type DestinationOptions struct {
	MaxAttempts int           // attempts before the delivery is dead; default 8
	BaseDelay   time.Duration // back-off after the first failure; default 10 s
	MaxDelay    time.Duration // back-off ceiling; default 1 h
	Timeout     time.Duration // one attempt; default 15 s (the lease is 4× this)
	Concurrency int           // deliveries in flight at once; default 4
}

type destination struct {
	name  string
	dest  Destination
	route Route
	opts  DestinationOptions
}

// outbox is the set of destinations of a Service.
type outbox struct {
	mu    sync.RWMutex
	dests []*destination
}

// permanentError marks a failure no retry will cure.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that the delivery is set dead at once.
func Permanent(err error) error { return permanentError{err} }

// Permanent marks the error as not worth retrying.
func (permanentError) Permanent() bool { return true }

// isPermanent reports an error (anywhere in its chain) with a Permanent()
// method answering true: Permanent's, or an adapter's own.
func isPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// AddDestination registers a destination of the outbox under name (stored
// with each delivery: keep it stable). Events that route accepts, written
// from now on, get a delivery to it. Every instance sharing a database
// should register the same destinations.
func (s *Service) AddDestination(name string, d Destination, route Route, opts DestinationOptions) {
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 8
	}
	if opts.BaseDelay <= 0 {
		opts.BaseDelay = 10 * time.Second
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = time.Hour
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 15 * time.Second
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	s.out.mu.Lock()
	s.out.dests = append(s.out.dests, &destination{name: name, dest: d, route: route, opts: opts})
	s.out.mu.Unlock()
	s.db.SetOutboxRouter(s.routeEvent)
}

// routeEvent is the store's router: the destinations of one event.
func (s *Service) routeEvent(topic string, payload []byte) []store.OutboxRoute {
	s.out.mu.RLock()
	defer s.out.mu.RUnlock()
	var rs []store.OutboxRoute
	for _, d := range s.out.dests {
		if key, ok := d.route(topic, payload); ok {
			rs = append(rs, store.OutboxRoute{Destination: d.name, Key: key})
		}
	}
	return rs
}

func (s *Service) destinations() ([]string, map[string]*destination) {
	s.out.mu.RLock()
	defer s.out.mu.RUnlock()
	names := make([]string, 0, len(s.out.dests))
	m := make(map[string]*destination, len(s.out.dests))
	for _, d := range s.out.dests {
		names = append(names, d.name)
		m[d.name] = d
	}
	return names, m
}

// Backoff is the wait after the attempt-th failed attempt (1-based):
// base·2^(attempt-1), at most max, with "equal jitter" (a uniformly drawn
// half of it added to the other half) so that messages failing together
// do not come back together.
func Backoff(attempt int, base, max time.Duration, rnd func(n int64) int64) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + time.Duration(rnd(int64(half)+1))
}

// DeliverDue runs one round of the relay: it claims up to limit due
// deliveries of the registered destinations (those named in only, when
// given) and delivers them, several destinations side by side, each
// destination's in claim order. It returns how many were accepted.
func (s *Service) DeliverDue(ctx context.Context, limit int, only ...string) (int, error) {
	names, dests := s.destinations()
	if len(only) > 0 {
		names = only
	}
	if len(names) == 0 {
		return 0, nil
	}
	var lease time.Duration
	for _, n := range names {
		if d := dests[n]; d != nil && 4*d.opts.Timeout > lease {
			lease = 4 * d.opts.Timeout
		}
	}
	now := s.now()
	ds, err := s.db.ClaimDeliveries(ctx, now, lease, names, limit)
	if err != nil || len(ds) == 0 {
		return 0, err
	}
	ctx = withHeadMemo(ctx)
	byDest := map[string][]Delivery{}
	for _, d := range ds {
		byDest[d.Destination] = append(byDest[d.Destination], d)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	// A claim holds at most one delivery per order key, so the deliveries
	// of a destination may go side by side (Concurrency of them); the
	// accepted ones are marked together.
	var ok []int64
	for name, list := range byDest {
		d := dests[name]
		if d == nil {
			continue
		}
		sem := make(chan struct{}, d.opts.Concurrency)
		for _, m := range list {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				accepted, err := s.deliverOne(ctx, d, m)
				mu.Lock()
				if accepted {
					ok = append(ok, m.ID)
				}
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	sent := len(ok)
	if err := s.db.MarkDeliveredAll(ctx, ok, s.now()); err != nil {
		errs, sent = append(errs, err), 0
	}
	return sent, errors.Join(errs...)
}

// deliverOne hands m to its destination; it records a failure and reports
// an acceptance (marked by the caller). The error returned is the
// store's, not the destination's.
func (s *Service) deliverOne(ctx context.Context, d *destination, m Delivery) (bool, error) {
	actx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	derr := d.dest.Deliver(actx, m)
	cancel()
	now := s.now()
	if derr == nil {
		return true, nil
	}
	attempt := m.Attempts + 1
	dead := attempt >= d.opts.MaxAttempts || isPermanent(derr)
	next := now.Add(Backoff(attempt, d.opts.BaseDelay, d.opts.MaxDelay, rand.Int64N))
	lvl := slog.LevelWarn
	if dead {
		lvl = slog.LevelError
	}
	s.log.Log(ctx, lvl, "outbox delivery failed", slog.String("destination", d.name), slog.Int64("delivery", m.ID),
		slog.Int("attempt", attempt), slog.Bool("dead", dead), slog.Any("err", derr))
	return false, s.db.MarkFailed(ctx, m.ID, now, next, dead, derr.Error())
}

// RelayOutbox runs the relay until ctx ends: a round every poll, and at
// once again after a round that found work. Every instance may run it.
func (s *Service) RelayOutbox(ctx context.Context, poll time.Duration) {
	if poll <= 0 {
		poll = time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	go s.runOutboxPurge(ctx, outboxPurgeEvery)
	for {
		n, err := s.DeliverDue(ctx, 100)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("outbox relay", slog.Any("err", err))
		}
		if n > 0 && err == nil {
			if ctx.Err() != nil {
				return
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// OutboxView is the admins' view of the outbox.
type OutboxView struct {
	Counts     []DeliveryCount `json:"counts"`
	Items      []Delivery      `json:"items"`
	Registered []string        `json:"destinations"`
}

// Outbox lists deliveries (admins): by default those not sent yet —
// pending, failing and dead — newest first.
func (s *Service) Outbox(ctx context.Context, u *dossier.User, f DeliveryFilter) (*OutboxView, error) {
	if u == nil {
		return nil, unauthorized()
	}
	if err := needAdmin(u); err != nil {
		return nil, err
	}
	switch f.Status {
	case "", "pending", "failing", "sent", "dead":
	default:
		return nil, dossier.Invalid("Trạng thái không hợp lệ", dossier.FieldError{Field: "status",
			Message: "Chọn một trong: pending, failing, sent, dead"})
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 200
	}
	v := &OutboxView{}
	var err error
	if v.Counts, err = s.db.DeliveryCounts(ctx); err != nil {
		return nil, err
	}
	if v.Items, err = s.db.Deliveries(ctx, f); err != nil {
		return nil, err
	}
	for i := range v.Items {
		v.Items[i].Payload = "" // the listing shows no personal data
	}
	v.Registered, _ = s.destinations()
	if v.Counts == nil {
		v.Counts = []DeliveryCount{}
	}
	if v.Items == nil {
		v.Items = []Delivery{}
	}
	return v, nil
}

// RetryDelivery makes a dead or waiting delivery due now (admins).
func (s *Service) RetryDelivery(ctx context.Context, u *dossier.User, id int64) error {
	if u == nil {
		return unauthorized()
	}
	if err := needAdmin(u); err != nil {
		return err
	}
	ok, err := s.db.RetryDelivery(ctx, id, s.now(), u.Username)
	if err != nil {
		return err
	}
	if !ok {
		return dossier.Errorf(dossier.ENOTFOUND, "Không có tin nhắn chờ gửi với mã này")
	}
	return nil
}

// headMemo shares the dossier heads read by one relay round: the portal
// push and the applicant's message of an event each read the head of the
// same dossier, once now instead of once per destination. A round reads
// the current state of its dossiers, as each destination did.
type headMemo struct {
	mu sync.Mutex
	m  map[string]*headRead
}

type headRead struct {
	done chan struct{}
	d    *dossier.Dossier
	err  error
}

type headMemoKey struct{}

func withHeadMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, headMemoKey{}, &headMemo{m: map[string]*headRead{}})
}

// dossierHead returns the head of dossier code (store.DB.DossierHead),
// read once per relay round when ctx carries the round's memo. Each
// caller gets its own copy, which it may decorate.
func (s *Service) dossierHead(ctx context.Context, code string) (*dossier.Dossier, error) {
	memo, _ := ctx.Value(headMemoKey{}).(*headMemo)
	if memo == nil {
		return s.db.DossierHead(ctx, code)
	}
	memo.mu.Lock()
	r, ok := memo.m[code]
	if !ok {
		r = &headRead{done: make(chan struct{})}
		memo.m[code] = r
	}
	memo.mu.Unlock()
	if !ok {
		r.d, r.err = s.db.DossierHead(ctx, code)
		close(r.done)
	} else {
		select {
		case <-r.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	d := *r.d
	if r.d.Result != nil {
		res := *r.d.Result
		d.Result = &res
	}
	return &d, nil
}

package workflow

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"motcua/calendar"
)

// reportCacheMax bounds the number of periods and scopes kept; when full,
// the cache is emptied (expired or not) before the next entry is added.
const reportCacheMax = 256

// reportCache keeps what loadReport read (the aggregates, catalog,
// delegations and ratings of a period for a scope) for Config.ReportCache,
// so that a thousand users looking at the same dashboard read it once per
// few seconds instead of once each. Entries are keyed by the scope filter
// and the period, and expire by time only: a summary or breakdown may lag
// the writes by up to Config.ReportCache. Concurrent callers of the same
// key wait for the one read in flight instead of each reading.
type reportCache struct {
	mu      sync.Mutex
	entries map[string]*reportEntry
}

type reportEntry struct {
	done chan struct{} // closed when rd and err are set
	at   time.Time     // when the read began
	rd   *reportData
	err  error
}

// reportKey names a scope and a period (everything loadReport's answer
// depends on).
func reportKey(rs *reportScope, from, to calendar.Date) string {
	f := rs.filter
	var b strings.Builder
	b.WriteString(strconv.FormatBool(f.All))
	for _, s := range []string{strings.Join(f.Centers, ","), f.Center, f.Agency, f.Level, f.Procedure, from.String(), to.String()} {
		b.WriteByte('|')
		b.WriteString(strconv.Quote(s))
	}
	return b.String()
}

// loadReportCached is loadReport through the cache when Config.ReportCache
// is set. The answer is shared: callers only read it.
func (s *Service) loadReportCached(ctx context.Context, rs *reportScope, from, to calendar.Date) (*reportData, error) {
	ttl := s.cfg.ReportCache
	if ttl <= 0 {
		return s.loadReport(ctx, rs, from, to)
	}
	key, now := reportKey(rs, from, to), s.now()
	c := &s.reports
	c.mu.Lock()
	e := c.entries[key]
	if e != nil && now.Sub(e.at) >= ttl {
		select {
		case <-e.done: // expired
			e = nil
		default: // still being read: wait for it
		}
	}
	leader := e == nil
	if leader {
		if c.entries == nil || len(c.entries) >= reportCacheMax {
			c.entries = map[string]*reportEntry{}
		}
		e = &reportEntry{done: make(chan struct{}), at: now}
		c.entries[key] = e
		c.mu.Unlock()
		e.rd, e.err = s.loadReport(ctx, rs, from, to)
		if e.err != nil {
			c.mu.Lock()
			if c.entries[key] == e {
				delete(c.entries, key) // errors are not kept
			}
			c.mu.Unlock()
		}
		close(e.done)
	} else {
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if e.err != nil {
		if !leader {
			// Another caller's read failed (its context may have ended):
			// read for this one.
			return s.loadReport(ctx, rs, from, to)
		}
		return nil, e.err
	}
	rd := *e.rd
	rd.rs = rs
	return &rd, nil
}

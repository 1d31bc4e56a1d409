package workflow

import (
	"context"
	"database/sql"
	"time"

	"motcua/dossier"
	"motcua/store"
)

// afterTransition runs inside every transition's transaction (reception,
// each action, apology) after the dossier row and its history row are
// written: d is the dossier as it now is, h the history entry. Reports keep
// their per-day aggregates up to date here: the dossier's previous
// contribution (report_facts) is replaced by its current one, so the
// aggregates always equal a full recount (see RecountAggregates).
func (s *Service) afterTransition(tx *store.Tx, d *dossier.Dossier, p *dossier.Procedure, h dossier.HistoryEntry) error {
	now := s.factsOf(d)
	if d.ID == 0 {
		return nil
	}
	old, err := tx.FactsOf(d.ID)
	if err != nil {
		return err
	}
	if old == nil && now.ReceivedDay == "" {
		return nil // not received yet: nothing to count
	}
	return tx.UpdateAggregates(old, now)
}

// day returns the civil date of t in Asia/Ho_Chi_Minh.
func (s *Service) day(t time.Time) string { return t.In(s.Location()).Format("2006-01-02") }

// factsOf returns what d contributes to the reports (contract §7): a
// dossier counts once received; it is resolved when returned or refused,
// with the outcome set at that moment (judged against the original
// appointment, paused time added: dossier.MeasureDue); an open dossier
// counts past due from its measure date (dossier.ReportDue), never from an
// apology's new appointment; a returned "5 tại chỗ" dossier brings its
// verdicts.
func (s *Service) factsOf(d *dossier.Dossier) *store.Facts {
	f := &store.Facts{DossierID: d.ID, Center: d.CenterCode, Agency: d.AgencyCode, Procedure: d.ProcedureCode,
		Online: d.Channel == dossier.ChannelOnline, Multi: d.Supplements > 1}
	if d.ReceivedAt == nil {
		return f
	}
	f.ReceivedDay = s.day(*d.ReceivedAt)
	if due := dossier.ReportDue(d); due != nil {
		f.DueDay = s.day(*due)
	}
	if d.FinishedAt != nil && d.Status.Terminal() {
		f.FinishedDay = s.day(*d.FinishedAt)
		if d.Status == dossier.StatusReturned || d.Status == dossier.StatusRefused {
			f.Resolved, f.Outcome = true, d.Outcome
			secs := int64(s.CalendarFor(d.CenterCode).WorkingDuration(*d.ReceivedAt, *d.FinishedAt)/time.Second) - d.PausedSeconds
			f.ProcSeconds = max(secs, 0)
		}
		if d.Status == dossier.StatusReturned && d.Mode == dossier.ModeFiveOnSpot {
			f.FOS = true
			f.FOSAchieved = d.FiveOnSpotAchieved != nil && *d.FiveOnSpotAchieved
			f.FOSSameDay = d.ReturnedSameDay != nil && *d.ReturnedSameDay
		}
	}
	return f
}

// factsFromSource is factsOf for a row of the dossiers table read for a
// recount.
func (s *Service) factsFromSource(r store.FactSource) *store.Facts {
	d := &dossier.Dossier{ID: r.ID, CenterCode: r.Center, AgencyCode: r.Agency, ProcedureCode: r.Procedure,
		Channel: dossier.Channel(r.Channel), Status: dossier.Status(r.Status), Mode: dossier.Mode(r.Mode),
		ReceivedAt: nullTime(r.ReceivedAt), FinishedAt: nullTime(r.FinishedAt), DueAt: nullTime(r.DueAt),
		MeasureDueAt: nullTime(r.MeasureDueAt), PausedAt: nullTime(r.PausedAt), Outcome: r.Outcome,
		PausedSeconds: r.PausedSeconds, Supplements: int(r.Supplements)}
	if r.FOSAchieved.Valid {
		d.FiveOnSpotAchieved = &r.FOSAchieved.Bool
	}
	if r.ReturnedSame.Valid {
		d.ReturnedSameDay = &r.ReturnedSame.Bool
	}
	return s.factsOf(d)
}

func nullTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.UnixMilli(v.Int64).UTC()
	return &t
}

// RecountAggregates rebuilds the report aggregates from the dossiers in
// one transaction (after a restore, a calendar change, or to check them).
// Only admins, or the CLI with a nil user, may.
func (s *Service) RecountAggregates(ctx context.Context, u *dossier.User) (int, error) {
	if u != nil {
		if err := needAdmin(u); err != nil {
			return 0, err
		}
	}
	n := 0
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		n = 0
		if err := tx.ClearAggregates(); err != nil {
			return err
		}
		deltas := store.Deltas{}
		var after int64
		for {
			src, err := tx.FactSources(after, 20000)
			if err != nil {
				return err
			}
			if len(src) == 0 {
				break
			}
			facts := make([]*store.Facts, 0, len(src))
			for _, r := range src {
				after = r.ID
				f := s.factsFromSource(r)
				if f.ReceivedDay == "" {
					continue
				}
				deltas.Add(f, +1)
				facts = append(facts, f)
			}
			n += len(facts)
			if err := tx.PutFacts(facts...); err != nil {
				return err
			}
		}
		if err := tx.RecountRatings(); err != nil {
			return err
		}
		return tx.ApplyDeltas(deltas)
	})
	return n, err
}

// EnsureAggregates recounts the report aggregates once when dossiers exist
// but none are counted (a database from before migration 00002, or 00016,
// which empties them to count open dossiers against their measure date).
// Before the recount it fills in what dossiers stored before migration
// 00016 lack (backfillRuleColumns). Call it at start, after migrating. It
// reports whether it recounted.
// Instances started together recount once: the first holds a cluster-wide
// lock while it recounts, the others then find the aggregates present.
func (s *Service) EnsureAggregates(ctx context.Context) (bool, error) {
	recounted := false
	err := s.db.WithLock(ctx, "ensure-aggregates", func() error {
		missing, err := s.db.AggregatesMissing(ctx)
		if err != nil || !missing {
			return err
		}
		err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
			n, err := s.backfillRuleColumns(tx)
			if n > 0 {
				s.log.Info("rule sets and measure dates filled in", "dossiers", n)
			}
			return err
		})
		if err != nil {
			return err
		}
		_, err = s.RecountAggregates(ctx, nil)
		recounted = err == nil
		return err
	})
	return recounted, err
}

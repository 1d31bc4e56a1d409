package workflow

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// The rule sets (dossier.RuleSets) and the province's schedule of them
// (dossier.Schedule, table rule_set_schedule): which set a dossier
// received on a given day is judged and printed by. The schedule is read
// in the transaction that receives or accepts a dossier, so that every
// instance follows the schedule in force.

// RuleSetsView is the answer of GET /api/v1/rule-sets: the rule sets motcua
// knows and the province's schedule, with the set in force today.
type RuleSetsView struct {
	RuleSets []dossier.RuleSet `json:"rule_sets"`
	Schedule dossier.Schedule  `json:"schedule"`
	Today    dossier.RuleSetID `json:"in_force_today"`
	// Unconfirmed lists the periods the province has not confirmed (the
	// defaults of the migration, or entries marked so).
	Unconfirmed []string `json:"unconfirmed,omitempty"`
}

// ruleSetAt returns the rule set in force at t under schedule s.
func (s *Service) ruleSetAt(sched dossier.Schedule, t time.Time) *dossier.RuleSet {
	return sched.At(t, s.Location())
}

// FormSetAt returns the form set in force at instant t (the ledger of a
// period prints with the forms of its first day).
func (s *Service) FormSetAt(ctx context.Context, t time.Time) (string, error) {
	sched, err := s.db.RuleSetSchedule(ctx)
	if err != nil {
		return "", err
	}
	return s.ruleSetAt(sched, t).FormSet, nil
}

// RuleSets returns the rule sets and the schedule. Officers, supervisors
// and admins may read it.
func (s *Service) RuleSets(ctx context.Context, u *dossier.User) (*RuleSetsView, error) {
	if u == nil {
		return nil, unauthorized()
	}
	if !u.IsOfficer() && !u.HasAny(dossier.RoleSupervisor, dossier.RoleAdmin) {
		return nil, forbidden("Chỉ cán bộ được xem bộ quy định áp dụng")
	}
	sched, err := s.db.RuleSetSchedule(ctx)
	if err != nil {
		return nil, err
	}
	v := &RuleSetsView{RuleSets: dossier.RuleSets, Schedule: sched, Today: s.ruleSetAt(sched, s.now()).ID}
	if v.Schedule == nil {
		v.Schedule = dossier.Schedule{}
	}
	for _, p := range sched {
		if !p.Confirmed {
			v.Unconfirmed = append(v.Unconfirmed, p.From)
		}
	}
	return v, nil
}

// SetRuleSetSchedule replaces the province's schedule (admins). Dossiers
// already received keep their rule set: the schedule decides only for
// dossiers received or accepted from now on.
func (s *Service) SetRuleSetSchedule(ctx context.Context, u *dossier.User, sched dossier.Schedule) (*RuleSetsView, error) {
	if u == nil {
		return nil, unauthorized()
	}
	if err := needAdmin(u); err != nil {
		return nil, err
	}
	for i := range sched {
		sched[i].From = strings.TrimSpace(sched[i].From)
		sched[i].Basis = vntext.NFC(strings.TrimSpace(sched[i].Basis))
	}
	if err := sched.Validate(); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if err := tx.ReplaceRuleSetSchedule(sched, u.Username); err != nil {
			return err
		}
		js, _ := json.Marshal(sched)
		return tx.Audit(u.Username, "update", "rule_set_schedule", "", string(js))
	})
	if err != nil {
		return nil, err
	}
	return s.RuleSets(ctx, u)
}

// backfillRuleColumns fills in what dossiers stored before migration 00016
// lack: the rule set of their receipt (from the schedule, or the era of
// the form set they were printed with when the schedule disagrees), the
// measure date, and a returned "5 tại chỗ" dossier's verdicts. It runs in
// tx before a recount of the aggregates (EnsureAggregates) and returns how
// many dossiers it completed.
func (s *Service) backfillRuleColumns(tx *store.Tx) (int, error) {
	sched, err := tx.RuleSetSchedule()
	if err != nil {
		return 0, err
	}
	n := 0
	var after int64
	for {
		ds, err := tx.DossiersToBackfill(after, 5000)
		if err != nil {
			return n, err
		}
		if len(ds) == 0 {
			return n, nil
		}
		for _, d := range ds {
			after = d.ID
			if d.RuleSet == "" {
				at := d.ReceivedAt
				if at == nil {
					at = d.SubmittedAt
				}
				rs := dossier.RuleSetOf(d)
				if at != nil {
					if x := s.ruleSetAt(sched, *at); x.FormSet == d.FormSet || d.FormSet == "" {
						rs = x
					}
				}
				d.RuleSet = rs.ID
			}
			cal := s.CalendarFor(d.CenterCode)
			if d.ReceivedAt != nil && d.MeasureDueAt == nil {
				d.MeasureDueAt = dossier.MeasureDue(d, cal)
			}
			if d.Status == dossier.StatusReturned && d.Mode == dossier.ModeFiveOnSpot && d.FiveOnSpotAchieved == nil {
				achieved, sameDay := dossier.FiveOnSpotAchieved(d), dossier.ReturnedSameDay(d, cal)
				d.FiveOnSpotAchieved, d.ReturnedSameDay = &achieved, &sameDay
			}
			if err := tx.SetBackfill(d); err != nil {
				return n, err
			}
			n++
		}
	}
}

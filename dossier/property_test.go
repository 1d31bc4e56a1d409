package dossier

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"motcua/calendar"
)

// TestRandomWalks walks random action sequences through Decide and Apply —
// random actors (every role, an appraiser away from the center, a deputy
// without delegation), random requests, random delays, both calendars —
// and checks the invariants of contract §4 after every step:
//   - a refused action changes nothing;
//   - the history is consistent with the status: it starts from no dossier,
//     each row leaves from the status the previous one reached, the last
//     reaches the current status, its instants never go back;
//   - exactly one terminal state is reached, as the last row, and nothing is
//     allowed after it;
//   - once the clock runs, no due date is earlier than the receipt, the
//     original appointment never moves, and a dossier is paused exactly
//     while it waits for the applicant;
//   - finished ⇔ terminal; judged (early/on time/late) ⇔ returned or
//     refused after receipt.
func TestRandomWalks(t *testing.T) {
	away := &User{ID: 20, Name: "Đinh Văn Xa", Roles: []Role{RoleAppraiser}, AgencyCode: agency, Centers: []string{"C2"}}
	deputy := &User{ID: 8, Name: "Vũ Văn Phó", Roles: []Role{RoleApprover}, AgencyCode: agency, Position: "Phó Giám đốc"}
	actors := []*User{away, deputy}
	for _, r := range Roles {
		actors = append(actors, cast[r])
	}
	terminalSeen := map[Status]int{}
	for seed := uint64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 299))
		cal := national
		if rng.IntN(2) == 0 {
			cal = saturdays
		}
		d := dossierIn(StatusNone)
		if rng.IntN(2) == 0 {
			d.Mode = ModeFiveOnSpot
		}
		now := received.Add(time.Duration(rng.IntN(72)) * time.Hour)
		step := func(who *User, a Action, complete bool) error {
			req := request(rng, d, a, now, cal)
			if complete {
				req = full(a, d.Version)
			}
			f := Facts{Now: now, Procedure: procedure(), Calendar: cal}
			if rng.IntN(3) == 0 {
				f.Assignee = actors[rng.IntN(len(actors))]
			}
			before := snapshot(d)
			dec, err := Decide(d, who, req, f)
			if !reflect.DeepEqual(before, snapshot(d)) {
				t.Fatalf("seed %d: Decide(%s) changed the dossier", seed, a)
			}
			if err != nil {
				return err
			}
			original := d.OriginalDueAt
			Apply(d, dec, req, f)
			d.Version++
			if original != nil && !d.OriginalDueAt.Equal(*original) {
				t.Fatalf("seed %d: %s moved the original appointment %v → %v", seed, a, original, d.OriginalDueAt)
			}
			check(t, seed, d, cal)
			return nil
		}
		// Creation: at the counter or online.
		if rng.IntN(2) == 0 {
			if err := step(cast[RoleReception], ActReceive, true); err != nil {
				t.Fatal(err)
			}
		} else if err := step(cast[RoleCitizen], ActSubmit, true); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 150 && !d.Status.Terminal(); i++ {
			now = now.Add(time.Duration(rng.IntN(8*60)) * time.Minute)
			_ = step(actors[rng.IntN(len(actors))], pick(rng, d.Status), false)
		}
		if !d.Status.Terminal() {
			if err := step(cast[RoleReception], ActWithdraw, true); err != nil {
				t.Fatalf("seed %d: withdraw from %s: %v", seed, d.Status, err)
			}
		}
		terminalSeen[d.Status]++
		// Nothing after the terminal state.
		for _, r := range Rules {
			for _, who := range actors {
				if err := step(who, r.Action, true); err == nil {
					t.Fatalf("seed %d: %s by %s allowed after %s", seed, r.Action, who.Name, d.Status)
				}
			}
		}
		check(t, seed, d, cal)
	}
	t.Logf("walks ended %v", terminalSeen)
	// The walks reach every terminal state.
	for _, s := range []Status{StatusReturned, StatusRefused, StatusWithdrawn} {
		if terminalSeen[s] == 0 {
			t.Errorf("no walk ended %s (%v)", s, terminalSeen)
		}
	}
}

// pick chooses an action: any at all one time in four, otherwise one that
// leaves status s, the endings (refuse, withdraw) less often, so that walks
// reach every terminal state.
func pick(rng *rand.Rand, s Status) Action {
	if rng.IntN(4) == 0 {
		return Rules[rng.IntN(len(Rules))].Action
	}
	var out []Action
	for _, r := range Rules {
		if r.Leaves(s) && ((r.Action != ActRefuse && r.Action != ActWithdraw) || rng.IntN(8) == 0) {
			out = append(out, r.Action)
		}
	}
	if len(out) == 0 {
		return ActWithdraw
	}
	return out[rng.IntN(len(out))]
}

// snapshot copies what Decide must leave alone.
func snapshot(d *Dossier) Dossier {
	c := *d
	c.History = slices.Clone(d.History)
	return c
}

// request builds a request for a, complete most of the time.
func request(rng *rand.Rand, d *Dossier, a Action, now time.Time, cal *calendar.Calendar) Request {
	req := full(a, d.Version)
	if rng.IntN(2) == 0 {
		req.Recommendation = "refuse"
	}
	base := now
	if d.DueAt != nil && d.DueAt.After(base) {
		base = *d.DueAt
	}
	nd := cal.AddWorking(base, time.Duration(1+rng.IntN(20))*time.Hour)
	req.NewDueAt = &nd
	switch rng.IntN(12) {
	case 0:
		req.Reason, req.Note = "", ""
	case 1:
		req.Version--
	case 2:
		req.Components = 0
	}
	return req
}

// check asserts the invariants of a dossier after a step.
func check(t *testing.T, seed uint64, d *Dossier, cal *calendar.Calendar) {
	t.Helper()
	h := d.History
	if len(h) == 0 || h[0].From != StatusNone || h[len(h)-1].To != d.Status {
		t.Fatalf("seed %d: history %v does not lead to %s", seed, h, d.Status)
	}
	terminals, supplements, apologies, late := 0, 0, 0, false
	for i, e := range h {
		if i > 0 && (e.From != h[i-1].To || e.At.Before(h[i-1].At)) {
			t.Fatalf("seed %d: history row %d leaves %s at %v after reaching %s at %v", seed, i, e.From, e.At, h[i-1].To, h[i-1].At)
		}
		if e.To.Terminal() {
			terminals++
			if i != len(h)-1 {
				t.Fatalf("seed %d: %s after the terminal %s", seed, h[i+1].Action, e.To)
			}
		}
		if e.Action == ActRequestSupplement && e.From != StatusSubmitted {
			supplements++
			late = late || strings.Contains(e.Note, RuleSetOf(d).LateSupplementNote())
		}
		if e.Action == ActApologize {
			apologies++
		}
	}
	if terminals != 0 && terminals != 1 || (terminals == 1) != d.Status.Terminal() {
		t.Fatalf("seed %d: %d terminal rows in status %s", seed, terminals, d.Status)
	}
	if apologies > 1 || (apologies == 1) != (d.ApologyAt != nil) {
		t.Fatalf("seed %d: %d apologies, apology at %v", seed, apologies, d.ApologyAt)
	}
	if d.Supplements != supplements {
		t.Fatalf("seed %d: %d supplement requests counted, %d after receipt in history", seed, d.Supplements, supplements)
	}
	if r := d.ReceivedAt; r != nil {
		for name, due := range map[string]*time.Time{"due": d.DueAt, "original": d.OriginalDueAt, "legal": d.LegalDueAt} {
			if due == nil || due.Before(*r) {
				t.Fatalf("seed %d: %s due %v before the receipt %v", seed, name, due, r)
			}
		}
		// The measure of lateness is the original appointment plus the
		// waiting time, whatever apologies moved (regulation.md §4.5).
		if m := MeasureDue(d, cal); d.MeasureDueAt == nil || !d.MeasureDueAt.Equal(*m) {
			t.Fatalf("seed %d: measure date %v; want %v", seed, d.MeasureDueAt, m)
		}
		if d.RuleSet != RuleSetND61 || d.FormSet != "TT01/2018" {
			t.Fatalf("seed %d: received under rule set %q, forms %q", seed, d.RuleSet, d.FormSet)
		}
	} else if d.DueAt != nil || d.Outcome != "" || d.MeasureDueAt != nil {
		t.Fatalf("seed %d: a due date or an outcome without receipt", seed)
	}
	if d.LateSupplement != late {
		t.Fatalf("seed %d: late supplement flag %v; history says %v", seed, d.LateSupplement, late)
	}
	if fos := d.Status == StatusReturned && d.Mode == ModeFiveOnSpot; (d.FiveOnSpotAchieved != nil) != fos || (d.ReturnedSameDay != nil) != fos {
		t.Fatalf("seed %d: 5 tại chỗ verdicts %v %v in %s, mode %s", seed, d.FiveOnSpotAchieved, d.ReturnedSameDay, d.Status, d.Mode)
	}
	if (d.PausedAt != nil) != (d.Status == StatusSupplementRequested && d.ReceivedAt != nil) {
		t.Fatalf("seed %d: paused %v in %s", seed, d.PausedAt, d.Status)
	}
	if (d.FinishedAt != nil) != d.Status.Terminal() {
		t.Fatalf("seed %d: finished %v in %s", seed, d.FinishedAt, d.Status)
	}
	judged := (d.Status == StatusReturned || d.Status == StatusRefused) && d.ReceivedAt != nil
	if (d.Outcome != "") != judged {
		t.Fatalf("seed %d: outcome %q in %s", seed, d.Outcome, d.Status)
	}
}

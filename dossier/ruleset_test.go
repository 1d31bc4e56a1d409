package dossier

import (
	"strings"
	"testing"
	"time"
)

// bacNinh is a province's schedule as its admins enter it: Decree 61/2018
// until Decree 118/2025 took effect (01/7/2025, regulation.md Part B §0),
// then Circular 03/2025's forms from the day the province switched them.
var bacNinh = Schedule{
	{From: "2018-06-21", RuleSet: RuleSetND61, Basis: "NĐ 61/2018/NĐ-CP có hiệu lực 21/6/2018", Confirmed: true},
	{From: "2025-07-01", RuleSet: RuleSetND118TT01, Basis: "NĐ 118/2025/NĐ-CP có hiệu lực 01/7/2025", Confirmed: true},
	{From: "2025-11-03", RuleSet: RuleSetND118, Basis: "Công văn của UBND tỉnh áp dụng biểu mẫu TT 03/2025", Confirmed: true},
}

// TestScheduleOn: the rule set in force on a day is the period that starts
// last on or before it; the switch dates are the province's data, so two
// provinces with different dates judge the same day differently
// (regulation.md Part B §0: "a dossier keeps the rules that applied when it
// was received").
func TestScheduleOn(t *testing.T) {
	other := Schedule{
		{From: "2025-12-01", RuleSet: RuleSetND118, Basis: "tỉnh khác"},
		{From: "2018-06-21", RuleSet: RuleSetND61, Basis: "NĐ 61/2018"}, // order of entry does not matter
	}
	for _, c := range []struct {
		s    Schedule
		day  string
		want RuleSetID
	}{
		{bacNinh, "2017-01-05", RuleSetND61}, // before the first period: the oldest configured
		{bacNinh, "2018-06-21", RuleSetND61},
		{bacNinh, "2025-06-30", RuleSetND61},
		{bacNinh, "2025-07-01", RuleSetND118TT01}, // NĐ 118/2025 in force, TT 01/2018 forms
		{bacNinh, "2025-11-02", RuleSetND118TT01},
		{bacNinh, "2025-11-03", RuleSetND118}, // the province's own switch to TT 03/2025
		{bacNinh, "2026-11-26", RuleSetND118},
		{other, "2025-11-03", RuleSetND61}, // the other province had not switched yet
		{other, "2025-12-01", RuleSetND118},
		{nil, "2026-01-01", RuleSetND118}, // no schedule: the newest set
	} {
		if got := c.s.On(c.day).ID; got != c.want {
			t.Errorf("On(%s) = %s; want %s", c.day, got, c.want)
		}
	}
	// At reads the day in the province's time zone: 23:30 UTC on 2/11 is
	// already 3/11 in Vietnam.
	if got := bacNinh.At(time.Date(2025, 11, 2, 23, 30, 0, 0, time.UTC), ict).ID; got != RuleSetND118 {
		t.Errorf("At(2/11 23:30 UTC) = %s; want %s (3/11 in ICT)", got, RuleSetND118)
	}
}

// TestScheduleValidate: a schedule is checked before it is stored.
func TestScheduleValidate(t *testing.T) {
	if err := bacNinh.Validate(); err != nil {
		t.Fatalf("valid schedule: %v", err)
	}
	for _, c := range []struct {
		name  string
		s     Schedule
		field string
	}{
		{"empty", Schedule{}, "periods"},
		{"not a day", Schedule{{From: "2025-02-30", RuleSet: RuleSetND61}}, "periods[0].from"},
		{"not padded", Schedule{{From: "2025-7-1", RuleSet: RuleSetND61}}, "periods[0].from"},
		{"unknown set", Schedule{{From: "2025-07-01", RuleSet: "ND999"}}, "periods[0].rule_set"},
		{"a day twice", Schedule{{From: "2025-07-01", RuleSet: RuleSetND61}, {From: "2025-07-01", RuleSet: RuleSetND118}}, "periods[1].from"},
		{"back to an older set", Schedule{{From: "2025-07-01", RuleSet: RuleSetND118}, {From: "2026-01-01", RuleSet: RuleSetND61}}, "periods"},
		{"basis too long", Schedule{{From: "2025-07-01", RuleSet: RuleSetND61, Basis: strings.Repeat("x", 501)}}, "periods[0].basis"},
	} {
		err := c.s.Validate()
		if ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v; want EINVALID", c.name, err)
			continue
		}
		found := false
		for _, f := range err.(*Error).Fields {
			found = found || f.Field == c.field
		}
		if !found {
			t.Errorf("%s: fields %+v; want one on %s", c.name, err.(*Error).Fields, c.field)
		}
	}
}

// TestRuleSetsDiffer: what the 2025 legal base changes, set by set
// (regulation.md Part B §0, §1): the forms (TT 01/2018 numbers 01–06, TT
// 03/2025 numbers 01–07 with the new stop notice), the apology form's
// title, the stop notice (NĐ 118/2025 Điều 21; TT 03/2025 Điều 7) and the
// articles cited.
func TestRuleSetsDiffer(t *testing.T) {
	for _, c := range []struct {
		id       RuleSetID
		formSet  string
		stop     bool
		apology  string
		withdraw string // BasisOf(withdraw) contains
		receive  string // BasisOf(receive) contains
		assign   string // BasisOf(assign) contains
	}{
		{RuleSetND61, "TT01/2018", false, "Phiếu xin lỗi và hẹn lại ngày trả kết quả", "Hợp đồng §4", "NĐ 61/2018 Điều 18", "NĐ 61/2018 Điều 18.2"},
		{RuleSetND118TT01, "TT01/2018", false, "Phiếu xin lỗi và hẹn lại ngày trả kết quả", "NĐ 118/2025 Điều 21", "NĐ 118/2025 Điều 17.1c; TT 01/2018 Mẫu 01", "quy định tương ứng của NĐ 118/2025"},
		{RuleSetND118, "TT03/2025", true, "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết", "TT 03/2025 Điều 7, Mẫu 05", "TT 03/2025 Điều 5, Mẫu 01", "quy định tương ứng của NĐ 118/2025"},
	} {
		rs, ok := RuleSetByID(c.id)
		if !ok {
			t.Fatalf("no rule set %s", c.id)
		}
		if rs.FormSet != c.formSet || rs.StopNotice != c.stop || rs.ApologyTitle != c.apology {
			t.Errorf("%s: forms %s stop %v apology %q; want %s %v %q", c.id, rs.FormSet, rs.StopNotice, rs.ApologyTitle, c.formSet, c.stop, c.apology)
		}
		for a, want := range map[Action]string{ActWithdraw: c.withdraw, ActReceive: c.receive, ActAssign: c.assign} {
			if got := rs.BasisOf(a); !strings.Contains(got, want) {
				t.Errorf("%s: basis of %s = %q; want it to cite %q", c.id, a, got, want)
			}
		}
		if rs.SupplementWindowDays != 3 || rs.ApologyLeadDays != 1 || !rs.SupplementRestarts {
			t.Errorf("%s: time rules %d/%d/%v; the sources give 3 working days, 1 working day, restart", c.id,
				rs.SupplementWindowDays, rs.ApologyLeadDays, rs.SupplementRestarts)
		}
		if (c.id != RuleSetND61) != (rs.Carried != "") {
			t.Errorf("%s: carried-over note %q", c.id, rs.Carried)
		}
	}
	if _, ok := RuleSetByID("ND999"); ok {
		t.Errorf("an unknown rule set was found")
	}
	if (&RuleSets[0]).BasisOf("nope") != "" {
		t.Errorf("an unknown action has a basis")
	}
}

// TestReceivedUnderTheRuleSetInForce: a dossier is judged and printed by the
// rule set in force when it was received (regulation.md Part B §0): the
// creation or the acceptance records it, later actions follow it even when
// the schedule has moved on, and a dossier recorded before rule sets keeps
// the era of its form set.
func TestReceivedUnderTheRuleSetInForce(t *testing.T) {
	old, _ := RuleSetByID(RuleSetND61)
	newer, _ := RuleSetByID(RuleSetND118)
	// Received at the counter while the 2018 set was in force.
	d := dossierIn(StatusNone)
	f := facts(received)
	f.RuleSet = old
	actUnder(t, d, cast[RoleReception], full(ActReceive, d.Version), f)
	if d.RuleSet != RuleSetND61 || d.FormSet != "TT01/2018" {
		t.Fatalf("received under %q with forms %q; want %s, TT01/2018", d.RuleSet, d.FormSet, RuleSetND61)
	}
	// The schedule has moved on: a later action still follows the 2018 set.
	f = facts(received.Add(time.Hour))
	f.RuleSet = newer
	dec := actUnder(t, d, cast[RoleReception], full(ActWithdraw, d.Version), f)
	if dec.RuleSet.ID != RuleSetND61 || dec.StopNotice {
		t.Errorf("withdraw followed %s (stop notice %v); want %s, none (TT 01/2018 has no stop notice)", dec.RuleSet.ID, dec.StopNotice, RuleSetND61)
	}
	if d.RuleSet != RuleSetND61 || d.FormSet != "TT01/2018" {
		t.Errorf("after withdrawal: %q %q", d.RuleSet, d.FormSet)
	}
	// Online: submitted under one set, accepted under the next; the
	// acceptance (the receipt) decides.
	o := dossierIn(StatusNone)
	f = facts(received)
	f.RuleSet = old
	actUnder(t, o, cast[RoleCitizen], full(ActSubmit, o.Version), f)
	if o.RuleSet != RuleSetND61 || o.FormSet != "TT01/2018" {
		t.Errorf("submitted under %q with forms %q; want %s, TT01/2018", o.RuleSet, o.FormSet, RuleSetND61)
	}
	f = facts(received.Add(24 * time.Hour))
	f.RuleSet = newer
	actUnder(t, o, cast[RoleReception], full(ActAccept, o.Version), f)
	if o.RuleSet != RuleSetND118 || o.FormSet != "TT03/2025" {
		t.Errorf("accepted under %q with forms %q; want %s, TT03/2025", o.RuleSet, o.FormSet, RuleSetND118)
	}
	// Recorded before rule sets: the form set tells the era.
	for fs, want := range map[string]RuleSetID{"TT03/2025": RuleSetND118, "TT01/2018": RuleSetND61, "": RuleSetND61} {
		if got := RuleSetOf(&Dossier{FormSet: fs}).ID; got != want {
			t.Errorf("RuleSetOf(form set %q) = %s; want %s", fs, got, want)
		}
	}
}

// TestRuleSetTimeRules: the time rules are the rule set's data. A set with
// a 2-day supplement window and a 2-day apology lead (a hypothetical amended
// decree) judges the same requests differently from NĐ 61/2018 (Điều 19.4:
// 3 working days; Điều 19.9: 1 working day), and the history and the error
// cite the set's own article.
func TestRuleSetTimeRules(t *testing.T) {
	nd61, _ := RuleSetByID(RuleSetND61)
	tight := *nd61
	tight.ID, tight.SupplementWindowDays, tight.SupplementBasis = "TEST", 2, "Điều thử 2"
	tight.ApologyLeadDays, tight.ApologyBasis = 2, "Điều thử 9"
	// Received Thu 26/11/2026, due Tue 1/12 17:00.
	for _, c := range []struct {
		name string
		rs   *RuleSet
		now  time.Time
		late bool
	}{
		{"NĐ 61/2018: Tue 1/12 is the 3rd working day", nd61, at(2026, 12, 1, 9, 0), false},
		{"2-day window: Tue 1/12 is late", &tight, at(2026, 12, 1, 9, 0), true},
		{"2-day window: Mon 30/11 is in time", &tight, at(2026, 11, 30, 16, 0), false},
	} {
		d := dossierIn(StatusAppraising)
		d.RuleSet = c.rs.ID
		if got := SupplementRequestLate(d, c.rs, procedure(), national, c.now); got != c.late {
			t.Errorf("%s: late %v; want %v", c.name, got, c.late)
		}
	}
	if note := tight.LateSupplementNote(); !strings.Contains(note, "quá 02 ngày làm việc") || !strings.Contains(note, "Điều thử 2") {
		t.Errorf("note %q", note)
	}
	if note := nd61.LateSupplementNote(); note != "[Yêu cầu bổ sung quá 03 ngày làm việc kể từ ngày tiếp nhận — NĐ 61/2018 Điều 19.4]" {
		t.Errorf("NĐ 61 note %q", note)
	}
	// Apology on Fri 27/11 for a due date of Tue 1/12: one working day
	// ahead is Mon 30/11, so NĐ 61/2018 accepts; two days ahead is Fri
	// 27/11 — also accepted; Mon 30/11 is too late for the 2-day set.
	nd := at(2026, 12, 4, 17, 0)
	for _, c := range []struct {
		rs  *RuleSet
		now time.Time
		ok  bool
	}{
		{nd61, at(2026, 11, 30, 10, 0), true},
		{&tight, at(2026, 11, 27, 10, 0), true},
		{&tight, at(2026, 11, 30, 10, 0), false},
	} {
		err := CheckApology(dossierIn(StatusAppraising), c.rs, national, c.now, nd)
		if (err == nil) != c.ok {
			t.Errorf("%s at %v: %v; want ok %v", c.rs.ID, c.now, err, c.ok)
		}
		if err != nil && (!strings.Contains(err.Error(), "02 ngày làm việc") || !strings.Contains(err.Error(), "Điều thử 9")) {
			t.Errorf("message %q: want the set's lead and article", err)
		}
	}
}

// TestStopNotice: under Circular 03/2025 an applicant's request to stop a
// dossier with no decision issued yet is answered with the notice "Thông
// báo dừng giải quyết hồ sơ" (Mẫu 05; TT 03/2025 Điều 7; NĐ 118/2025 Điều
// 21.2); once the result is issued there is none; the 2018 forms have none.
func TestStopNotice(t *testing.T) {
	for _, c := range []struct {
		set  RuleSetID
		s    Status
		want bool
	}{
		{RuleSetND118, StatusSubmitted, true},
		{RuleSetND118, StatusReceived, true},
		{RuleSetND118, StatusAppraising, true},
		{RuleSetND118, StatusAwaitingApproval, true},
		{RuleSetND118, StatusSupplementRequested, true},
		{RuleSetND118, StatusApproved, true}, // signed, not yet numbered and sealed
		{RuleSetND118, StatusIssued, false},
		{RuleSetND118TT01, StatusAppraising, false},
		{RuleSetND61, StatusAppraising, false},
	} {
		d := dossierIn(c.s)
		d.RuleSet = c.set
		if got := WithdrawNeedsStopNotice(d, d.Status); got != c.want {
			t.Errorf("%s in %s: %v; want %v", c.set, c.s, got, c.want)
		}
		dec := act(t, d, cast[RoleReception], ActWithdraw, received.Add(2*time.Hour), national, nil)
		if dec.StopNotice != c.want || strings.Contains(dec.History.Note, "Thông báo dừng giải quyết hồ sơ — NĐ 118/2025 Điều 21") != c.want {
			t.Errorf("%s in %s: decision stop notice %v, note %q; want %v", c.set, c.s, dec.StopNotice, dec.History.Note, c.want)
		}
	}
	// A dossier with a result recorded has a decision issued.
	d := dossierIn(StatusApproved)
	d.RuleSet, d.Result = RuleSetND118, &Result{Number: "01/GCN-A1"}
	if WithdrawNeedsStopNotice(d, d.Status) {
		t.Errorf("a dossier with a result needs no stop notice")
	}
}

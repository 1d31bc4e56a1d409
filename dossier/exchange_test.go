package dossier

import (
	"slices"
	"testing"
	"time"

	"motcua/calendar"
)

// TestExchangeDeadlines: each inter-agency step has its own deadline
// (NĐ 61/2018 Art. 19.5: per consulted body; Art. 19.6–7: each body of a
// chain, in the order the desk sets), counted in working days on the
// center's calendar (Civil Code Art. 147–148) with the 15:00 cut-off of a
// dossier passed to another body (NĐ 61 Art. 18.2–3). December 2026:
// Mon 7 … Fri 11, Sat 12, Mon 14, Tue 15.
func TestExchangeDeadlines(t *testing.T) {
	consult := func(days int) ExchangeStep { return ExchangeStep{Agency: "B1", Kind: ExchangeConsult, Days: days} }
	chain := func(days int) ExchangeStep { return ExchangeStep{Agency: "B2", Kind: ExchangeChain, Days: days} }
	mon10 := at(2026, 12, 7, 10, 0)
	cases := []struct {
		name       string
		steps      []ExchangeStep
		sent       map[int]time.Time
		start      time.Time
		dossierDue time.Time
		cal        *calendar.Calendar
		want       []time.Time
		planned    []bool
		beyond     []bool
	}{
		{name: "Art. 19.5 consultation sent Monday 10:00, 3 working days: Thursday close",
			steps: []ExchangeStep{consult(3)}, sent: map[int]time.Time{0: mon10}, start: mon10, cal: national,
			want: []time.Time{at(2026, 12, 10, 17, 0)}, planned: []bool{false}, beyond: []bool{false}},
		{name: "Art. 18.2-3 sent after 15:00 counts from the next working day",
			steps: []ExchangeStep{consult(1)}, sent: map[int]time.Time{0: at(2026, 12, 7, 16, 0)}, start: mon10, cal: national,
			want: []time.Time{at(2026, 12, 9, 17, 0)}, planned: []bool{false}, beyond: []bool{false}},
		{name: "Art. 19.5 two consultations run side by side, each its own deadline",
			steps: []ExchangeStep{consult(2), consult(4)}, start: mon10, cal: national,
			want: []time.Time{at(2026, 12, 9, 17, 0), at(2026, 12, 11, 17, 0)}, planned: []bool{true, true}, beyond: []bool{false, false}},
		{name: "Art. 19.6-7 chain: the second body starts when the first's deadline ends",
			steps: []ExchangeStep{chain(2), chain(3)}, start: mon10, cal: national, dossierDue: at(2026, 12, 11, 17, 0),
			want: []time.Time{at(2026, 12, 9, 17, 0), at(2026, 12, 15, 17, 0)}, planned: []bool{true, true}, beyond: []bool{false, true}},
		{name: "Art. 19.6-7 chain: a step actually sent starts then, the next one follows it",
			steps: []ExchangeStep{chain(2), chain(1)}, sent: map[int]time.Time{0: at(2026, 12, 8, 9, 0)}, start: mon10, cal: national,
			want: []time.Time{at(2026, 12, 10, 17, 0), at(2026, 12, 14, 17, 0)}, planned: []bool{false, true}, beyond: []bool{false, false}},
		{name: "the center's calendar: Saturday morning is a working day there",
			steps: []ExchangeStep{consult(1)}, sent: map[int]time.Time{0: at(2026, 12, 11, 10, 0)}, start: mon10, cal: saturdays,
			want: []time.Time{at(2026, 12, 12, 11, 30)}, planned: []bool{false}, beyond: []bool{false}},
		{name: "zero days: the close of the day it is sent",
			steps: []ExchangeStep{consult(0)}, sent: map[int]time.Time{0: mon10}, start: mon10, cal: national,
			want: []time.Time{at(2026, 12, 7, 17, 0)}, planned: []bool{false}, beyond: []bool{false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ExchangeDeadlines(&ExchangePlan{Steps: c.steps}, c.sent, c.start, c.dossierDue, c.cal)
			if len(got) != len(c.want) {
				t.Fatalf("got %d deadlines, want %d", len(got), len(c.want))
			}
			for i, g := range got {
				if !g.Due.Equal(c.want[i]) || g.Planned != c.planned[i] || g.Beyond != c.beyond[i] || g.Step != i {
					t.Errorf("step %d: due %s planned %v beyond %v, want %s %v %v", i, g.Due.In(ict), g.Planned, g.Beyond,
						c.want[i], c.planned[i], c.beyond[i])
				}
			}
		})
	}
	if ExchangeDeadlines(nil, nil, mon10, time.Time{}, national) != nil {
		t.Error("a procedure without a plan has no inter-agency deadline")
	}
}

// TestSplitList: the list columns of the catalog import are ";"-separated,
// with blanks around items and empty items ignored.
func TestSplitList(t *testing.T) {
	for in, want := range map[string][]string{
		"":                        nil,
		" ; ;":                    nil,
		"A=Đơn*":                  {"A=Đơn*"},
		" A=Đơn* ;; B=Bản sao ; ": {"A=Đơn*", "B=Bản sao"},
		"NĐ 61/2018;NĐ 118/2025":  {"NĐ 61/2018", "NĐ 118/2025"},
	} {
		if got := SplitList(in); !slices.Equal(got, want) {
			t.Errorf("SplitList(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestParseExchangeSteps(t *testing.T) {
	got, err := ParseExchangeSteps("BN.STNMT:5:chain=Sở Tài nguyên và Môi trường; BN.CT:3")
	if err != nil || len(got) != 2 {
		t.Fatalf("%v %v", got, err)
	}
	if got[0] != (ExchangeStep{Agency: "BN.STNMT", Days: 5, Kind: ExchangeChain, Name: "Sở Tài nguyên và Môi trường"}) ||
		got[1] != (ExchangeStep{Agency: "BN.CT", Days: 3, Kind: ExchangeConsult}) {
		t.Errorf("parsed %+v", got)
	}
	for _, bad := range []string{"BN.CT", "BN.CT:x", "a:1:b:c"} {
		if _, err := ParseExchangeSteps(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	p := &ExchangePlan{Steps: []ExchangeStep{{Agency: "bad code!", Kind: "other", Days: -1}}}
	if fs := p.Validate(); len(fs) != 3 {
		t.Errorf("validate: %v", fs)
	}
}

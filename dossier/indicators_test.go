package dossier

import (
	"testing"
	"time"
)

// TestQD766Table: the indicator set of QĐ 766/QĐ-TTg (regulation.md Part B
// §5): five groups of 18, 20, 22, 22 and 18 points, 100 in all; every
// indicator's points fit its group exactly; what motcua cannot measure
// says why.
func TestQD766Table(t *testing.T) {
	sum := map[int]float64{}
	seen := map[string]bool{}
	measurable := 0
	for _, s := range QD766 {
		if seen[s.Code] {
			t.Errorf("indicator %s twice", s.Code)
		}
		seen[s.Code] = true
		sum[s.Group] += s.MaxPoints
		if s.Measurable {
			measurable++
		} else if s.Reason == "" {
			t.Errorf("indicator %s is not measurable without a reason", s.Code)
		}
		if s.WeightSource != WeightSecondary && s.WeightSource != WeightAssumed {
			t.Errorf("indicator %s: weight source %q", s.Code, s.WeightSource)
		}
	}
	total := 0.0
	for _, g := range QD766Groups {
		if sum[g.Group] != g.MaxPoints {
			t.Errorf("group %d: indicators carry %.0f points; the group has %.0f", g.Group, sum[g.Group], g.MaxPoints)
		}
		total += g.MaxPoints
	}
	if total != 100 || len(QD766) != 20 || measurable != 16 {
		t.Errorf("total %.0f points, %d indicators, %d measurable; want 100, 20, 16", total, len(QD766), measurable)
	}
}

// TestPoints766: full points at or above the threshold, rate × max / T
// below it (QĐ 766 general rule, regulation.md §5), two decimals.
func TestPoints766(t *testing.T) {
	spec := func(code string) IndicatorSpec {
		for _, s := range QD766 {
			if s.Code == code {
				return s
			}
		}
		t.Fatalf("no indicator %s", code)
		return IndicatorSpec{}
	}
	for _, c := range []struct {
		code string
		rate float64
		want float64
	}{
		{"2.1", 75, 15},     // 75 × 20 / 100
		{"2.1", 100, 20},    // full
		{"5.4", 95, 6},      // above 90 %: full
		{"5.4", 45, 3},      // 45 × 6 / 90
		{"3.3", 25, 2},      // 25 × 4 / 50
		{"3.3", 60, 4},      // above 50 %: full
		{"4.2", 33.33, 2.5}, // 33.33 × 6 / 80 = 2.49975
		{"2.2", 50, 0},      // reported, not scored
		{"3.6", 0, 0},       // nothing paid online
		{"1.3", 87.5, 1.75}, // 87.5 × 2 / 100
		{"4.3", -5, 0},      // never negative
	} {
		if got := Points766(c.rate, spec(c.code)); got != c.want {
			t.Errorf("Points766(%.2f, %s) = %.2f; want %.2f", c.rate, c.code, got, c.want)
		}
	}
}

// TestCatalogComplete: a procedure is published complete when the catalog
// holds its name, agency, time limit, components and result (NĐ 63/2010
// Điều 8.2).
func TestCatalogComplete(t *testing.T) {
	for _, c := range []struct {
		name string
		mod  func(*Procedure)
		want bool
	}{
		{"complete", func(*Procedure) {}, true},
		{"by hours", func(p *Procedure) { p.ProcessingDays, p.ProcessingHours = nil, three() }, true},
		{"no time limit", func(p *Procedure) { p.ProcessingDays = nil }, false},
		{"no components", func(p *Procedure) { p.Components = nil }, false},
		{"no result type", func(p *Procedure) { p.ResultTypeCode = " " }, false},
		{"no name", func(p *Procedure) { p.Name = "" }, false},
	} {
		p := procedure()
		c.mod(p)
		if got := CatalogComplete(p); got != c.want {
			t.Errorf("%s: CatalogComplete = %v", c.name, got)
		}
	}
}

// TestFeedbackTimeliness: a feedback is answered within 15 working days
// (QĐ 766 indicator 5.2); received Thu 26/11/2026, it is due at the close
// of Thu 17/12 (27/11, 30/11, 1–4/12, 7–11/12, 14–17/12).
func TestFeedbackTimeliness(t *testing.T) {
	at0 := at(2026, 11, 26, 9, 0)
	if due := FeedbackDue(national, at0); !due.Equal(at(2026, 12, 17, 17, 0)) {
		t.Fatalf("FeedbackDue = %v", due.In(ict))
	}
	tp := func(tt time.Time) *time.Time { return &tt }
	for _, c := range []struct {
		name     string
		answered *time.Time
		end      time.Time
		want     string
	}{
		{"answered on the due day", tp(at(2026, 12, 17, 16, 0)), at(2026, 12, 31, 0, 0), FeedbackOnTime},
		{"answered the next day", tp(at(2026, 12, 18, 8, 0)), at(2026, 12, 31, 0, 0), FeedbackLate},
		{"unanswered, past due at the end of the period", nil, at(2026, 12, 18, 0, 0), FeedbackLate},
		{"unanswered, not yet due", nil, at(2026, 12, 1, 0, 0), FeedbackPending},
		{"answered after the period closed, on time", tp(at(2026, 12, 3, 10, 0)), at(2026, 12, 1, 0, 0), FeedbackOnTime},
	} {
		if got := FeedbackTimeliness(national, at0, c.answered, c.end); got != c.want {
			t.Errorf("%s: %q; want %q", c.name, got, c.want)
		}
	}
	if !ValidFeedbackCategory(FeedbackBehaviour) || ValidFeedbackCategory("rude") {
		t.Error("ValidFeedbackCategory")
	}
}

// TestIndex6And8: Circular 01/2018 Art. 13–15 indices 6 (publication: 2
// when posted and electronic and accurate, 0 when not accurate) and 8
// (feedback: 100 % on time 2, ≥ 90 % 1, otherwise 0).
func TestIndex6And8(t *testing.T) {
	for _, c := range []struct {
		complete, total int
		want            int
		ok              bool
	}{{10, 10, 2, true}, {9, 10, 0, true}, {0, 0, 0, false}} {
		if got, ok := Index6(c.complete, c.total); got != c.want || ok != c.ok {
			t.Errorf("Index6(%d, %d) = %d, %v", c.complete, c.total, got, ok)
		}
	}
	for _, c := range []struct{ onTime, late, want int }{{5, 0, 2}, {0, 0, 2}, {9, 1, 1}, {18, 2, 1}, {8, 1, 0}, {0, 3, 0}} {
		if got := Index8(c.onTime, c.late); got != c.want {
			t.Errorf("Index8(%d on time, %d late) = %d; want %d", c.onTime, c.late, got, c.want)
		}
	}
}

// TestOfficerStepScore: Circular 01/2018 index 2 for one officer: the
// steps they held on the control slip.
func TestOfficerStepScore(t *testing.T) {
	rows := []Handover{
		{Action: ActAssign, Giver: "Hoa", Verdict: OutcomeEarly},
		{Action: ActApologize, Giver: "Hoa"},
		{Action: ActSubmitAppraisal, Giver: "Minh", Verdict: OutcomeOnTime},
		{Action: ActApprove, Giver: "Hà", Verdict: OutcomeLate},
		{Action: ActIssue, Giver: "Đức", Verdict: OutcomeEarly},
		{Action: ActReturn, Giver: "Hoa", Verdict: OutcomeOnTime},
	}
	for _, c := range []struct {
		officer string
		want    int
	}{{"Hoa", 1}, {"Minh", 1}, {"Hà", 0}, {"Đức", 2}, {"Lan", 2}} {
		if got := OfficerStepScore(rows, c.officer, 2); got != c.want {
			t.Errorf("OfficerStepScore(%s) = %d; want %d", c.officer, got, c.want)
		}
	}
}

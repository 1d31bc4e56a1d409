package web

import (
	"strings"
	"testing"

	"motcua/workflow"
)

// TestStatsCharts: the public statistics draw one bar per agency with a
// figure, values printed next to the bars (readable without colour), and
// leave out a chart with nothing to show.
func TestStatsCharts(t *testing.T) {
	st := &workflow.PublicStatistics{
		ByAgency: []workflow.PublicStatRow{
			{Name: "Sở Tư pháp", Received: 10, Resolved: 8, OnTimeRate: 87.5, OnlineRate: 40, Ratings: 4, SatisfactionRate: 75},
			{Name: "Sở Xây dựng", Received: 5, OnlineRate: 20},
		},
		ByMonth: []workflow.PublicStatRow{{Name: "Tháng 01/2026", OnTimeRate: 90, OnlineRate: 30}},
	}
	onTime, online, satis, months := statsCharts(st)
	for name, c := range map[string]struct {
		svg  string
		want []string
	}{
		"on time": {string(onTime), []string{"Sở Tư pháp", "87,5%"}},
		"online":  {string(online), []string{"Sở Tư pháp", "Sở Xây dựng", "40%", "20%"}},
		"satis":   {string(satis), []string{"Sở Tư pháp", "75%"}},
		"months":  {string(months), []string{"01/2026", "90%"}},
	} {
		if !strings.HasPrefix(c.svg, "<svg") || strings.Contains(c.svg, "style=") {
			t.Errorf("%s: not an SVG without inline style: %.80s", name, c.svg)
		}
		for _, w := range c.want {
			if !strings.Contains(c.svg, w) {
				t.Errorf("%s chart lacks %q", name, w)
			}
		}
	}
	if strings.Contains(string(onTime), "Sở Xây dựng") {
		t.Error("an agency with nothing resolved has an on-time bar")
	}
	if a, _, _, _ := statsCharts(&workflow.PublicStatistics{}); a != "" {
		t.Error("an empty chart is drawn")
	}
}

// TestVerifyVerdictInPlainWords: the verification page says in plain words
// whether to trust the document — intact and every signer verified, intact
// but a signer not verified, or changed since signing (issue 19).
func TestVerifyVerdictInPlainWords(t *testing.T) {
	f := newFront()
	for _, c := range []struct {
		name string
		v    workflow.Verification
		want string
	}{
		{"trusted", workflow.Verification{Status: "valid", Signatures: []workflow.SignatureSummary{{Signer: "A", Intact: true, Trusted: true}}}, "Văn bản này đáng tin cậy"},
		{"untrusted signer", workflow.Verification{Status: "valid", Signatures: []workflow.SignatureSummary{{Signer: "A", Intact: true, Trusted: true}, {Signer: "B", Intact: true}}}, "Chưa thể tin văn bản này"},
		{"tampered", workflow.Verification{Status: "tampered", Signatures: []workflow.SignatureSummary{{Signer: "A", Trusted: true}}}, "Không nên tin văn bản này"},
		{"unsigned", workflow.Verification{Status: "unsigned"}, "Không nên tin văn bản này"},
	} {
		var b strings.Builder
		if err := f.pages["verify"].ExecuteTemplate(&b, "layout", &fpage{Title: "x", D: &c.v}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), c.want) {
			t.Errorf("%s: page lacks %q", c.name, c.want)
		}
	}
}

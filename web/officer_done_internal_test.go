package web

import (
	"strings"
	"testing"

	"motcua/dossier"
)

// TestDoneMessage: after every action of the dossier page the officer sees
// a short Vietnamese banner saying what was done to which dossier (issue 19
// deliverable 3: "a clear banner after every action"); a forged or unknown
// ok parameter shows nothing.
func TestDoneMessage(t *testing.T) {
	const code = "000.00.02.H06-261127-0001"
	for _, a := range dossier.DossierActions() {
		m := doneMessage(string(a), code)
		if !strings.HasPrefix(m, "Đã ") || !strings.Contains(m, code) || strings.HasPrefix(m, "Đã thực hiện") {
			t.Errorf("%s: banner %q; want its own sentence naming %s", a, m, code)
		}
	}
	for ok, want := range map[string]string{
		string(dossier.ActAccept):  "Đã tiếp nhận hồ sơ " + code + ".",
		string(dossier.ActAssign):  "Đã chuyển hồ sơ " + code + " sang thẩm định.",
		feeDone:                    "Đã thu phí, lệ phí hồ sơ " + code + " và lập biên lai điện tử.",
		"":                         "",
		"fly":                      "",
		string(dossier.ActReceive): "", // creates a dossier: not from its page
	} {
		if got := doneMessage(ok, code); got != want {
			t.Errorf("ok=%q: %q; want %q", ok, got, want)
		}
	}
}

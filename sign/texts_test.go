package sign_test

import (
	"strings"
	"testing"

	"motcua/sign"
)

// TestStatusAndLevelTexts: every trust status and PAdES level has its own
// text in each language; an unknown status reads as an invalid chain, an
// unknown level as nothing.
func TestStatusAndLevelTexts(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range []sign.TrustStatus{sign.TrustTrusted, sign.TrustNotChecked, sign.TrustUnknownIssuer,
		sign.TrustExpired, sign.TrustKeyUsage, sign.TrustInvalid, sign.TrustRevoked} {
		vi, en := s.Text("vi"), s.Text("en")
		if vi == "" || en == "" || vi == en || seen[vi] || seen[en] {
			t.Errorf("%s: texts %q, %q are empty, equal or another status's", s, vi, en)
		}
		seen[vi], seen[en] = true, true
	}
	if got := sign.TrustStatus("other").Text("en"); got != sign.TrustInvalid.Text("en") {
		t.Errorf("unknown status reads %q; want the invalid chain's text", got)
	}
	for _, l := range []string{sign.LevelBB, sign.LevelBT, sign.LevelBLT, sign.LevelBLTA} {
		vi, en := sign.LevelText(l, "vi"), sign.LevelText(l, "en")
		if !strings.Contains(vi, "PAdES "+l+" (") || !strings.Contains(en, "PAdES "+l+" (") || vi == en {
			t.Errorf("level %s: texts %q, %q", l, vi, en)
		}
	}
	if got := sign.LevelText("B-X", "vi"); got != "" {
		t.Errorf("unknown level reads %q; want nothing", got)
	}
}

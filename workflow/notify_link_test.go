package workflow_test

import (
	"strings"
	"testing"

	"motcua/dossier"
	"motcua/workflow"
)

// TestNotifyLinkByChannel: an online applicant's message links to the
// dossier in the citizens' area; a counter applicant, who has no account,
// is sent to the lookup page with the code on the receipt, and brings a
// supplement to the desk (issue 19).
func TestNotifyLinkByChannel(t *testing.T) {
	const base = "https://dichvucong.example/"
	for _, c := range []struct {
		channel    dossier.Channel
		action     dossier.Action
		want, nope string
	}{
		{dossier.ChannelOnline, dossier.ActIssue, base + "cong-dan/ho-so/H-1", "/tra-cuu"},
		{dossier.ChannelOnline, dossier.ActRequestSupplement, "đăng nhập", "mang giấy tờ"},
		{dossier.ChannelCounter, dossier.ActReceive, base + "tra-cuu", "/cong-dan"},
		{dossier.ChannelCounter, dossier.ActIssue, "mã tra cứu", "/cong-dan"},
		{dossier.ChannelCounter, dossier.ActRequestSupplement, "mang giấy tờ bổ sung", "đăng nhập"},
	} {
		_, body, ok := workflow.NotifyMessage(c.action, &dossier.Dossier{Code: "H-1", Channel: c.channel}, base)
		if !ok || !strings.Contains(body, c.want) || strings.Contains(body, c.nope) {
			t.Errorf("%s %s: %q; want %q, not %q", c.channel, c.action, body, c.want, c.nope)
		}
	}
}

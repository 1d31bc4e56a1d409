package workflow_test

import (
	"context"
	"testing"

	"motcua/dossier"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
)

// TestAuditCoversHistoryAndResults: after a full lifecycle the chain and
// its coverage verify; editing, deleting or inserting a history row, or
// changing an issued result's number, is found and the covering entry
// named (issue 16, item 13: history and result numbers lay outside the
// chain).
func TestAuditCoversHistoryAndResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		tampers := []struct {
			name    string
			sql     string
			covered bool // the problem names the covering entry
		}{
			{"history note edited", `UPDATE dossier_history SET note = 'sửa' WHERE id = (SELECT MIN(id) FROM dossier_history)`, true},
			{"history actor edited", `UPDATE dossier_history SET actor = 'người khác' WHERE action = 'approve'`, true},
			{"history row deleted", `DELETE FROM dossier_history WHERE action = 'assign'`, true},
			{"history row inserted", `INSERT INTO dossier_history (dossier_id, action, from_status, to_status, actor_id, actor, at)
				SELECT dossier_id, 'approve', 'x', 'y', 1, 'giả', at FROM dossier_history WHERE action = 'receive'`, false},
			{"result number changed", `UPDATE results SET number = '99/GCN-DKDN-SKHDT'`, true},
			{"result file swapped", `UPDATE results SET pdf_sha256 = 'abc'`, true},
		}
		for _, tc := range tampers {
			t.Run(tc.name, func(t *testing.T) {
				ev := newEnv(t, e)
				ctx := context.Background()
				d := ev.receive(t)
				d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
				d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version, Recommendation: "approve", Report: "r", DraftResult: "k"})
				d = ev.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
				ev.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version})
				if p, err := ev.db.VerifyCoverage(ctx); err != nil || p != nil {
					t.Fatalf("untouched: %+v, %v", p, err)
				}
				if _, err := ev.db.SQL().Exec(tc.sql); err != nil {
					t.Fatal(err)
				}
				p, err := ev.db.VerifyCoverage(ctx)
				if err != nil || p == nil {
					t.Fatalf("after %s: %+v, %v; want a problem", tc.name, p, err)
				}
				if tc.covered != (p.Seq > 0) {
					t.Errorf("problem %+v; want the covering entry named: %v", p, tc.covered)
				}
				// The chain itself is intact: only coverage sees it.
				if _, prob, err := ev.db.VerifyAudit(ctx); err != nil || prob != nil {
					t.Errorf("VerifyAudit = %+v, %v", prob, err)
				}
			})
		}
	})
}

package workflow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"motcua/dossier"
	"motcua/internal/testfile"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/workflow"
)

// Issue 16 (data access and authorization): each defect of the attack
// campaign replayed against the use cases, with probes of the same kind.

const officerPassword = "Cầu-Long-Biên-1902"

// user creates an officer of agency at center with one role.
func (ev *env) user(t *testing.T, name string, role dossier.Role, agency, center string) *dossier.User {
	t.Helper()
	u, err := ev.svc.CreateUser(context.Background(), nil, workflow.NewUserInput{Username: name, Password: officerPassword,
		Name: "Cán bộ " + name, Agency: agency, Roles: []dossier.Role{role}, Centers: []string{center}})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

// citizen registers a citizen account holding idNumber.
func (ev *env) citizen(t *testing.T, name, idNumber string) *dossier.User {
	t.Helper()
	reg, err := ev.svc.RegisterCitizen(context.Background(), workflow.NewUserInput{Username: name, Password: "Sông-Cầu-2026",
		Name: "Công dân " + name, IDNumber: idNumber})
	if err != nil || reg.User == nil {
		t.Fatalf("register %s: %+v %v", name, reg, err)
	}
	return reg.User
}

// issue takes a received dossier of 2.001610 through appraisal, approval
// and issue; the result goes to the warehouse.
func (ev *env) issue(t *testing.T, d *dossier.Dossier) *dossier.Dossier {
	t.Helper()
	d = ev.act(t, "appraiser", d.Code, dossier.ActAssign, workflow.ActionInput{Version: d.Version})
	d = ev.act(t, "appraiser", d.Code, dossier.ActSubmitAppraisal, workflow.ActionInput{Version: d.Version,
		Recommendation: "approve", Report: "Hợp lệ", DraftResult: "Cấp Giấy chứng nhận"})
	d = ev.act(t, "approver", d.Code, dossier.ActApprove, workflow.ActionInput{Version: d.Version})
	d = ev.act(t, "clerk", d.Code, dossier.ActIssue, workflow.ActionInput{Version: d.Version})
	if d.Result == nil || d.Result.DocumentCode == "" {
		t.Fatalf("issued without a result: %+v", d)
	}
	return d
}

// submitOnline files an online dossier of 2.001610 as citizen u with its
// own uploads, plus extra components.
func (ev *env) submitOnline(t *testing.T, u *dossier.User, idNumber string, extra ...workflow.ComponentInput) (*dossier.Dossier, error) {
	t.Helper()
	ctx := context.Background()
	info, err := ev.svc.Upload(ctx, u, bytes.NewReader(testfile.PDF("online "+u.Username)))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := ev.db.Procedure(ctx, "2.001610")
	used := map[string]bool{}
	for _, c := range extra {
		used[c.Code] = true
	}
	comps := extra
	for _, c := range p.Components {
		if c.Required && !used[c.Code] {
			comps = append(comps, workflow.ComponentInput{Code: c.Code, BlobID: info.ID})
		}
	}
	return ev.svc.Receive(ctx, u, workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelOnline, Components: comps,
		Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Công dân " + u.Username, IDNumber: idNumber}})
}

// problem is what an error tells its caller: code, message and fields.
func problem(err error) string {
	b, _ := json.Marshal(map[string]any{"code": dossier.ErrorCode(err), "message": dossier.ErrorMessage(err), "fields": dossier.ErrorFields(err)})
	return string(b)
}

// accesses returns the access log entries of what for dossier code, as
// admins see them.
func (ev *env) accesses(t *testing.T, what, code string) []store.Access {
	t.Helper()
	es, _, err := ev.svc.AccessLog(context.Background(), ev.users["admin"], workflow.AccessQuery{Dossier: code, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Access
	for _, e := range es {
		if e.What == what {
			out = append(out, e)
		}
	}
	return out
}

// Item 1: a citizen cannot read someone else's signed result by
// submitting with its document code and the victim's ID number, and the
// request is no oracle: an unknown code answers the same.
func TestReuseOnlyByTheHolder(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		const victimID = "027190001234"
		victim := ev.issue(t, ev.receive(t)) // at the counter, for victimID
		code := victim.Result.DocumentCode
		reuse := func(doc string) workflow.ComponentInput {
			return workflow.ComponentInput{Code: "GDN", DocumentCode: doc}
		}

		// The attacker registers with the victim's ID number (it is
		// self-declared) and names the victim's result.
		attacker := ev.citizen(t, "attacker", victimID)
		_, errForeign := ev.submitOnline(t, attacker, victimID, reuse(code))
		_, errUnknown := ev.submitOnline(t, attacker, victimID, reuse(code[:len(code)-1]+"9"))
		if dossier.ErrorCode(errForeign) != dossier.EINVALID {
			t.Fatalf("foreign result reused: %v", errForeign)
		}
		// Same answer for a foreign and an unknown code (the code itself
		// aside, which the caller sent).
		if a, b := problem(errForeign), strings.ReplaceAll(problem(errUnknown), code[:len(code)-1]+"9", code); a != b {
			t.Errorf("foreign and unknown codes answer differently:\n%s\n%s", a, b)
		}
		// Nor with another applicant's ID, nor with their own.
		if _, err := ev.submitOnline(t, attacker, "001090009999", reuse(code)); dossier.ErrorCode(err) != dossier.EINVALID {
			t.Errorf("foreign result with another ID: %v", err)
		}

		// A citizen reuses a result they hold: that of a dossier they
		// submitted, once issued.
		holder := ev.citizen(t, "holder", "001090005678")
		own, err := ev.submitOnline(t, holder, "001090005678")
		if err != nil {
			t.Fatal(err)
		}
		own = ev.act(t, "reception", own.Code, dossier.ActAccept, workflow.ActionInput{Version: own.Version})
		own = ev.issue(t, own)
		again, err := ev.submitOnline(t, holder, "001090005678", reuse(own.Result.DocumentCode))
		if err != nil {
			t.Fatalf("holder reuse: %v", err)
		}
		if c := again.Components[0]; c.ReusedFrom != own.Result.DocumentCode {
			t.Errorf("reused component = %+v", c)
		}
		// ...but not in someone else's name either: the holder is the
		// account, whatever the applicant field says.
		if _, err := ev.submitOnline(t, attacker, "001090005678", reuse(own.Result.DocumentCode)); dossier.ErrorCode(err) != dossier.EINVALID {
			t.Errorf("attacker reused the holder's result: %v", err)
		}

		// At the counter, reception reuses the applicant's own result
		// within the dossier received for them, audited and recorded.
		p, _ := ev.db.Procedure(ctx, "2.001610")
		counter := func(idNumber string) (*dossier.Dossier, error) {
			comps := []workflow.ComponentInput{reuse(code)}
			for _, c := range p.Components {
				if c.Required && c.Code != "GDN" {
					comps = append(comps, workflow.ComponentInput{Code: c.Code, BlobID: ev.blob})
				}
			}
			return ev.svc.Receive(ctx, ev.users["reception"], workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelCounter,
				Components: comps, Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Thị Ánh Tuyết", IDNumber: idNumber}})
		}
		d, err := counter(victimID)
		if err != nil {
			t.Fatalf("counter reuse for the holder: %v", err)
		}
		if rs := ev.accesses(t, workflow.ReadReuse, d.Code); len(rs) != 1 || rs[0].Username != "reception" || rs[0].ObjectID != code {
			t.Errorf("reuse access records = %+v", rs)
		}
		entries, err := ev.db.AuditEntries(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		audited := 0
		for _, en := range entries {
			if en.Action == "reuse_result" {
				audited++
			}
		}
		if audited != 2 { // the holder online, reception at the counter
			t.Errorf("reuse_result audit entries = %d; want 2", audited)
		}
		if _, err := counter("001090009999"); dossier.ErrorCode(err) != dossier.EINVALID {
			t.Errorf("counter reuse for another applicant: %v", err)
		}

		// Files are attached only by whoever uploaded them: a blob id
		// (the SHA-256 printed on the verification page) is no key.
		other, err := ev.svc.Upload(ctx, holder, bytes.NewReader(testfile.PDF("the holder's own scan")))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{other.ID, "0000000000000000000000000000000000000000000000000000000000000000"} {
			_, err := ev.svc.Receive(ctx, ev.users["reception"], workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelCounter,
				Components: []workflow.ComponentInput{{Code: "GDN", BlobID: id}, {Code: "GTPL", BlobID: ev.blob}},
				Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Văn An", IDNumber: "001090001111"}})
			if dossier.ErrorCode(err) != dossier.EINVALID || !strings.Contains(problem(err), "Không có tệp đã tải lên với mã này") {
				t.Errorf("attach a file uploaded by someone else (%s…): %v", id[:8], err)
			}
		}
	})
}

// Item 2: officers see warehouse items only of applicants of dossiers in
// their own unit's work, and every read of personal data is recorded.
func TestWarehouseScopeAndAccessLog(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		const applicant = "027190001234"
		d := ev.issue(t, ev.receive(t))
		foreignReception := ev.user(t, "tiepnhan.tpbn", dossier.RoleReception, "BN.TPBACNINH.TTHCC", "BN.TPBACNINH.TTHCC")
		foreignAppraiser := ev.user(t, "thamdinh.sxd", dossier.RoleAppraiser, "BN.SXD", "BN.TTHCC")
		citizen := ev.citizen(t, "congdan", applicant)

		unknown, errUnknown := ev.svc.Warehouse(ctx, ev.users["reception"], "001090000000", "")
		if dossier.ErrorCode(errUnknown) != dossier.ENOTFOUND || unknown != nil {
			t.Fatalf("unknown applicant: %v %v", unknown, errUnknown)
		}
		for _, tt := range []struct {
			name    string
			u       *dossier.User
			dossier string
			code    string
		}{
			{"reception of another center", foreignReception, "", dossier.ENOTFOUND},
			{"reception of another center naming the dossier", foreignReception, d.Code, dossier.ENOTFOUND},
			{"appraiser of another agency", foreignAppraiser, "", dossier.ENOTFOUND},
			{"citizen", citizen, "", dossier.EFORBIDDEN},
			{"clerk", ev.users["clerk"], "", dossier.EFORBIDDEN},
			{"supervisor", ev.users["supervisor"], "", dossier.EFORBIDDEN},
		} {
			items, err := ev.svc.Warehouse(ctx, tt.u, applicant, tt.dossier)
			if dossier.ErrorCode(err) != tt.code || items != nil {
				t.Errorf("%s: %v, %v; want %s", tt.name, items, err, tt.code)
			}
			// A foreign applicant answers as an unknown one.
			if tt.code == dossier.ENOTFOUND && problem(err) != problem(errUnknown) {
				t.Errorf("%s: %s; unknown applicant: %s", tt.name, problem(err), problem(errUnknown))
			}
		}
		// The dossier's own unit sees the applicant's results; each read is
		// recorded with the dossier as its reason.
		for _, who := range []string{"reception", "appraiser", "approver", "admin"} {
			items, err := ev.svc.Warehouse(ctx, ev.users[who], applicant, "")
			if err != nil || len(items) != 1 || items[0].DocumentCode != d.Result.DocumentCode {
				t.Errorf("%s: warehouse = %+v, %v", who, items, err)
			}
		}
		if _, err := ev.svc.Warehouse(ctx, ev.users["reception"], "", d.Code); err != nil {
			t.Errorf("warehouse of the dossier's applicant: %v", err)
		}
		if _, err := ev.svc.Warehouse(ctx, ev.users["reception"], "001090000000", d.Code); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("warehouse of an applicant not in the dossier named: %v", err)
		}
		rs := ev.accesses(t, workflow.ReadWarehouse, d.Code)
		if len(rs) != 5 {
			t.Fatalf("warehouse reads recorded = %d; want 5: %+v", len(rs), rs)
		}
		if r := rs[0]; r.Username != "reception" || r.Subject != "********1234" || r.CenterCode != "BN.TTHCC" || r.At.IsZero() {
			t.Errorf("access entry = %+v", r)
		}

		// Other reads of personal data are recorded too; a citizen's read
		// of their own dossier is not.
		if _, err := ev.svc.ReadDossier(ctx, ev.users["appraiser"], d.Code); err != nil {
			t.Fatal(err)
		}
		if _, err := ev.svc.ReadDossier(ctx, foreignAppraiser, d.Code); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("foreign appraiser read: %v", err)
		}
		meta, f, err := ev.svc.OpenFile(ctx, ev.users["approver"], ev.blob)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if meta.ID != ev.blob {
			t.Errorf("file = %+v", meta)
		}
		if _, _, err := ev.svc.OpenFile(ctx, foreignReception, ev.blob); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("foreign reception file read: %v", err)
		}
		if rs := ev.accesses(t, workflow.ReadDossier, d.Code); len(rs) != 1 || rs[0].Username != "appraiser" {
			t.Errorf("dossier reads = %+v", rs)
		}
		if rs := ev.accesses(t, workflow.ReadFile, d.Code); len(rs) != 1 || rs[0].Username != "approver" || rs[0].ObjectID != ev.blob {
			t.Errorf("file reads = %+v", rs)
		}
		own, err := ev.submitOnline(t, citizen, applicant)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ev.svc.ReadDossier(ctx, citizen, own.Code); err != nil {
			t.Fatal(err)
		}
		if rs := ev.accesses(t, workflow.ReadDossier, own.Code); len(rs) != 0 {
			t.Errorf("a citizen's own read recorded: %+v", rs)
		}

		// The log: admins see all, supervisors their centers', nobody else.
		sup, _, err := ev.svc.AccessLog(ctx, ev.users["supervisor"], workflow.AccessQuery{Dossier: d.Code})
		if err != nil || len(sup) != 7 {
			t.Errorf("supervisor's access log = %d entries, %v; want 7", len(sup), err)
		}
		foreignSup := ev.user(t, "giamsat.tpbn", dossier.RoleSupervisor, "BN.TPBACNINH.TTHCC", "BN.TPBACNINH.TTHCC")
		if es, _, err := ev.svc.AccessLog(ctx, foreignSup, workflow.AccessQuery{}); err != nil || len(es) != 0 {
			t.Errorf("another center's supervisor sees %d entries, %v", len(es), err)
		}
		for _, who := range []*dossier.User{ev.users["reception"], ev.users["appraiser"], citizen} {
			if _, _, err := ev.svc.AccessLog(ctx, who, workflow.AccessQuery{}); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
				t.Errorf("%s reads the access log: %v", who.Username, err)
			}
		}
		page1, next, err := ev.svc.AccessLog(ctx, ev.users["admin"], workflow.AccessQuery{Limit: 3})
		if err != nil || len(page1) != 3 || next == "" {
			t.Fatalf("page 1 = %d, %q, %v", len(page1), next, err)
		}
		page2, _, err := ev.svc.AccessLog(ctx, ev.users["admin"], workflow.AccessQuery{Limit: 3, Cursor: next})
		if err != nil || len(page2) == 0 || page2[0].ID >= page1[2].ID {
			t.Errorf("page 2 = %+v, %v", page2, err)
		}
	})
}

// Item 9: each center numbers guidance slips only in its own series.
func TestGuidanceSlipsOwnSeries(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		foreign := ev.user(t, "tiepnhan.tpbn", dossier.RoleReception, "BN.TPBACNINH.TTHCC", "BN.TPBACNINH.TTHCC")
		slip := func(u *dossier.User, procedure string) (*dossier.GuidanceSlip, error) {
			p, _ := ev.db.Procedure(ctx, procedure)
			return ev.svc.CreateGuidanceSlip(ctx, u, workflow.GuidanceInput{ProcedureCode: procedure,
				Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Trần Văn Bình", IDNumber: "001090001111"},
				Missing:   []string{p.Components[0].Code}})
		}
		g1, err := slip(ev.users["reception"], "2.001610") // BN.TTHCC's
		if err != nil || g1.Number != "01/PBS-TTHCC" || g1.CenterCode != "BN.TTHCC" {
			t.Fatalf("first slip = %+v, %v", g1, err)
		}
		// Another center cannot number in BN.TTHCC's series…
		if g, err := slip(foreign, "2.001610"); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("foreign center's slip = %+v, %v; want forbidden", g, err)
		}
		// …and its own series starts at 1, unaffected.
		g2, err := slip(foreign, "2.000635") // BN.TPBACNINH.TTHCC's
		if err != nil || g2.Number != "01/PBS-TTHCC" || g2.CenterCode != "BN.TPBACNINH.TTHCC" {
			t.Errorf("own slip at the other center = %+v, %v", g2, err)
		}
		if g, err := slip(ev.users["reception"], "2.000635"); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("BN.TTHCC numbering in the other series = %+v, %v", g, err)
		}
		g3, err := slip(ev.users["reception"], "2.001610")
		if err != nil || g3.Number != "02/PBS-TTHCC" {
			t.Errorf("second slip at BN.TTHCC = %+v, %v; want 02/PBS-TTHCC (no gap)", g3, err)
		}
		// A slip is read by its own center only.
		if _, err := ev.svc.GuidanceSlip(ctx, foreign, g1.ID); dossier.ErrorCode(err) != dossier.ENOTFOUND {
			t.Errorf("foreign center reads the slip: %v", err)
		}
		if g, err := ev.svc.GuidanceSlip(ctx, ev.users["reception"], g1.ID); err != nil || g.Number != "01/PBS-TTHCC" {
			t.Errorf("own slip = %+v, %v", g, err)
		}
	})
}

// Item 10: seal key references for admins only; leader schedules for
// officers, of their own centers.
func TestSealsAndSchedulesForOfficers(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		citizen := ev.citizen(t, "congdan", "001090005678")
		if _, err := ev.svc.Seals(ctx, citizen, ""); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("citizen lists seals: %v", err)
		}
		ss, err := ev.svc.Seals(ctx, ev.users["clerk"], "BN.SXD")
		if err != nil || len(ss) == 0 {
			t.Fatalf("clerk's seals = %v, %v", ss, err)
		}
		for _, s := range ss {
			if s.KeyRef != "" || s.AgencyCode != "BN.SKHDT" {
				t.Errorf("clerk sees %+v", s)
			}
		}
		as, err := ev.svc.Seals(ctx, ev.users["admin"], "BN.SKHDT")
		keyed := 0
		for _, s := range as {
			if s.KeyRef != "" {
				keyed++
			}
		}
		if err != nil || keyed == 0 {
			t.Errorf("admin's seals = %+v, %v; want key references", as, err)
		}

		if _, err := ev.svc.LeaderShifts(ctx, citizen, "BN.TTHCC"); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("citizen reads the leader schedule: %v", err)
		}
		if ss, err := ev.svc.LeaderShifts(ctx, ev.users["reception"], ""); err != nil || len(ss) == 0 || ss[0].CenterCode != "BN.TTHCC" {
			t.Errorf("reception's schedule = %v, %v", ss, err)
		}
		if _, err := ev.svc.LeaderShifts(ctx, ev.users["reception"], "BN.TPBACNINH.TTHCC"); dossier.ErrorCode(err) != dossier.EFORBIDDEN {
			t.Errorf("reception reads another center's schedule: %v", err)
		}
		if ss, err := ev.svc.LeaderShifts(ctx, ev.users["admin"], ""); err != nil || len(ss) == 0 {
			t.Errorf("admin's schedule = %v, %v", ss, err)
		}
	})
}

// Item 11: registration does not tell which usernames exist.
func TestRegistrationNamesNoAccount(t *testing.T) {
	eachEnv(t, func(t *testing.T, ev *env) {
		ctx := context.Background()
		in := workflow.NewUserInput{Username: "congdan", Password: "Sông-Cầu-2026", Name: "Lê Văn Công", IDNumber: "001090005678"}
		first, err := ev.svc.RegisterCitizen(ctx, in)
		if err != nil || first.User == nil {
			t.Fatalf("first = %+v, %v", first, err)
		}
		for _, name := range []string{"congdan", "CongDan", "reception", "admin"} {
			in2 := in
			in2.Username, in2.Password, in2.IDNumber = name, "Hồ-Gươm-xanh-1010", "001090009999"
			again, err := ev.svc.RegisterCitizen(ctx, in2)
			if err != nil || again.User != nil {
				t.Fatalf("%s again = %+v, %v", name, again, err)
			}
			a, _ := json.Marshal(first)
			b, _ := json.Marshal(again)
			if want := strings.Replace(string(a), `"congdan"`, `"`+strings.ToLower(name)+`"`, 1); want != string(b) {
				t.Errorf("%s: answers differ:\n%s\n%s", name, want, b)
			}
			// Nothing was created or changed: the second password opens nothing.
			if _, _, err := ev.svc.Login(ctx, name, in2.Password); dossier.ErrorCode(err) != dossier.EUNAUTHORIZED {
				t.Errorf("%s: second password signs in: %v", name, err)
			}
		}
		if _, _, err := ev.svc.Login(ctx, "congdan", in.Password); err != nil {
			t.Errorf("the first registrant cannot sign in: %v", err)
		}
		// Bad input is refused before any account is looked at.
		bad := in
		bad.Password = "matkhau1"
		if _, err := ev.svc.RegisterCitizen(ctx, bad); dossier.ErrorCode(err) != dossier.EINVALID {
			t.Errorf("weak password: %v", err)
		}
	})
}

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

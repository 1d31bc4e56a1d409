package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"motcua/apiclient"
	"motcua/demo"
	"motcua/dossier"
	"motcua/internal/clocktest"
	"motcua/internal/stacktest"
	"motcua/internal/testfile"
	"motcua/store"
	"motcua/store/storetest"
	"motcua/web"
	"motcua/workflow"
)

// TestDossierJSONTimeline: the JSON dossier carries the timeline the
// officer's dossier page shows (each step with its due and actual times
// and its late flag), to exactly those who may read the dossier: its
// unit's staff and the citizen who submitted it; anyone else gets the
// same problem as before and no timeline.
func TestDossierJSONTimeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e store.Engine) {
		ctx := context.Background()
		clock := &clocktest.Clock{}
		clock.Set(time.Date(2026, 11, 26, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))) // a Thursday
		db, svc := stacktest.Demo(t, e, workflow.Ports{}, workflow.Config{Now: clock.Now})
		_, srv := stacktest.Server(t, svc, nil, web.Options{PublicRPS: 1000, PublicBurst: 1000})
		users := map[string]*dossier.User{}
		passwords := map[string]string{}
		for _, a := range demo.Accounts {
			users[a.Username], _ = db.UserByName(ctx, a.Username)
			passwords[a.Username] = demo.Password
		}
		for _, c := range []struct{ name, id string }{{"owner", "001090005678"}, {"stranger", "001090007777"}} {
			reg, err := svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: c.name, Password: matrixPassword, Name: "Công dân " + c.name, IDNumber: c.id})
			if err != nil || reg.User == nil {
				t.Fatal(reg, err)
			}
			users[c.name], passwords[c.name] = reg.User, matrixPassword
		}
		far, err := svc.CreateUser(ctx, nil, workflow.NewUserInput{Username: "far-appraiser", Password: matrixPassword, Name: "Cán bộ huyện",
			Agency: "BN.TPBACNINH.PTP", Roles: []dossier.Role{dossier.RoleAppraiser}, Centers: []string{"BN.TPBACNINH.TTHCC"}, Position: "Chuyên viên"})
		if err != nil {
			t.Fatal(err)
		}
		users["far-appraiser"], passwords["far-appraiser"] = far, matrixPassword

		// The owner's online dossier, accepted and assigned; appraisal
		// ends after its step due (late), approval is under way.
		upload := func() string {
			b, err := svc.Upload(ctx, users["owner"], bytes.NewReader(testfile.PDF(fmt.Sprint("timeline ", clock.Now().UnixNano()))))
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(time.Millisecond)
			return b.ID
		}
		d, err := svc.Receive(ctx, users["owner"], workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelOnline,
			Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Công dân owner", IDNumber: "001090005678"},
			Components: []workflow.ComponentInput{{Code: "GDN", BlobID: upload()}, {Code: "GTPL", BlobID: upload()}}})
		if err != nil {
			t.Fatal(err)
		}
		act := func(who string, a dossier.Action, in workflow.ActionInput) {
			t.Helper()
			in.Version = d.Version
			if d, err = svc.Act(ctx, users[who], d.Code, a, in); err != nil {
				t.Fatalf("%s %s: %v", who, a, err)
			}
		}
		act("reception", dossier.ActAccept, workflow.ActionInput{})
		clock.Add(10 * time.Minute)
		act("appraiser", dossier.ActAssign, workflow.ActionInput{})
		clock.Add(8 * 24 * time.Hour)
		act("appraiser", dossier.ActSubmitAppraisal, workflow.ActionInput{Recommendation: "approve", Report: "Hợp lệ", DraftResult: "Cấp Giấy chứng nhận"})

		get := func(who string) (int, []byte) {
			t.Helper()
			tok := ""
			if who != "" {
				var err error
				if tok, _, err = svc.Login(ctx, who, passwords[who]); err != nil {
					t.Fatalf("login %s: %v", who, err)
				}
			}
			res, b := roundTrip(t, nil, request(t, "GET", srv.URL+"/api/v1/dossiers/"+d.Code, nil, tok, nil))
			return res.StatusCode, b
		}

		// The appraiser's answer: the page's timeline, step by step.
		st, body := get("appraiser")
		var got struct {
			Code     string                   `json:"code"`
			Timeline []apiclient.TimelineStep `json:"timeline"`
		}
		if err := json.Unmarshal(body, &got); st != 200 || err != nil || got.Code != d.Code {
			t.Fatalf("GET as appraiser = %d %v %s", st, err, body)
		}
		page, err := svc.DossierView(ctx, users["appraiser"], d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Timeline) != len(page.Timeline) || len(got.Timeline) < 4 {
			t.Fatalf("timeline has %d steps, the page %d: %s", len(got.Timeline), len(page.Timeline), body)
		}
		eqTime := func(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }
		late, onTime := 0, 0
		for i, g := range got.Timeline {
			w := page.Timeline[i]
			if g.Step != w.Name || g.Status != string(w.Status) || g.State != string(w.State) || g.Late != w.Late ||
				!eqTime(g.StartedAt, w.Start) || !eqTime(g.DueAt, w.Due) || !eqTime(g.DoneAt, w.Done) {
				t.Errorf("step %d = %+v, the page shows %+v", i, g, w)
			}
			if g.State == "done" && g.DoneAt != nil && g.DueAt != nil {
				if g.Late {
					late++
				} else {
					onTime++
				}
			}
		}
		if late != 1 || onTime != 1 {
			t.Errorf("done steps: %d late, %d on time; want the appraisal late and the acceptance on time: %s", late, onTime, body)
		}
		if last := got.Timeline[len(got.Timeline)-1]; last.State != "planned" || last.DueAt != nil || last.DoneAt != nil {
			t.Errorf("last step %+v, want a planned one", last)
		}

		// Who sees the dossier sees the same timeline; the others get
		// their problem, as before, and nothing of it.
		want, _ := json.Marshal(got.Timeline)
		for _, who := range []string{"reception", "approver", "clerk", "supervisor", "admin", "owner"} {
			st, body := get(who)
			var g struct {
				Timeline []apiclient.TimelineStep `json:"timeline"`
			}
			json.Unmarshal(body, &g)
			if b, _ := json.Marshal(g.Timeline); st != 200 || !bytes.Equal(b, want) {
				t.Errorf("GET as %s = %d, timeline %s; want 200 and %s", who, st, b, want)
			}
		}
		for who, code := range map[string]int{"": 401, "stranger": 404, "far-appraiser": 404} {
			if st, body := get(who); st != code || bytes.Contains(body, []byte("timeline")) {
				t.Errorf("GET as %q = %d %s; want %d without a timeline", who, st, body, code)
			}
		}
	})
}

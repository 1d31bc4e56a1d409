package workflow_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/internal/clocktest"
	"motcua/internal/demotest"
	"motcua/internal/stacktest"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

// recorder keeps "contact|subject" of every message it is given to send,
// the contact being the applicant's e-mail, or its phone when byPhone.
type recorder struct {
	mu      sync.Mutex
	byPhone bool
	msgs    []string
}

func (r *recorder) Notify(ctx context.Context, to dossier.Applicant, subject, body string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	contact := to.Email
	if r.byPhone {
		contact = to.Phone
	}
	r.msgs = append(r.msgs, contact+"|"+subject)
	return nil
}

func TestNotifyPendingSendsOnlineSubmission(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{}
	db, svc := stacktest.Demo(t, store.SQLite, workflow.Ports{Notifier: rec}, workflow.Config{BaseURL: "https://hcc.example.vn", Now: clocktest.Now})
	// Loading the demo queues no dossier event: nothing to send.
	if n, err := svc.NotifyPending(ctx); err != nil || n != 0 {
		t.Fatalf("first NotifyPending = %d, %v; want 0", n, err)
	}
	d := submitOnline(t, db, svc, "citizen1", "001090012345", "cuong@example.vn")
	n, err := svc.NotifyPending(ctx)
	if err != nil || n != 1 || len(rec.msgs) != 1 || rec.msgs[0] != "cuong@example.vn|Đã nhận hồ sơ trực tuyến "+d.Code {
		t.Fatalf("NotifyPending = %d, %v, %q; want one message to the account's e-mail", n, err, rec.msgs)
	}
	if n, _ := svc.NotifyPending(ctx); n != 0 {
		t.Errorf("second NotifyPending = %d; want 0 (event marked handled)", n)
	}
}

// submitOnline registers citizen username (personal id, e-mail) and
// submits a dossier of procedure 2.001610 online as them.
func submitOnline(t *testing.T, db *store.DB, svc *workflow.Service, username, id, email string) *dossier.Dossier {
	t.Helper()
	ctx := context.Background()
	reg, err := svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: username, Password: "Hoa-sen-nở-2026", Name: "Lê Văn Cường",
		IDNumber: id, Email: email})
	if err != nil {
		t.Fatal(err)
	}
	u := reg.User
	comps := demotest.Required(t, db, "2.001610", func(c string) string { return demotest.Upload(t, svc, u, c) })
	d, err := svc.Receive(ctx, u, workflow.ReceiveInput{ProcedureCode: "2.001610", Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen,
		Name: "Lê Văn Cường", IDNumber: id}, Components: comps})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// portalRecorder keeps the records pushed to the portal.
type portalRecorder struct {
	recorded[workflow.PortalRecord]
}

func (p *portalRecorder) Push(ctx context.Context, key string, r workflow.PortalRecord) error {
	return p.add(r)
}

func (p *portalRecorder) Received(ctx context.Context, from, to time.Time) ([]workflow.PortalStatus, error) {
	return nil, nil
}

// TestPortalAndNotifierInOneRound: the portal push and the applicant's
// message of one event, delivered in the same relay round, share one read
// of the dossier (a memo per round) and each still gets the dossier right.
func TestPortalAndNotifierInOneRound(t *testing.T) {
	ctx := context.Background()
	rec, portal := &recorder{}, &portalRecorder{}
	db, svc := stacktest.Demo(t, store.SQLite, workflow.Ports{Notifier: rec}, workflow.Config{BaseURL: "https://hcc.example.vn", Now: clocktest.Now})
	svc.AddPortal(portal, workflow.DestinationOptions{})
	d := submitOnline(t, db, svc, "citizen2", "001090012346", "cuong2@example.vn")
	n, err := svc.DeliverDue(ctx, 100)
	if err != nil || n != 2 {
		t.Fatalf("DeliverDue = %d, %v; want the portal push and the message", n, err)
	}
	if len(rec.msgs) != 1 || rec.msgs[0] != "cuong2@example.vn|Đã nhận hồ sơ trực tuyến "+d.Code {
		t.Errorf("messages %q", rec.msgs)
	}
	if len(portal.sent) != 1 {
		t.Fatalf("portal records %+v; want one", portal.sent)
	}
	if r := portal.sent[0]; r.DossierCode != d.Code || r.Status != dossier.StatusSubmitted || r.ProcedureCode != "2.001610" ||
		r.AgencyCode != d.AgencyCode || r.Channel != dossier.ChannelOnline {
		t.Errorf("portal record %+v", r)
	}
}

// TestNotifyApologyGivesTheNewDate: after an apology the applicant is told
// the new appointment (NĐ 61/2018 Điều 19.9: the desk updates the return
// date and notifies the applicant), as the receipt's message gives the
// first one.
func TestNotifyApologyGivesTheNewDate(t *testing.T) {
	nd := time.Date(2026, 12, 4, 17, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	subject, body, ok := workflow.NotifyMessage(dossier.ActApologize, &dossier.Dossier{Code: "H-1", DueAt: &nd}, "https://dichvucong.example")
	if want := "Ngày hẹn trả kết quả mới: 17:00 04/12/2026."; !ok || !strings.Contains(body, want) {
		t.Errorf("message %q lacks %q", body, want)
	}
	// An SMS carries the subject only: it gives the date too.
	if want := "hẹn trả 17:00 04/12/2026"; !strings.Contains(subject, want) {
		t.Errorf("subject %q lacks %q", subject, want)
	}
	if _, body, _ := workflow.NotifyMessage(dossier.ActApologize, &dossier.Dossier{Code: "H-2"}, ""); strings.Contains(body, "mới:") {
		t.Errorf("no appointment, no date: %q", body)
	}
}

// TestNotifyReachesApplicantsWithOnlyAPhone: an applicant who left only a
// phone number at the counter is notified (by SMS, notify.ByContact).
func TestNotifyReachesApplicantsWithOnlyAPhone(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{byPhone: true}
	db, svc := stacktest.Demo(t, store.SQLite, workflow.Ports{Notifier: rec}, workflow.Config{Now: clocktest.Now})
	d := demotest.Receive(t, svc, demotest.Users(t, db)["reception"],
		dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Văn An", IDNumber: "001090001234", Phone: "0912345678"})
	if n, err := svc.NotifyPending(ctx); err != nil || n != 1 || len(rec.msgs) != 1 || rec.msgs[0] != "0912345678|Hồ sơ "+d.Code+" đã được tiếp nhận" {
		t.Fatalf("NotifyPending = %d, %v, %q; want one message to the phone", n, err, rec.msgs)
	}
}

package workflow_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/internal/clocktest"
	"motcua/internal/demotest"
	"motcua/internal/stacktest"
	"motcua/internal/testfile"

	"motcua/dossier"
	"motcua/store"
	"motcua/workflow"
)

type recorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) Notify(ctx context.Context, to dossier.Applicant, subject, body string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, to.Email+"|"+subject)
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
	reg, err := svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: "citizen1", Password: "Hoa-sen-nở-2026", Name: "Lê Văn Cường",
		IDNumber: "001090012345", Email: "cuong@example.vn"})
	if err != nil {
		t.Fatal(err)
	}
	u := reg.User
	p, _ := db.Procedure(ctx, "2.001610")
	var comps []workflow.ComponentInput
	for _, c := range p.Components {
		if c.Required {
			info, err := svc.Upload(ctx, u, bytes.NewReader(testfile.PDF(c.Code)))
			if err != nil {
				t.Fatal(err)
			}
			comps = append(comps, workflow.ComponentInput{Code: c.Code, BlobID: info.ID})
		}
	}
	d, err := svc.Receive(ctx, u, workflow.ReceiveInput{ProcedureCode: p.Code, Applicant: dossier.Applicant{Kind: dossier.ApplicantCitizen,
		Name: "Lê Văn Cường", IDNumber: "001090012345"}, Components: comps})
	if err != nil {
		t.Fatal(err)
	}
	n, err := svc.NotifyPending(ctx)
	if err != nil || n != 1 || len(rec.msgs) != 1 || rec.msgs[0] != "cuong@example.vn|Đã nhận hồ sơ trực tuyến "+d.Code {
		t.Fatalf("NotifyPending = %d, %v, %q; want one message to the account's e-mail", n, err, rec.msgs)
	}
	if n, _ := svc.NotifyPending(ctx); n != 0 {
		t.Errorf("second NotifyPending = %d; want 0 (event marked handled)", n)
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

type phoneRecorder struct {
	mu     sync.Mutex
	phones []string
}

func (r *phoneRecorder) Notify(ctx context.Context, to dossier.Applicant, subject, body string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.phones = append(r.phones, to.Phone+"|"+subject)
	return nil
}

// TestNotifyReachesApplicantsWithOnlyAPhone: an applicant who left only a
// phone number at the counter is notified (by SMS, notify.ByContact).
func TestNotifyReachesApplicantsWithOnlyAPhone(t *testing.T) {
	ctx := context.Background()
	rec := &phoneRecorder{}
	db, svc := stacktest.Demo(t, store.SQLite, workflow.Ports{Notifier: rec}, workflow.Config{Now: clocktest.Now})
	users := demotest.Users(t, db)
	b := demotest.Upload(t, svc, users["reception"], "scan")
	d, err := svc.Receive(ctx, users["reception"], workflow.ReceiveInput{ProcedureCode: "2.001610", Channel: dossier.ChannelCounter,
		Applicant:  dossier.Applicant{Kind: dossier.ApplicantCitizen, Name: "Nguyễn Văn An", IDNumber: "001090001234", Phone: "0912345678"},
		Components: []workflow.ComponentInput{{Code: "GDN", BlobID: b}, {Code: "GTPL", BlobID: b}}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := svc.NotifyPending(ctx); err != nil || n != 1 || len(rec.phones) != 1 || rec.phones[0] != "0912345678|Hồ sơ "+d.Code+" đã được tiếp nhận" {
		t.Fatalf("NotifyPending = %d, %v, %q; want one message to the phone", n, err, rec.phones)
	}
}

package workflow_test

import (
	"bytes"
	"context"
	"log/slog"
	"motcua/internal/clocktest"
	"net/smtp"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/blob"
	"motcua/demo"
	"motcua/dossier"
	"motcua/store"
	"motcua/store/storetest"
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
	db := storetest.Open(t, store.SQLite)
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	svc, err := workflow.New(db, blobs, nil, rec, nil, workflow.Config{BaseURL: "https://hcc.example.vn", Now: clocktest.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, svc, db); err != nil {
		t.Fatal(err)
	}
	// Loading the demo queues no dossier event: nothing to send.
	if n, err := svc.NotifyPending(ctx); err != nil || n != 0 {
		t.Fatalf("first NotifyPending = %d, %v; want 0", n, err)
	}
	u, err := svc.RegisterCitizen(ctx, workflow.NewUserInput{Username: "citizen1", Password: "Matkhau-2026", Name: "Lê Văn Cường",
		IDNumber: "001090012345", Email: "cuong@example.vn"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := db.Procedure(ctx, "2.001610")
	var comps []workflow.ComponentInput
	for _, c := range p.Components {
		if c.Required {
			info, err := svc.Upload(ctx, u, bytes.NewReader([]byte("%PDF-1.4\n"+c.Code+"\n%%EOF\n")))
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

func TestSMTPNotifierMessage(t *testing.T) {
	var got []byte
	var rcpt []string
	n := workflow.SMTPNotifier{Addr: "mail.example.vn:587", From: "Trung tâm HCC <noreply@hcc.example.vn>",
		Now: func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) },
		Send: func(addr string, a smtp.Auth, from string, to []string, msg []byte) error {
			if from != "noreply@hcc.example.vn" {
				t.Errorf("envelope from = %q", from)
			}
			got, rcpt = msg, to
			return nil
		}}
	if err := n.Notify(context.Background(), dossier.Applicant{Name: "A", Email: "a@example.vn"}, "Hồ sơ đã được tiếp nhận", "Nội dung\ndòng 2"); err != nil {
		t.Fatal(err)
	}
	s := string(got)
	if len(rcpt) != 1 || rcpt[0] != "a@example.vn" || !strings.Contains(s, "Subject: =?utf-8?q?") || !strings.Contains(s, "charset=utf-8") ||
		!strings.Contains(s, "Nội dung\r\ndòng 2") {
		t.Errorf("message = %q to %v", s, rcpt)
	}
	if err := n.Notify(context.Background(), dossier.Applicant{Name: "B"}, "x", "y"); err != nil {
		t.Errorf("Notify without e-mail = %v; want nil (skipped)", err)
	}
	if err := n.Notify(context.Background(), dossier.Applicant{Email: "a@x.vn\r\nBcc: evil@x.vn"}, "x", "y"); err == nil {
		t.Error("header injection in the address was accepted")
	}
	var buf bytes.Buffer
	workflow.LogNotifier{Log: slog.New(slog.NewTextHandler(&buf, nil))}.Notify(context.Background(), dossier.Applicant{Name: "Nguyễn Văn An"}, "s", "b")
	if !strings.Contains(buf.String(), "N***** V** An") || strings.Contains(buf.String(), "Nguyễn Văn An") {
		t.Errorf("log notifier = %q; want the masked name only", buf.String())
	}
}

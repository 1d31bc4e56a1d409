package notify_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"motcua/dossier"
	"motcua/notify"
	"motcua/workflow"
)

// Both adapters are workflow.Notifiers.
var (
	_ workflow.Notifier = notify.SMTP{}
	_ workflow.Notifier = notify.Log{}
)

func TestSMTPMessage(t *testing.T) {
	var got []byte
	var rcpt []string
	n := notify.SMTP{Addr: "mail.example.vn:587", From: "Trung tâm HCC <noreply@hcc.example.vn>",
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
		!strings.Contains(s, "Nội dung\r\ndòng 2") || !strings.Contains(s, "Date: Thu, 26 Nov 2026 09:00:00 +0000") {
		t.Errorf("message = %q to %v", s, rcpt)
	}
	if err := n.Notify(context.Background(), dossier.Applicant{Name: "B"}, "x", "y"); err != nil {
		t.Errorf("Notify without e-mail = %v; want nil (skipped)", err)
	}
	if err := n.Notify(context.Background(), dossier.Applicant{Email: "a@x.vn\r\nBcc: evil@x.vn"}, "x", "y"); err == nil {
		t.Error("header injection in the address was accepted")
	}
}

func TestLogMasksName(t *testing.T) {
	var buf bytes.Buffer
	notify.Log{Log: slog.New(slog.NewTextHandler(&buf, nil))}.Notify(context.Background(), dossier.Applicant{Name: "Nguyễn Văn An"}, "s", "b")
	if !strings.Contains(buf.String(), "N***** V** An") || strings.Contains(buf.String(), "Nguyễn Văn An") {
		t.Errorf("log notifier = %q; want the masked name only", buf.String())
	}
}

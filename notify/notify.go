// Package notify holds the adapters that deliver workflow's messages to
// applicants (workflow.Notifier): SMTP sends them by e-mail, Log writes
// them to the log (the demo and development default). cmd/motcua chooses
// one.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	"motcua/dossier"
)

// Log writes notifications to the log instead of sending them.
type Log struct{ Log *slog.Logger }

// Notify logs the message with the applicant's masked name.
func (n Log) Notify(ctx context.Context, to dossier.Applicant, subject, body string) error {
	l := n.Log
	if l == nil {
		l = slog.Default()
	}
	l.InfoContext(ctx, "notification", slog.String("to", dossier.MaskName(to.Name)), slog.Bool("email", to.Email != ""),
		slog.String("subject", subject), slog.String("body", body))
	return nil
}

// SMTP sends notifications by e-mail through an SMTP relay (net/smtp,
// STARTTLS when the server offers it). Applicants without an e-mail address
// are skipped.
type SMTP struct {
	Addr     string // host:port of the relay
	From     string // sender address, e.g. "Trung tâm HCC <noreply@hcc.bacninh.gov.vn>"
	Username string // optional PLAIN auth
	Password string
	// Now dates the messages; required.
	Now func() time.Time
	// Send is the transport; nil means smtp.SendMail. Tests replace it.
	Send func(addr string, a smtp.Auth, from string, to []string, msg []byte) error
}

// Notify sends one plain-text UTF-8 message to the applicant.
func (n SMTP) Notify(ctx context.Context, to dossier.Applicant, subject, body string) error {
	if to.Email == "" {
		return nil
	}
	if strings.ContainsAny(to.Email, "\r\n<>,") {
		return fmt.Errorf("notify: bad address")
	}
	from := n.From
	envFrom := from
	if i := strings.LastIndex(from, "<"); i >= 0 {
		envFrom = strings.TrimSuffix(from[i+1:], ">")
	}
	var auth smtp.Auth
	if n.Username != "" {
		host, _, _ := net.SplitHostPort(n.Addr)
		auth = smtp.PlainAuth("", n.Username, n.Password, host)
	}
	msg := BuildMail(from, to.Email, subject, body, n.Now())
	send := n.Send
	if send == nil {
		send = smtp.SendMail
	}
	if err := send(n.Addr, auth, envFrom, []string{to.Email}, msg); err != nil {
		return fmt.Errorf("notify: smtp: %w", err)
	}
	return nil
}

// BuildMail formats an RFC 5322 message with a UTF-8 (RFC 2047) subject and
// a quoted-printable-free 8bit UTF-8 body.
func BuildMail(from, to, subject, body string, at time.Time) []byte {
	var b strings.Builder
	b.WriteString("From: " + from + "\r\n")
	b.WriteString("To: " + to + "\r\n")
	b.WriteString("Subject: " + mime.QEncoding.Encode("utf-8", subject) + "\r\n")
	b.WriteString("Date: " + at.Format(time.RFC1123Z) + "\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
	b.WriteString("\r\n")
	return []byte(b.String())
}

package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
)

// LogNotifier writes notifications to the log instead of sending them (the
// demo and development default).
type LogNotifier struct{ Log *slog.Logger }

// Notify logs the message with the applicant's masked name.
func (n LogNotifier) Notify(ctx context.Context, to dossier.Applicant, subject, body string) error {
	l := n.Log
	if l == nil {
		l = slog.Default()
	}
	l.InfoContext(ctx, "notification", slog.String("to", dossier.MaskName(to.Name)), slog.Bool("email", to.Email != ""),
		slog.String("subject", subject), slog.String("body", body))
	return nil
}

// SMTPNotifier sends notifications by e-mail through an SMTP relay
// (net/smtp, STARTTLS when the server offers it). Applicants without an
// e-mail address are skipped.
type SMTPNotifier struct {
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
func (n SMTPNotifier) Notify(ctx context.Context, to dossier.Applicant, subject, body string) error {
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

// notifyMaxAttempts is how many times a message is tried before the relay
// gives up on it (logged) so that it does not hold the others back.
const notifyMaxAttempts = 10

// NotifyMessage returns the message an applicant gets for a dossier event,
// or ok=false when the event is not worth a message.
func NotifyMessage(action dossier.Action, d *dossier.Dossier, baseURL string) (subject, body string, ok bool) {
	link := strings.TrimRight(baseURL, "/") + "/cong-dan"
	switch action {
	case dossier.ActSubmit:
		subject = "Đã nhận hồ sơ trực tuyến " + d.Code
		body = "Hồ sơ " + d.Code + " (" + d.ProcedureName + ") đã được gửi và đang chờ cán bộ tiếp nhận kiểm tra."
	case dossier.ActAccept, dossier.ActReceive:
		subject = "Hồ sơ " + d.Code + " đã được tiếp nhận"
		body = "Hồ sơ " + d.Code + " (" + d.ProcedureName + ") đã được tiếp nhận."
		if d.DueAt != nil {
			body += " Ngày hẹn trả kết quả: " + d.DueAt.In(notifyZone).Format("15:04 02/01/2006") + "."
		}
	case dossier.ActRequestSupplement:
		subject = "Hồ sơ " + d.Code + " cần bổ sung"
		body = "Hồ sơ " + d.Code + " cần bổ sung, hoàn thiện. Vui lòng đăng nhập để xem yêu cầu và nộp bổ sung."
	case dossier.ActIssue:
		subject = "Kết quả hồ sơ " + d.Code + " đã có"
		body = "Kết quả giải quyết hồ sơ " + d.Code + " đã được ký số, đóng dấu và sẵn sàng trả."
	case dossier.ActReturn:
		subject = "Đã trả kết quả hồ sơ " + d.Code
		body = "Kết quả hồ sơ " + d.Code + " đã được trả. Mời ông/bà đánh giá mức độ hài lòng với mã tra cứu trên giấy tiếp nhận."
	case dossier.ActRefuse:
		subject = "Hồ sơ " + d.Code + " bị từ chối"
		body = "Hồ sơ " + d.Code + " bị từ chối giải quyết. Lý do: " + d.Reason
	case dossier.ActApologize:
		subject = "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ " + d.Code
		body = "Hồ sơ " + d.Code + " chậm so với ngày hẹn; cơ quan giải quyết xin lỗi và hẹn lại ngày trả kết quả."
	default:
		return "", "", false
	}
	return subject, body + "\n\nTheo dõi hồ sơ: " + link + "\n(Thư tự động, vui lòng không trả lời.)", true
}

var notifyZone = time.FixedZone("ICT", 7*3600)

// RelayNotifications reads dossier events from the outbox and notifies
// applicants through the Notifier until ctx ends. Every instance may run
// it: each event is claimed by one relay and marked handled
// (store.DeliverDossierEvents), so a message goes out once. Without a
// Notifier it returns at once.
func (s *Service) RelayNotifications(ctx context.Context, every time.Duration) error {
	if s.note == nil {
		return nil
	}
	if every <= 0 {
		every = 2 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.NotifyPending(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("notify relay", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// NotifyPending sends the notifications of the dossier events no relay has
// handled yet and returns how many messages were sent. It stops at the
// first failed send: that event is retried on the next call, up to
// notifyMaxAttempts times.
func (s *Service) NotifyPending(ctx context.Context) (int, error) {
	if s.note == nil {
		return 0, nil
	}
	sent := 0
	for {
		n, err := s.db.DeliverDossierEvents(ctx, s.now(), 200, func(e store.OutboxEvent) error {
			ok, err := s.notifyEvent(ctx, e)
			if err != nil && e.Attempts+1 >= notifyMaxAttempts {
				s.log.Error("notification abandoned", slog.Int64("event", e.ID), slog.Int("attempts", e.Attempts+1), slog.Any("err", err))
				return nil
			}
			if ok && err == nil {
				sent++
			}
			return err
		})
		if err != nil || n < 200 {
			return sent, err
		}
	}
}

// notifyEvent sends the message of one dossier event, if it has one.
func (s *Service) notifyEvent(ctx context.Context, e store.OutboxEvent) (bool, error) {
	var p struct {
		Code   string `json:"code"`
		Action string `json:"action"`
	}
	if json.Unmarshal([]byte(e.Payload), &p) != nil || p.Code == "" {
		return false, nil
	}
	d, err := s.db.Dossier(ctx, p.Code, store.Scope{All: true})
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err // the database is away: retried next round
	}
	subject, body, ok := NotifyMessage(dossier.Action(p.Action), d, s.cfg.BaseURL)
	if !ok || (d.Applicant.Email == "" && d.ApplicantUser == 0) {
		return false, nil
	}
	to := d.Applicant
	if to.Email == "" && d.ApplicantUser != 0 {
		if u, err := s.db.User(ctx, d.ApplicantUser); err == nil {
			to.Email = u.Email
		}
	}
	if err := s.note.Notify(ctx, to, subject, body); err != nil {
		return false, err
	}
	return true, nil
}

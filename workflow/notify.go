package workflow

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"time"

	"motcua/dossier"
	"motcua/store"
)

// NotifyMessage returns the message an applicant gets for a dossier event,
// or ok=false when the event is not worth a message.
func NotifyMessage(action dossier.Action, d *dossier.Dossier, baseURL string) (subject, body string, ok bool) {
	// An online applicant follows the dossier in the citizens' area; one
	// who applied at the counter has no account there, and looks it up
	// with the lookup code printed on the receipt (issue 19).
	base := strings.TrimRight(baseURL, "/")
	online := d.Channel == dossier.ChannelOnline
	link := base + "/tra-cuu (nhập mã tra cứu in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả)"
	if online {
		link = base + "/cong-dan/ho-so/" + d.Code
	}
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
		if !online {
			body = "Hồ sơ " + d.Code + " cần bổ sung, hoàn thiện. Vui lòng mang giấy tờ bổ sung đến Bộ phận tiếp nhận và trả kết quả; nội dung cần bổ sung ghi trong phiếu yêu cầu bổ sung (Mẫu 02)."
		}
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
		// NĐ 61/2018 Điều 19.9: the desk updates the date and tells the
		// applicant the new one — in the subject too, which is all an SMS
		// carries.
		if d.DueAt != nil {
			when := d.DueAt.In(notifyZone).Format("15:04 02/01/2006")
			subject += ": hẹn trả " + when
			body += " Ngày hẹn trả kết quả mới: " + when + "."
		}
	default:
		return "", "", false
	}
	return subject, body + "\n\nTheo dõi hồ sơ: " + link + "\n(Thư tự động, vui lòng không trả lời.)", true
}

var notifyZone = time.FixedZone("ICT", 7*3600)

// NotifyDestination is the outbox destination of applicants' messages.
const NotifyDestination = "notify"

// addNotifyDestination registers the Notifier as an outbox destination:
// the dossier events that have a message (NotifyMessage) get a delivery.
func (s *Service) addNotifyDestination() {
	route := func(topic string, _ []byte) (string, bool) {
		a, ok := strings.CutPrefix(topic, "dossier.")
		if !ok {
			return "", false
		}
		_, _, ok = NotifyMessage(dossier.Action(a), &dossier.Dossier{}, "")
		return "", ok
	}
	deliver := func(ctx context.Context, m Delivery) error {
		_, err := s.notifyEvent(ctx, store.OutboxEvent{ID: m.EventID, Topic: m.Topic, Payload: m.Payload})
		return err
	}
	s.AddDestination(NotifyDestination, DestinationFunc(deliver), route, DestinationOptions{MaxAttempts: 10})
}

// RelayNotifications runs the outbox relay (RelayOutbox), which delivers
// applicants' messages among the others, until ctx ends. Without a
// Notifier nor another destination it returns at once.
func (s *Service) RelayNotifications(ctx context.Context, every time.Duration) error {
	if names, _ := s.destinations(); len(names) == 0 {
		return nil
	}
	s.RelayOutbox(ctx, every)
	return nil
}

// NotifyPending delivers the applicants' messages that are due now and
// returns how many the Notifier accepted (events without a message count
// as delivered, not sent). A failed message is tried again after its
// back-off.
func (s *Service) NotifyPending(ctx context.Context) (int, error) {
	if s.note == nil {
		return 0, nil
	}
	var sent atomic.Int64
	ctx = context.WithValue(ctx, sentNotesKey{}, &sent)
	for {
		n, err := s.DeliverDue(ctx, 200, NotifyDestination)
		if err != nil || n == 0 {
			return int(sent.Load()), err
		}
	}
}

// sentNotesKey carries NotifyPending's count of messages sent.
type sentNotesKey struct{}

// notifyEvent sends the message of one dossier event, if it has one.
func (s *Service) notifyEvent(ctx context.Context, e store.OutboxEvent) (bool, error) {
	var p struct {
		Code   string `json:"code"`
		Action string `json:"action"`
	}
	if json.Unmarshal([]byte(e.Payload), &p) != nil || p.Code == "" {
		return false, nil
	}
	d, err := s.dossierHead(ctx, p.Code)
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err // the database is away: retried next round
	}
	subject, body, ok := NotifyMessage(dossier.Action(p.Action), d, s.cfg.BaseURL)
	if !ok || (d.Applicant.Email == "" && d.Applicant.Phone == "" && d.ApplicantUser == 0) {
		return false, nil
	}
	to := d.Applicant
	if to.Email == "" && d.ApplicantUser != 0 {
		if u, err := s.db.User(ctx, d.ApplicantUser); err == nil {
			to.Email = u.Email
			if to.Phone == "" {
				to.Phone = u.Phone
			}
		}
	}
	if err := s.note.Notify(ctx, to, subject, body); err != nil {
		return false, err
	}
	if c, ok := ctx.Value(sentNotesKey{}).(*atomic.Int64); ok {
		c.Add(1)
	}
	return true, nil
}

package workflow

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
)

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
	// Most events (assign, appraisal, approval…) send nothing: they are
	// passed over before reading the dossier (a tenth of a transition's
	// CPU went to reading dossiers for nothing).
	if _, _, ok := NotifyMessage(dossier.Action(p.Action), &dossier.Dossier{}, ""); !ok {
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

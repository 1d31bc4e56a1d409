package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"motcua/dossier"
	"motcua/store"
	"motcua/vntext"
)

// QueueCall is one call of a ticket to a counter, as shown on the counter
// display (contract §8: every call is an `event: call`).
type QueueCall struct {
	EventID     int64              `json:"event_id"`
	CenterCode  string             `json:"center_code"`
	Number      int64              `json:"number"`
	ServiceCode string             `json:"service_code"`
	ServiceName string             `json:"service_name,omitempty"`
	Counter     string             `json:"counter"`
	CounterCode string             `json:"counter_code"`
	CounterName string             `json:"counter_name"`
	Recall      bool               `json:"recall"`
	CalledAt    time.Time          `json:"called_at"`
	Ticket      *store.QueueTicket `json:"ticket"`
}

// TopicQueueCall is the outbox topic of queue calls; other instances relay
// them to their displays.
const TopicQueueCall = "queue.call"

// QueueCallInput is a counter's call request.
type QueueCallInput struct {
	CenterCode   string   `json:"center_code"`
	CounterCode  string   `json:"counter_code"`
	ServiceCodes []string `json:"service_codes,omitempty"` // only these services (optional)
}

// QueueDay is the civil day (Asia/Ho_Chi_Minh) of t, which numbers tickets.
func (s *Service) QueueDay(t time.Time) string { return t.In(s.Location()).Format("2006-01-02") }

// QueueServices lists what the kiosks of center offer ("" = every center).
// A center without a configured list gets one seeded from the fields of the
// procedures it serves, plus the return of results. An unknown center is
// ENOTFOUND.
func (s *Service) QueueServices(ctx context.Context, center string) ([]store.QueueService, error) {
	ss, err := s.db.QueueServices(ctx, center)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, sv := range ss {
		have[sv.CenterCode] = true
	}
	var missing []string
	if center != "" {
		if !have[center] {
			missing = append(missing, center)
		}
	} else {
		cs, err := s.db.Centers(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if !have[c.Code] {
				missing = append(missing, c.Code)
			}
		}
	}
	if len(missing) == 0 {
		return ss, nil
	}
	err = s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		for _, c := range missing {
			if err := seedQueueServices(tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.db.QueueServices(ctx, center)
}

// seedQueueServices fills the services of a center from the catalog when
// it has none; an unknown center is ENOTFOUND.
func seedQueueServices(tx *store.Tx, center string) error {
	if _, err := tx.Center(center); err != nil {
		return err
	}
	has, err := tx.HasQueueServices(center)
	if err != nil || has {
		return err
	}
	fields, err := tx.ServedFields(center)
	if err != nil {
		return err
	}
	ss := make([]store.QueueService, 0, len(fields)+1)
	seen := map[string]bool{}
	for _, f := range fields {
		code := ServiceCodeOf(f)
		if code == "" || seen[code] {
			continue
		}
		seen[code] = true
		ss = append(ss, store.QueueService{CenterCode: center, ServiceCode: code, Name: f})
	}
	if len(ss) == 0 {
		ss = append(ss, store.QueueService{CenterCode: center, ServiceCode: "TIEP-NHAN", Name: "Tiếp nhận hồ sơ"})
	}
	ss = append(ss, store.QueueService{CenterCode: center, ServiceCode: "TRA-KET-QUA", Name: "Nhận kết quả"})
	return tx.ReplaceQueueServices(center, ss)
}

// ServiceCodeOf derives a service code from a field name: "Hộ tịch" →
// "HO-TICH".
func ServiceCodeOf(field string) string {
	var b strings.Builder
	dash := false
	for _, r := range vntext.Fold(field) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
			dash = false
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if len(out) > 40 {
		out = strings.TrimRight(out[:40], "-")
	}
	return out
}

// SetQueueServices replaces the services of a center (admins).
func (s *Service) SetQueueServices(ctx context.Context, u *dossier.User, center string, ss []store.QueueService) ([]store.QueueService, error) {
	if err := needAdmin(u); err != nil {
		return nil, err
	}
	var fs []dossier.FieldError
	seen := map[string]bool{}
	for i, sv := range ss {
		if !dossier.ValidCode(sv.ServiceCode) || seen[sv.ServiceCode] {
			fs = append(fs, dossier.FieldError{Field: "services[" + strconv.Itoa(i) + "].service_code", Message: "Mã dịch vụ không hợp lệ hoặc bị lặp"})
		}
		seen[sv.ServiceCode] = true
		if n := len([]rune(strings.TrimSpace(sv.Name))); n < 2 || n > 200 {
			fs = append(fs, dossier.FieldError{Field: "services[" + strconv.Itoa(i) + "].name", Message: "Tên dịch vụ từ 2 đến 200 ký tự"})
		}
	}
	if len(ss) == 0 {
		fs = append(fs, dossier.FieldError{Field: "services", Message: "Cần ít nhất một dịch vụ"})
	}
	if len(fs) > 0 {
		return nil, dossier.Invalid("Danh sách dịch vụ không hợp lệ", fs...)
	}
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		if _, err := tx.Center(center); err != nil {
			return err
		}
		if err := tx.ReplaceQueueServices(center, ss); err != nil {
			return err
		}
		return tx.Audit(u.Username, "queue.services", "center", center, "")
	})
	if err != nil {
		return nil, err
	}
	return s.db.QueueServices(ctx, center)
}

// IssueTicket issues the next queue ticket of center for service (public
// kiosk). Unknown center: ENOTFOUND; unknown service: EUNPROCESSABLE.
func (s *Service) IssueTicket(ctx context.Context, center, service string) (*store.QueueTicket, error) {
	center, service = strings.TrimSpace(center), strings.TrimSpace(service)
	var fs []dossier.FieldError
	if center == "" {
		fs = append(fs, dossier.FieldError{Field: "center_code", Message: "bắt buộc"})
	}
	if service == "" {
		fs = append(fs, dossier.FieldError{Field: "service_code", Message: "bắt buộc"})
	}
	if len(fs) > 0 {
		return nil, dossier.Invalid("Thiếu trung tâm hoặc dịch vụ", fs...)
	}
	var t *store.QueueTicket
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		ss, err := tx.QueueServices(center)
		if err != nil {
			return err
		}
		if len(ss) == 0 {
			// First ticket of a center: seed its services from the catalog.
			if err := seedQueueServices(tx, center); err != nil {
				return err
			}
			ss, err = tx.QueueServices(center)
		}
		if err != nil {
			return err
		}
		name := ""
		for _, sv := range ss {
			if sv.ServiceCode == service {
				name = sv.Name
			}
		}
		if name == "" {
			e := dossier.Errorf(dossier.EUNPROCESSABLE, "Dịch vụ %s không có tại trung tâm này", service)
			e.Fields = []dossier.FieldError{{Field: "service_code", Message: "không có dịch vụ " + service}}
			return e
		}
		t, err = tx.IssueTicket(center, service, s.QueueDay(tx.Now()))
		if err != nil {
			return err
		}
		t.ServiceName = name
		return nil
	})
	return t, err
}

// counterOf resolves and checks the center and counter of a call: the
// caller must be reception at the center; the counter defaults to the
// officer's own.
func (s *Service) counterOf(tx *store.Tx, u *dossier.User, in *QueueCallInput) (*dossier.Counter, error) {
	if u == nil {
		return nil, unauthorized()
	}
	if in.CenterCode == "" && len(u.Centers) == 1 {
		in.CenterCode = u.Centers[0]
	}
	if in.CounterCode == "" {
		in.CounterCode = u.Counter
	}
	var fs []dossier.FieldError
	if in.CenterCode == "" {
		fs = append(fs, dossier.FieldError{Field: "center_code", Message: "bắt buộc"})
	}
	if in.CounterCode == "" {
		fs = append(fs, dossier.FieldError{Field: "counter_code", Message: "Cán bộ chưa được gán quầy; cần chỉ rõ quầy"})
	}
	if len(fs) > 0 {
		return nil, dossier.Invalid("Thiếu trung tâm hoặc quầy", fs...)
	}
	if !u.Has(dossier.RoleReception) || !u.AtCenter(in.CenterCode) {
		return nil, forbidden("Chỉ cán bộ tiếp nhận của trung tâm được gọi số")
	}
	c, err := tx.Center(in.CenterCode)
	if err != nil {
		return nil, err
	}
	for _, k := range c.Counters {
		if k.Code == in.CounterCode {
			return &k, nil
		}
	}
	if len(c.Counters) == 0 {
		return &dossier.Counter{Code: in.CounterCode, Name: "Quầy " + in.CounterCode}, nil
	}
	return nil, dossier.Invalid("Quầy không thuộc trung tâm", dossier.FieldError{Field: "counter_code", Message: "không có quầy " + in.CounterCode})
}

// CallNext closes the counter's current ticket and calls the oldest waiting
// one (reception at the center). It returns store.ErrNoTicket when nobody
// waits. The call is queued in the outbox (topic queue.call) in the same
// transaction.
func (s *Service) CallNext(ctx context.Context, u *dossier.User, in QueueCallInput) (*QueueCall, error) {
	return s.queueOp(ctx, u, in, "call")
}

// Recall announces the counter's current ticket again.
func (s *Service) Recall(ctx context.Context, u *dossier.User, in QueueCallInput) (*QueueCall, error) {
	return s.queueOp(ctx, u, in, "recall")
}

// Skip marks the counter's current ticket as a no-show.
func (s *Service) Skip(ctx context.Context, u *dossier.User, in QueueCallInput) (*store.QueueTicket, error) {
	c, err := s.queueOp(ctx, u, in, "skip")
	if err != nil {
		return nil, err
	}
	return c.Ticket, nil
}

// FinishTicket marks the counter's current ticket as served.
func (s *Service) FinishTicket(ctx context.Context, u *dossier.User, in QueueCallInput) (*store.QueueTicket, error) {
	c, err := s.queueOp(ctx, u, in, "finish")
	if err != nil {
		return nil, err
	}
	return c.Ticket, nil
}

func (s *Service) queueOp(ctx context.Context, u *dossier.User, in QueueCallInput, op string) (*QueueCall, error) {
	var call *QueueCall
	err := s.db.InTx(ctx, s.now(), func(tx *store.Tx) error {
		k, err := s.counterOf(tx, u, &in)
		if err != nil {
			return err
		}
		var t *store.QueueTicket
		if op == "call" {
			t, err = tx.CallNext(in.CenterCode, k.Code, s.QueueDay(tx.Now()), in.ServiceCodes, u.ID)
		} else {
			t, err = tx.UpdateCurrentTicket(in.CenterCode, k.Code, op)
		}
		if err != nil {
			return err
		}
		call = &QueueCall{CenterCode: t.CenterCode, Number: t.Number, ServiceCode: t.ServiceCode, ServiceName: t.ServiceName,
			Counter: k.Code, CounterCode: k.Code, CounterName: k.Name, Recall: op == "recall", CalledAt: tx.Now(), Ticket: t}
		if op != "call" && op != "recall" {
			return nil
		}
		b, err := json.Marshal(call)
		if err != nil {
			return err
		}
		if call.EventID, err = tx.OutboxWithID(TopicQueueCall, b); err != nil {
			return err
		}
		// The other instances' displays hear of it at commit.
		return tx.Notify(queueCallChannel, strconv.FormatInt(call.EventID, 10)+" "+string(b))
	})
	if err != nil {
		return nil, err
	}
	return call, nil
}

// IsNoTicket reports whether err means there was no ticket to act on.
func IsNoTicket(err error) bool { return errors.Is(err, store.ErrNoTicket) }

// QueueStats returns average waiting and serving times per service and
// counter for tickets issued in [from, to) (officers of the center,
// supervisors and admins). A zero bound means today's.
func (s *Service) QueueStats(ctx context.Context, u *dossier.User, center string, from, to time.Time) ([]store.QueueStat, error) {
	if u == nil {
		return nil, unauthorized()
	}
	from, to, err := s.periodOrToday(from, to)
	if err != nil {
		return nil, err
	}
	if !u.Has(dossier.RoleAdmin) {
		if center == "" && len(u.Centers) == 1 {
			center = u.Centers[0]
		}
		if center == "" || !u.AtCenter(center) || !u.HasAny(dossier.RoleReception, dossier.RoleSupervisor) {
			return nil, forbidden("Chỉ cán bộ của trung tâm, giám sát hoặc quản trị được xem thống kê hàng đợi")
		}
	}
	return s.db.QueueStats(ctx, center, from, to)
}

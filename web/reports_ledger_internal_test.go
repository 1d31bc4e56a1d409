package web

import (
	"testing"
	"time"

	"motcua/workflow"
)

// TestLedgerEntryKeepsTheOriginalAppointment: the register (Sổ theo dõi hồ
// sơ, TT 01/2018 Mẫu 06 / TT 03/2025 Mẫu 07) shows under "Hẹn trả kết quả"
// the appointment lateness is measured against, so that next to "Trả kết
// quả" a late dossier reads late; an apology's new date (NĐ 61/2018 Điều
// 19.9) is a note, not the appointment. By hand: received Mon 2/11/2026
// 09:00, appointment Thu 5/11 17:00, apology to Mon 9/11 17:00, returned
// Fri 6/11 10:00.
func TestLedgerEntryKeepsTheOriginalAppointment(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	at := func(d, h int) *time.Time { t := time.Date(2026, 11, d, h, 0, 0, 0, ict); return &t }
	for _, c := range []struct {
		name string
		row  workflow.LedgerRow
		due  time.Time
		note string
	}{
		{"returned after an apology", workflow.LedgerRow{Status: "returned", ReceivedAt: *at(2, 9), DueAt: at(9, 17), MeasureDueAt: at(5, 17), FinishedAt: at(6, 10)},
			*at(5, 17), "Hẹn lại 17:00 09/11/2026 (phiếu xin lỗi)"},
		{"open after an apology", workflow.LedgerRow{Status: "appraising", ReceivedAt: *at(2, 9), DueAt: at(9, 17), MeasureDueAt: at(5, 17)},
			*at(5, 17), "Đang thẩm định; Hẹn lại 17:00 09/11/2026 (phiếu xin lỗi)"},
		{"returned, no apology", workflow.LedgerRow{Status: "returned", ReceivedAt: *at(2, 9), DueAt: at(5, 17), MeasureDueAt: at(5, 17), FinishedAt: at(5, 10)},
			*at(5, 17), ""},
		{"refused", workflow.LedgerRow{Status: "refused", Reason: "Không đủ điều kiện", ReceivedAt: *at(2, 9), DueAt: at(5, 17), MeasureDueAt: at(5, 17), FinishedAt: at(3, 10)},
			*at(5, 17), "Từ chối giải quyết: Không đủ điều kiện"},
		{"a row without a measure date", workflow.LedgerRow{Status: "returned", ReceivedAt: *at(2, 9), DueAt: at(5, 17), FinishedAt: at(5, 10)},
			*at(5, 17), ""},
	} {
		e := ledgerEntry(c.row, ict)
		if !e.DueAt.Equal(c.due) || e.Note != c.note {
			t.Errorf("%s: appointment %v, note %q; want %v, %q", c.name, e.DueAt, e.Note, c.due, c.note)
		}
	}
}

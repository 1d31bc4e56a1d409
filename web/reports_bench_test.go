package web

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"motcua/internal/clocktest"
	"motcua/pdf"
)

// peakHeap samples the heap in use every 5 ms until stop is closed.
func peakHeap(stop <-chan struct{}) *atomic.Uint64 {
	var peak atomic.Uint64
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if v := m.HeapInuse + m.StackInuse; v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return &peak
}

// vmHWM returns the process's peak resident set size in MB (Linux).
func vmHWM() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// benchExport runs export once per benchmark loop and reports the time it
// took (building its input included), the peak heap while it ran and the
// process's peak RSS.
func benchExport(b *testing.B, export func() error) {
	for b.Loop() {
		stop := make(chan struct{})
		peak := peakHeap(stop)
		start := clocktest.Now()
		if err := export(); err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		close(stop)
		b.ReportMetric(el.Seconds(), "s/export")
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
		b.ReportMetric(vmHWM(), "peak-RSS-MB")
	}
}

// BenchmarkXLSXExport100k streams a 100,000-row report (12 columns: text,
// numbers, dates) through writeXLSXTo, reporting time, peak heap and
// peak RSS.
//
//	go test ./web -run '^$' -bench XLSXExport -benchtime 3x
func BenchmarkXLSXExport100k(b *testing.B) {
	loc := time.FixedZone("ICT", 7*3600)
	base := time.Date(2025, 1, 2, 8, 0, 0, 0, loc)
	benchExport(b, func() error {
		sh := xlsxSheet{Title: "DANH SÁCH HỒ SƠ", Sub: "Kỳ báo cáo: 01/01/2025 – 31/12/2025",
			Headers: []string{"Mã hồ sơ", "Thủ tục", "Người nộp", "Địa chỉ", "Cơ quan", "Kênh", "Tiếp nhận", "Hẹn trả", "Trả kết quả", "Kết quả", "Số ngày", "Phí"},
			Widths:  []float64{28, 50, 28, 40, 30, 12, 18, 18, 18, 14, 10, 12}, DateCols: map[int]bool{6: true, 7: true, 8: true},
			Rows: func(yield func([]any) bool) {
				row := make([]any, 12)
				for i := 0; i < 100_000; i++ {
					rec := base.Add(time.Duration(i) * 5 * time.Minute)
					row[0] = fmt.Sprintf("000.00.21.H06-%s-%04d", rec.Format("060102"), i%10000)
					row[1] = "Đăng ký thành lập doanh nghiệp tư nhân"
					row[2] = "Nguyễn Thị Ánh Tuyết"
					row[3] = "Số 11 đường Lý Thái Tổ, phường Suối Hoa, thành phố Bắc Ninh"
					row[4] = "Sở Kế hoạch và Đầu tư"
					row[5] = "Trực tiếp"
					row[6] = localTime(rec, loc)
					row[7] = localTime(rec.Add(72*time.Hour), loc)
					row[8] = localTime(rec.Add(50*time.Hour), loc)
					row[9] = "Trước hạn"
					row[10] = int64(i % 15)
					row[11] = int64(50000)
					if !yield(row) {
						return
					}
				}
			}}
		return writeXLSXTo(io.Discard, sh)
	})
}

// BenchmarkLedgerXLSX100k writes a 100,000-dossier ledger (Mẫu 07) with
// pdf.WriteLedgerXLSX, as GET /api/v1/reports/ledger.xlsx does.
//
//	go test ./web -run '^$' -bench LedgerXLSX -benchtime 3x
func BenchmarkLedgerXLSX100k(b *testing.B) {
	loc := time.FixedZone("ICT", 7*3600)
	base := time.Date(2025, 1, 2, 8, 0, 0, 0, loc)
	benchExport(b, func() error {
		l := pdf.Ledger{Year: 2025}
		for i := 0; i < 100_000; i++ {
			rec := base.Add(time.Duration(i) * 5 * time.Minute)
			l.Entries = append(l.Entries, pdf.LedgerEntry{DossierCode: fmt.Sprintf("000.00.21.H06-%s-%04d", rec.Format("060102"), i%10000),
				Procedure: "Đăng ký thành lập doanh nghiệp tư nhân", Applicant: "Nguyễn Thị Ánh Tuyết", Address: "Số 11 đường Lý Thái Tổ, Bắc Ninh",
				Phone: "0912345678", Agency: "Sở Kế hoạch và Đầu tư", ReceivedAt: rec, DueAt: rec.Add(72 * time.Hour), ReturnedAt: rec.Add(50 * time.Hour),
				ResultMethod: "Trực tiếp"})
		}
		return pdf.WriteLedgerXLSX(io.Discard, l)
	})
}

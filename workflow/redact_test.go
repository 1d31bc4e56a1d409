package workflow_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"motcua/workflow"
)

// Logs carry no identity number, phone or e-mail in clear, whatever the
// attribute's kind (issue 16 item 14).
func TestRedactLogs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(workflow.RedactLogs(slog.NewJSONHandler(&buf, nil)))
	log = slog.New(workflow.RedactLogs(log.Handler())) // wrapping twice is harmless
	log.With("applicant", "027190001234").WithGroup("req").Error("lỗi với 001090005678",
		slog.String("path", "/api/v1/warehouse/001203004321"),
		slog.Any("err", errors.New("store: 0912345678 an@example.vn")),
		slog.Group("g", slog.String("id", "123456789012")),
		slog.Int("count", 123456789012))
	out := buf.String()
	for _, clear := range []string{"027190001234", "001090005678", "001203004321", "0912345678", "an@example.vn", "123456789012\""} {
		if strings.Contains(out, clear) {
			t.Errorf("log carries %q in clear: %s", clear, out)
		}
	}
	for _, masked := range []string{"********1234", "********5678", "********4321", "******5678", "a*@example.vn"} {
		if !strings.Contains(out, masked) {
			t.Errorf("log lacks %q: %s", masked, out)
		}
	}
}

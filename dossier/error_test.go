package dossier

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// TestErrorAccessors: the code, message and fields of a domain error are
// found through wrapping; any other error is internal, with a generic
// message that shows nothing of it (RFC 9457 answers, contract §2).
func TestErrorAccessors(t *testing.T) {
	field := FieldError{Field: "name", Message: "bắt buộc"}
	wrapped := fmt.Errorf("import: %w", Invalid("Thiếu tên", field))
	if ErrorCode(wrapped) != EINVALID || ErrorMessage(wrapped) != "Thiếu tên" || !slices.Equal(ErrorFields(wrapped), []FieldError{field}) {
		t.Errorf("wrapped: %q %q %v", ErrorCode(wrapped), ErrorMessage(wrapped), ErrorFields(wrapped))
	}
	other := errors.New("pq: connection refused")
	if ErrorCode(other) != EINTERNAL || ErrorMessage(other) != "Lỗi hệ thống, vui lòng thử lại sau." || ErrorFields(other) != nil {
		t.Errorf("other: %q %q %v", ErrorCode(other), ErrorMessage(other), ErrorFields(other))
	}
	if ErrorCode(nil) != "" {
		t.Errorf("ErrorCode(nil) = %q", ErrorCode(nil))
	}
}

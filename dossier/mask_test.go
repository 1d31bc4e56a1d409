package dossier

import "testing"

// Issue 16 item 14: public pages and logs show an ID number's last 4
// digits only (security.md ASVS 16.2.5 and 8.2.3).
func TestMasking(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"001203001234", "********1234"},
		{"0100109106-001", "**********-001"},
		{"123", "***"},
		{"", ""},
	} {
		if got := MaskID(tt.in); got != tt.want {
			t.Errorf("MaskID(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	if got := MaskDocumentCode("027190001234.GCN-DKDN.2026.000001"); got != "********1234.GCN-DKDN.2026.000001" {
		t.Errorf("MaskDocumentCode = %q", got)
	}
	for _, tt := range []struct{ in, want string }{
		{"GET /api/v1/warehouse/027190001234", "GET /api/v1/warehouse/********1234"},
		{"gọi 0912345678 hoặc thư an.nguyen@example.vn", "gọi ******5678 hoặc thư a********@example.vn"},
		{"hồ sơ 000.00.21.H06-261126-0001", "hồ sơ 000.00.21.H06-261126-0001"},
		{"12345678", "12345678"},
	} {
		if got := RedactText(tt.in); got != tt.want {
			t.Errorf("RedactText(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

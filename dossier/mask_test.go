package dossier

import "testing"

// Issue 16 item 14: public pages and logs show an ID number's last 4
// digits only (security.md ASVS 16.2.5 and 8.2.3).
func TestMasking(t *testing.T) {
	for _, tt := range []struct {
		name     string
		mask     func(string) string
		in, want string
	}{
		{"MaskID", MaskID, "001203001234", "********1234"},
		{"MaskID", MaskID, "0100109106-001", "**********-001"},
		{"MaskID", MaskID, "123", "***"},
		{"MaskID", MaskID, "", ""},
		{"MaskDocumentCode", MaskDocumentCode, "027190001234.GCN-DKDN.2026.000001", "********1234.GCN-DKDN.2026.000001"},
		{"RedactText", RedactText, "GET /api/v1/warehouse/027190001234", "GET /api/v1/warehouse/********1234"},
		{"RedactText", RedactText, "gọi 0912345678 hoặc thư an.nguyen@example.vn", "gọi ******5678 hoặc thư a********@example.vn"},
		{"RedactText", RedactText, "hồ sơ 000.00.21.H06-261126-0001", "hồ sơ 000.00.21.H06-261126-0001"},
		{"RedactText", RedactText, "12345678", "12345678"},
	} {
		if got := tt.mask(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q; want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

package vntext

import (
	"bytes"
	"slices"
	"testing"
)

func TestNFC(t *testing.T) {
	nfd := "Nguye\u0302\u0303n Thi\u0323 A\u0301nh"
	if got, want := NFC(nfd), "Nguyễn Thị Ánh"; got != want {
		t.Errorf("NFC(%q) = %q; want %q", nfd, got, want)
	}
	if got := NFC("  Bắc Ninh \n"); got != "Bắc Ninh" {
		t.Errorf("NFC trims: got %q", got)
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Giấy phép xây dựng", "giay phep xay dung"},
		{"ĐẶNG THỊ ĐÀO", "dang thi dao"},
		{"Đăng  ký\thộ kinh doanh", "dang ky ho kinh doanh"},
		{"Nguye\u0302\u0303n", "nguyen"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q; want %q", tt.in, got, tt.want)
		}
		if got := Fold(Fold(tt.in)); got != tt.want {
			t.Errorf("Fold is not idempotent on %q: %q", tt.in, got)
		}
	}
}

func TestSortKeyVietnameseOrder(t *testing.T) {
	want := []string{"Anh", "Ánh", "Ăn", "Ân", "Bình", "Dương", "Đặng", "Oanh", "Ô", "Ơn", "Uyên", "Ưng"}
	got := slices.Clone(want)
	slices.Reverse(got)
	s := NewSorter()
	slices.SortFunc(got, func(a, b string) int { return bytes.Compare(s.Key(a), s.Key(b)) })
	if !slices.Equal(got, want) {
		t.Errorf("sorted by key = %v; want %v", got, want)
	}
	if s.Compare("Đặng", "Dương") <= 0 {
		t.Errorf("Compare(Đặng, Dương) <= 0; want Đ after D")
	}
}

func FuzzFold(f *testing.F) {
	f.Add("Giấy phép")
	f.Fuzz(func(t *testing.T, s string) {
		if got := Fold(Fold(s)); got != Fold(s) {
			t.Errorf("Fold not idempotent on %q", s)
		}
	})
}

package dossier

import (
	"math"
	"strings"
	"testing"
)

func TestContrastRatio(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#767676", "#ffffff", 4.54}, // the lightest grey that passes AA on white
		{"#777777", "#ffffff", 4.48},
		{"#8b0000", "#ffffff", 10.01},
	} {
		if got := ContrastRatio(c.a, c.b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("ContrastRatio(%s, %s) = %.3f; want %.2f", c.a, c.b, got, c.want)
		}
	}
}

func TestBrandingValidate(t *testing.T) {
	ok := Branding{Name: " Trung tâm HCC ", PrimaryColor: "#8B0000", AccentColor: "#0b5394"}
	if err := ok.Validate(); err != nil || ok.Name != "Trung tâm HCC" || ok.PrimaryColor != "#8b0000" {
		t.Errorf("valid branding: %v %+v", err, ok)
	}
	for _, c := range []struct {
		b     Branding
		field string
		msg   string
	}{
		{Branding{Name: "X", PrimaryColor: "#ffcc00", AccentColor: "#0b5394"}, "primary_color", "độ tương phản 1,"},
		{Branding{Name: "X", PrimaryColor: "#8b0000", AccentColor: "#777777"}, "accent_color", "4,47:1"}, // 4.478 floored: never shown as passing
		{Branding{Name: "X", PrimaryColor: "red", AccentColor: "#0b5394"}, "primary_color", "#rrggbb"},
		{Branding{Name: "  ", PrimaryColor: "#8b0000", AccentColor: "#0b5394"}, "name", "bắt buộc"},
	} {
		fs := ErrorFields(c.b.Validate())
		if len(fs) != 1 || fs[0].Field != c.field || !strings.Contains(fs[0].Message, c.msg) {
			t.Errorf("%+v: %+v; want one error on %s containing %q", c.b, fs, c.field, c.msg)
		}
	}
}

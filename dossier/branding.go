package dossier

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Branding is how the installation presents itself (issue 19): the
// center's name, its colours and an emblem, set by an admin and applied
// to the officers' and the public layouts. The colours carry white text
// (header bar, buttons), so each must reach the WCAG AA contrast with
// white.
type Branding struct {
	Name         string `json:"name"`
	PrimaryColor string `json:"primary_color"` // header bars ("#8b0000")
	AccentColor  string `json:"accent_color"`  // buttons and highlighted links
	EmblemType   string `json:"emblem_type,omitempty"`
	// Version changes with every save (the stylesheet's cache key).
	Version int64 `json:"version"`
}

// MinTextContrast is the WCAG 2.x AA contrast ratio for normal text.
const MinTextContrast = 4.5

// MaxEmblemBytes is the largest emblem image accepted.
const MaxEmblemBytes = 256 << 10

var hexColorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// relativeLuminance is the WCAG 2.x relative luminance of "#rrggbb".
func relativeLuminance(c string) float64 {
	lin := func(h string) float64 {
		v, _ := strconv.ParseUint(h, 16, 8)
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c[1:3]) + 0.7152*lin(c[3:5]) + 0.0722*lin(c[5:7])
}

// ContrastRatio is the WCAG 2.x contrast ratio of two "#rrggbb" colours
// (1 to 21).
func ContrastRatio(a, b string) float64 {
	la, lb := relativeLuminance(a), relativeLuminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// EmblemTypes are the image types accepted as an emblem.
var EmblemTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/svg+xml": true, "image/webp": true}

// Validate checks the name and the colours (lower-cased on the way); it
// returns EINVALID with a Vietnamese message per bad field.
func (b *Branding) Validate() error {
	var fs []FieldError
	b.Name = strings.TrimSpace(b.Name)
	if b.Name == "" || utf8.RuneCountInString(b.Name) > 200 {
		fs = append(fs, FieldError{Field: "name", Message: "Tên trung tâm bắt buộc, tối đa 200 ký tự"})
	}
	for _, c := range []struct {
		field, label string
		v            *string
	}{{"primary_color", "Màu chủ đạo", &b.PrimaryColor}, {"accent_color", "Màu nút bấm", &b.AccentColor}} {
		*c.v = strings.ToLower(strings.TrimSpace(*c.v))
		if !hexColorRE.MatchString(*c.v) {
			fs = append(fs, FieldError{Field: c.field, Message: c.label + " phải có dạng #rrggbb"})
			continue
		}
		if r := ContrastRatio(*c.v, "#ffffff"); r < MinTextContrast {
			fs = append(fs, FieldError{Field: c.field, Message: fmt.Sprintf(
				"%s %s chỉ có độ tương phản %s:1 với chữ trắng, thấp hơn mức tối thiểu 4,5:1 (WCAG 2.2 AA); hãy chọn màu đậm hơn",
				c.label, *c.v, strings.Replace(strconv.FormatFloat(math.Floor(r*100)/100, 'f', 2, 64), ".", ",", 1))})
		}
	}
	if len(fs) > 0 {
		return Invalid("Nhận diện không hợp lệ", fs...)
	}
	return nil
}

package pdfsign

import (
	"math"
	"testing"
)

func TestNum(t *testing.T) {
	for _, c := range []struct {
		f    float64
		prec int
		want string
	}{
		{12, 4, "12"},
		{1.5, 4, "1.5"},
		{0.12345, 4, "0.1235"},
		{0.12345, 3, "0.123"},
		{-0.00001, 3, "0"},
		{-2.25, 3, "-2.25"},
		{1e21, 2, "1000000000000000000000"},
		{math.NaN(), 4, "0"},
		{math.Inf(-1), 4, "0"},
	} {
		if got := Num(c.f, c.prec); got != c.want {
			t.Errorf("Num(%v, %d) = %q; want %q", c.f, c.prec, got, c.want)
		}
	}
}

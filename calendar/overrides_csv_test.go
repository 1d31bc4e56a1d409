package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseOverridesCSV(t *testing.T) {
	in := "\uFEFFdate,kind,name,source\n" +
		"# Tết 2026 theo Thông báo của Bộ Nội vụ\n" +
		"2026-02-14,extra_off,Nghỉ Tết Nguyên đán,\"Thông báo 6150/TB-BNV, 2025\"\n" +
		"\n" +
		"2026-02-28, swap_workday ,,QĐ 1\n" +
		"2026-09-01,holiday,\"Quốc khánh\",QĐ 2\n"
	got, err := ParseOverridesCSV(strings.NewReader(in))
	if err != nil {
		t.Fatalf("ParseOverridesCSV: %v", err)
	}
	want := []Override{
		{Date{2026, time.February, 14}, KindExtraOff, "Nghỉ Tết Nguyên đán", "Thông báo 6150/TB-BNV, 2025"},
		{Date{2026, time.February, 28}, KindSwapWorkday, "", "QĐ 1"},
		{Date{2026, time.September, 1}, KindHoliday, "Quốc khánh", "QĐ 2"},
	}
	if len(got) != len(want) {
		t.Fatalf("ParseOverridesCSV = %+v; want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ParseOverridesCSV[%d] = %+v; want %+v", i, got[i], want[i])
		}
	}
}

func TestParseOverridesCSVColumnOrder(t *testing.T) {
	got, err := ParseOverridesCSV(strings.NewReader("Source,NAME,kind,date\nQĐ 9,Nghỉ bù,compensatory,2027-01-04\n"))
	want := Override{Date{2027, time.January, 4}, KindCompensatory, "Nghỉ bù", "QĐ 9"}
	if err != nil || len(got) != 1 || got[0] != want {
		t.Errorf("ParseOverridesCSV(reordered) = %+v, %v; want [%+v]", got, err, want)
	}
}

func TestParseOverridesCSVEmptyBody(t *testing.T) {
	got, err := ParseOverridesCSV(strings.NewReader("date,kind,name,source\n"))
	if err != nil || len(got) != 0 {
		t.Errorf("ParseOverridesCSV(header only) = %v, %v; want [], nil", got, err)
	}
}

func TestParseOverridesCSVErrors(t *testing.T) {
	const header = "date,kind,name,source\n"
	type where struct {
		line  int
		field string
	}
	tests := []struct {
		name string
		in   string
		want []where
	}{
		{"empty file", "", []where{{1, ""}}},
		{"unknown column", "date,kind,name,source,note\n", []where{{1, ""}}},
		{"missing column", "date,kind,name\n", []where{{1, ""}}},
		{"duplicate column", "date,kind,name,date\n", []where{{1, ""}}},
		{"bad date", header + "2026-02-30,holiday,Tết,QĐ 1\n", []where{{2, "date"}}},
		{"date format", header + "14/02/2026,holiday,Tết,QĐ 1\n", []where{{2, "date"}}},
		{"bad kind", header + "2026-02-14,nghỉ,Tết,QĐ 1\n", []where{{2, "kind"}}},
		{"missing name", header + "2026-02-14,holiday,,QĐ 1\n", []where{{2, "name"}}},
		{"missing source", header + "2026-02-14,holiday,Tết, \n", []where{{2, "source"}}},
		{"field count", header + "2026-02-14,holiday,Tết\n", []where{{2, ""}}},
		{"duplicate date", header + "2026-02-14,holiday,Tết,QĐ 1\n2026-02-14,extra_off,Tết,QĐ 1\n", []where{{3, "date"}}},
		{"invalid UTF-8", header + "2026-02-14,holiday,T\xe1t,QĐ 1\n", []where{{2, "name"}}},
		{"bare quote", header + "2026-02-14,holiday,T\"et,QĐ 1\n", []where{{2, ""}}},
		{"every bad row is reported", header +
			"2026-02-14,holiday,Tết,QĐ 1\n" +
			"2026-02-31,holiday,Tết,QĐ 1\n" +
			"2026-02-15,oops,,\n" +
			"\"2026-02-16\",holiday,\"Tết\nNguyên đán\",QĐ 1\n" +
			"2026-02-17,holiday,,QĐ 1\n",
			[]where{{3, "date"}, {4, "kind"}, {4, "source"}, {7, "name"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOverridesCSV(strings.NewReader(tt.in))
			if err == nil || got != nil {
				t.Fatalf("ParseOverridesCSV = %+v, %v; want nil and an error", got, err)
			}
			var gotWhere []where
			if joined, ok := err.(interface{ Unwrap() []error }); ok {
				for _, e := range joined.Unwrap() {
					var oe *OverrideError
					if !errors.As(e, &oe) {
						t.Fatalf("error %v is not an *OverrideError", e)
					}
					gotWhere = append(gotWhere, where{oe.Line, oe.Field})
				}
			} else {
				var oe *OverrideError
				if !errors.As(err, &oe) {
					t.Fatalf("error %v is not an *OverrideError", err)
				}
				gotWhere = append(gotWhere, where{oe.Line, oe.Field})
			}
			if len(gotWhere) != len(tt.want) {
				t.Fatalf("ParseOverridesCSV error = %v; want problems at %v", err, tt.want)
			}
			for i := range tt.want {
				if gotWhere[i] != tt.want[i] {
					t.Errorf("problem %d at %+v; want %+v (error %v)", i, gotWhere[i], tt.want[i], err)
				}
			}
			if !strings.Contains(err.Error(), "dòng ") {
				t.Errorf("error %q does not name the line in Vietnamese", err)
			}
		})
	}
}

func TestOverrideErrorMessage(t *testing.T) {
	_, err := ParseOverridesCSV(strings.NewReader("date,kind,name,source\n2026-02-30,holiday,Tết,QĐ 1\n"))
	if got, want := err.Error(), `dòng 2, cột "date": ngày "2026-02-30" không tồn tại`; got != want {
		t.Errorf("error = %q; want %q", got, want)
	}
}

func FuzzParseOverridesCSV(f *testing.F) {
	f.Add("date,kind,name,source\n2026-02-14,extra_off,Nghỉ Tết,QĐ 1\n")
	f.Add("\uFEFFsource,name,kind,date\nQĐ,\"a\"\"b\",holiday,2026-01-01\n")
	f.Add("date,kind,name,source\n2026-02-14,holiday,\"unterminated\n")
	f.Add("date,kind\n#x\n,,,\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseOverridesCSV(strings.NewReader(in))
		if err != nil {
			if got != nil {
				t.Fatalf("ParseOverridesCSV returned overrides and an error")
			}
			return
		}
		seen := make(map[Date]bool)
		for _, o := range got {
			if err := o.Validate(); err != nil {
				t.Fatalf("ParseOverridesCSV accepted %+v: %v", o, err)
			}
			if seen[o.Date] {
				t.Fatalf("ParseOverridesCSV accepted date %v twice", o.Date)
			}
			seen[o.Date] = true
		}
		New(Config{}, got).Holidays(2026) // must not panic
	})
}

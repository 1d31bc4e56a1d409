package main

import (
	"testing"
	"time"
)

func TestOutboxRetentionSetting(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want time.Duration
		bad  bool
	}{
		{"", 30 * 24 * time.Hour, false},
		{"7d", 7 * 24 * time.Hour, false},
		{"720h", 720 * time.Hour, false},
		{"90m", 90 * time.Minute, false},
		{"30m", 0, true}, // under an hour
		{"0", 0, true},
		{"-3d", 0, true},
		{"x", 0, true},
	} {
		c, err := loadConfig(func(k string) string {
			if k == "MOTCUA_OUTBOX_RETENTION" {
				return tc.v
			}
			return ""
		})
		if tc.bad {
			if err == nil {
				t.Errorf("MOTCUA_OUTBOX_RETENTION=%q accepted (%v); want a usage error", tc.v, c.OutboxRetention)
			}
			continue
		}
		if err != nil || c.OutboxRetention != tc.want {
			t.Errorf("MOTCUA_OUTBOX_RETENTION=%q: %v, %v; want %v", tc.v, c.OutboxRetention, err, tc.want)
		}
	}
}

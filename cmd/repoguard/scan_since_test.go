package main

import (
	"testing"
	"time"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2024-01-31", time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)},
		{"2024-01-31T10:00:00Z", time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC)},
		{"30d", now.AddDate(0, 0, -30)},
		{"6w", now.AddDate(0, 0, -42)},
		{"2y", time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)},
		{"0y", now},
		{"12h", now.Add(-12 * time.Hour)},
		{"90m", now.Add(-90 * time.Minute)},
	} {
		got, err := parseSince(tc.in, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "y", "-2y", "2x", "yesterday", "-3h", "2.5y"} {
		if _, err := parseSince(bad, now); err == nil {
			t.Errorf("parseSince(%q) accepted it", bad)
		}
	}
}

package main

import (
	"io"
	"log/slog"
	"strings"
	"time"
)

// newLogger is the server's logger: JSON lines at level (info when it
// does not parse), with every duration written as people and
// time.ParseDuration read it ("1m", "1.5s", "168h") rather than in
// nanoseconds.
func newLogger(w io.Writer, level string) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lvl, ReplaceAttr: humanDuration}))
}

// humanDuration rewrites a duration attribute as text.
func humanDuration(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(formatDuration(a.Value.Duration()))
	}
	return a
}

// formatDuration is d as time.Duration.String writes it, without the
// zero units it ends with: "1m" for 1m0s, "2h" for 2h0m0s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if t, ok := strings.CutSuffix(s, "m0s"); ok {
		s = t + "m"
	}
	if t, ok := strings.CutSuffix(s, "h0m"); ok {
		s = t + "h"
	}
	return s
}

package guard

import (
	"math"
	"testing"
)

func TestRisk(t *testing.T) {
	tests := []struct {
		name string
		fs   []Finding
		want float64
		band string
	}{
		{"none", nil, 0, "none"},
		{"one info", []Finding{{Detector: "a", Severity: Info}}, 0, "none"},
		{"one low: 2 bits", []Finding{{Detector: "a", Severity: Low}}, 10, "low"},
		{"one medium: 5 bits", []Finding{{Detector: "a", Severity: Medium}}, 25, "low"},
		{"a detector counts once", []Finding{{Detector: "a", Severity: Medium}, {Detector: "a", Severity: Medium}}, 25, "low"},
		{"two detectors add up", []Finding{{Detector: "a", Severity: Medium}, {Detector: "b", Severity: Medium}}, 50, "high"},
		{"one high: 9 bits", []Finding{{Detector: "a", Severity: High}}, 45, "medium"},
		{"one critical", []Finding{{Detector: "a", Severity: Critical}}, 100, "critical"},
		{"a behaviour event at its surprise", []Finding{{Detector: "t", Event: "t/x", Surprise: 10.5, Severity: Low}}, 52.5, "high"},
		{"an event counts once", []Finding{{Detector: "t", Event: "t/x", Surprise: 3}, {Detector: "t", Event: "t/x", Surprise: 3}}, 15, "low"},
		{"events and content add up", []Finding{{Detector: "t", Event: "t/x", Surprise: 6}, {Detector: "k", Severity: Low}}, 40, "medium"},
		{"capped at 100", []Finding{{Detector: "t", Event: "t/x", Surprise: 30}}, 100, "critical"},
		{"no severity weighs nothing", []Finding{{Detector: "a", Severity: SeverityNone}, {Detector: "b", Severity: -1}}, 0, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Risk(tt.fs)
			if math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("Risk = %v, want %v", got, tt.want)
			}
			if b := RiskBand(got); b != tt.band {
				t.Errorf("RiskBand(%v) = %q, want %q", got, b, tt.band)
			}
		})
	}
}

func TestRiskMonotoneAndBounded(t *testing.T) {
	var fs []Finding
	prev := 0.0
	for i := range 50 {
		fs = append(fs, Finding{Detector: string(rune('a' + i%7)), Severity: Severity(1 + i%5)})
		r := Risk(fs)
		if r < prev || r > 100 {
			t.Fatalf("after %d findings risk %v (previous %v): want monotone within [0, 100]", i+1, r, prev)
		}
		prev = r
	}
	rev := make([]Finding, len(fs))
	for i := range fs {
		rev[len(fs)-1-i] = fs[i]
	}
	if a, b := Risk(fs), Risk(rev); math.Abs(a-b) > 1e-9 {
		t.Errorf("risk depends on order: %v vs %v", a, b)
	}
}

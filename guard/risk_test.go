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
		{"one info", []Finding{{Severity: Info, Score: 1}}, 5, "low"},
		{"one low, unset score", []Finding{{Severity: Low}}, 7.5, "low"},
		{"one medium", []Finding{{Severity: Medium, Score: 1}}, 35, "medium"},
		{"two mediums", []Finding{{Severity: Medium, Score: 1}, {Severity: Medium, Score: 1}}, 57.75, "high"},
		{"one high", []Finding{{Severity: High, Score: 1}}, 60, "high"},
		{"one high, half score", []Finding{{Severity: High, Score: 0.5}}, 30, "medium"},
		{"one critical", []Finding{{Severity: Critical, Score: 1}}, 95, "critical"},
		{"score above 1 clamps", []Finding{{Severity: High, Score: 7}}, 60, "high"},
		{"NaN score counts as unset", []Finding{{Severity: High, Score: math.NaN()}}, 30, "medium"},
		{"no severity weighs nothing", []Finding{{Severity: SeverityNone, Score: 1}, {Severity: -1, Score: 1}}, 0, "none"},
		{"above critical counts as critical", []Finding{{Severity: Critical + 3, Score: 1}}, 95, "critical"},
		{"high and low", []Finding{{Severity: High, Score: 1}, {Severity: Low, Score: 1}}, 66, "high"},
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
		fs = append(fs, Finding{Severity: Severity(1 + i%5), Score: float64(i%7+1) / 7})
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

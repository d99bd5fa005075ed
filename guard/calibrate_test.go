package guard

import (
	"math"
	"strings"
	"testing"
)

func ratesOf(commits int, events map[string]int) *Rates {
	r := NewRates()
	r.Commits = commits
	for e, n := range events {
		r.Events[e] = n
	}
	return r
}

func TestRateOf(t *testing.T) {
	for _, tc := range []struct {
		name      string
		repo, org *Rates
		wantP     float64
	}{
		{"no history: the prior", NewRates(), nil, PriorRate},
		{"common here", ratesOf(4185, map[string]int{"e": 775}), nil, (775 + 20*0.1) / (4185 + 20.0)},
		{"never here in 3,000", ratesOf(3000, nil), nil, (20 * 0.1) / 3020},
		{"rare elsewhere, new here", ratesOf(10, nil), ratesOf(10010, map[string]int{"e": 10}),
			(20 * ((10 + 2) / 10020.0)) / 30},
		{"the organization counts only itself once", ratesOf(100, map[string]int{"e": 50}), ratesOf(100, map[string]int{"e": 50}),
			(50 + 20*0.1) / 120},
	} {
		t.Run(tc.name, func(t *testing.T) {
			br := RateOf("e", tc.repo, tc.org)
			if math.Abs(br.P-tc.wantP) > 1e-9 {
				t.Errorf("P = %v, want %v", br.P, tc.wantP)
			}
			if want := -math.Log2(tc.wantP); math.Abs(br.Bits()-want) > 1e-9 {
				t.Errorf("Bits = %v, want %v", br.Bits(), want)
			}
		})
	}
}

func TestBaseRateString(t *testing.T) {
	br := RateOf("new-author-sensitive", ratesOf(4185, map[string]int{"new-author-sensitive": 775}), nil)
	want := "here 775 of 4,185 earlier commits (19%): about 1 in 5 (2.4 bits)"
	if got := br.String(); got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

func TestThreshold(t *testing.T) {
	r := NewRates()
	// 1,000 commits: 990 score 0, 6 score 5 bits, 4 score 12 bits.
	for range 990 {
		r.Learn(&Judgement{})
	}
	for range 6 {
		r.Learn(&Judgement{Score: 5})
	}
	for range 4 {
		r.Learn(&Judgement{Score: 12})
	}
	for _, tc := range []struct {
		budget, want float64
	}{
		{0.005, 5.25}, // 5 allowed: from 5.25 bits on, only the 4 at 12
		{0.004, 5.25},
		{0.003, 12.25}, // 3 allowed: not even the 4 at 12 bits
		{0.01, 0.25},   // 10 allowed: the 4 and the 6
		{0.5, 0.25},
	} {
		if got := r.Threshold(tc.budget); got != tc.want {
			t.Errorf("Threshold(%v) = %v, want %v", tc.budget, got, tc.want)
		}
	}
	if got := NewRates().Threshold(0.005); got != 0 {
		t.Errorf("empty Threshold = %v, want 0", got)
	}
}

func TestCalibrateAndAssess(t *testing.T) {
	rates := ratesOf(3000, map[string]int{"common": 600})
	b := &Baseline{Rates: rates}
	raw := []Finding{
		{Detector: "rare", Severity: Medium, Message: "a"},
		{Detector: "rare", Severity: Medium, Message: "b"}, // the same event: counted once
		{Detector: "x", Event: "common", Message: "c"},
	}
	j := Calibrate(raw, b, 0.005)
	rare := RateOf("rare/medium", rates, nil).Bits()
	common := RateOf("common", rates, nil).Bits()
	if want := math.Round((rare+common)*100) / 100; j.Score != want {
		t.Errorf("Score = %v, want %v", j.Score, want)
	}
	if strings.Join(j.Events, ",") != "common,rare/medium" {
		t.Errorf("Events = %v", j.Events)
	}
	if floor := -math.Log2(0.005); j.Threshold != floor {
		t.Errorf("Threshold = %v, want the floor %v (nothing scored before)", j.Threshold, floor)
	}
	if len(j.Findings) != 3 || j.Findings[0].BaseRate == nil || !strings.Contains(j.Findings[0].Evidence[0], "base rate: here none of 3,000") {
		t.Errorf("findings %+v", j.Findings)
	}

	sev := func(a Assessment, det string) Severity {
		for _, f := range a.Findings {
			if f.Detector == det {
				return f.Severity
			}
		}
		return SeverityNone
	}
	// rare (~10.6 bits) + common (~2.3) is above 7.6: medium.
	a := Assess(j, nil, nil)
	if sev(a, "rare") != Medium || sev(a, "x") != Medium {
		t.Errorf("over the threshold: %+v", a.Findings)
	}
	if a.Risk != math.Min(100, math.Round(5*a.Score*10)/10) {
		t.Errorf("risk %v for score %v", a.Risk, a.Score)
	}
	// The common event alone: info, and no risk of note.
	jc := Calibrate(raw[2:], b, 0.005)
	a = Assess(jc, nil, nil)
	if sev(a, "x") != Info {
		t.Errorf("common event alone: %+v", a.Findings)
	}
	// Content findings add their bits: a high one lifts a low signal.
	jr := Calibrate(raw[:1], &Baseline{Rates: ratesOf(40, nil)}, 0.005) // ~4.3 bits: low alone
	if a := Assess(jr, nil, nil); sev(a, "rare") != Low {
		t.Errorf("weak signal alone: %+v", a.Findings)
	}
	a = Assess(jr, []Finding{{Detector: "network-endpoint", Severity: Medium}}, nil)
	if sev(a, "rare") != Medium || sev(a, "network-endpoint") != Medium {
		t.Errorf("weak signal with a medium content finding: %+v", a.Findings)
	}
	if a := Assess(nil, []Finding{{Detector: "key-material", Severity: Critical}}, nil); a.Risk != 100 {
		t.Errorf("critical: risk %v, want 100", a.Risk)
	}
	// The policy's override wins.
	a = Assess(j, nil, func(d string) Severity {
		if d == "rare" {
			return Low
		}
		return SeverityNone
	})
	if sev(a, "rare") != Low {
		t.Errorf("override: %+v", a.Findings)
	}
}

func TestIsBot(t *testing.T) {
	for _, tc := range []struct {
		p    Person
		want bool
	}{
		{Person{Name: "dependabot[bot]", Email: "49699333+dependabot[bot]@users.noreply.github.com"}, true},
		{Person{Name: "Renovate Bot", Email: "bot@renovateapp.com"}, true},
		{Person{Name: "github-actions", Email: "41898282+github-actions[bot]@users.noreply.github.com"}, true},
		{Person{Name: "Alice", Email: "alice@example.com"}, false},
		{Person{Name: "Robert Botham", Email: "bob@example.com"}, false},
	} {
		if got := IsBot(tc.p); got != tc.want {
			t.Errorf("IsBot(%+v) = %v, want %v", tc.p, got, tc.want)
		}
	}
}

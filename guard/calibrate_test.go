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
	// 1,000 commits: 990 with no event, 6 with event a, 4 with a and b.
	for range 990 {
		r.Learn(&Judgement{})
	}
	for range 6 {
		r.Learn(&Judgement{Events: []string{"a"}})
	}
	for range 4 {
		r.Learn(&Judgement{Events: []string{"a", "b"}})
	}
	bits := func(e string) float64 { return map[string]float64{"a": 5, "b": 7}[e] }
	for _, tc := range []struct {
		budget, want float64
	}{
		{0.005, 5.01}, // 5 allowed: above 5 bits, only the 4 at 12
		{0.004, 5.01},
		{0.003, 12.01}, // 3 allowed: not even the 4 at 12 bits
		{0.01, 0.01},   // 10 allowed: the 4 and the 6
		{0.5, 0.01},
	} {
		if got := r.Threshold(tc.budget, bits); got != tc.want {
			t.Errorf("Threshold(%v) = %v, want %v", tc.budget, got, tc.want)
		}
	}
	// Scored with the rates as they are now: when b grows common, the
	// commits that had it no longer hold the threshold up.
	cheap := func(e string) float64 { return map[string]float64{"a": 5, "b": 0.5}[e] }
	if got := r.Threshold(0.003, cheap); got != 5.51 {
		t.Errorf("Threshold(0.003) with b cheap = %v, want 5.51 (it is 12.01 with b dear)", got)
	}
	if got := NewRates().Threshold(0.005, bits); got != 0 {
		t.Errorf("empty Threshold = %v, want 0", got)
	}
}

// TestThresholdQueuedFirst: the commits that content findings or rules
// brought into the queue take their places in the budget before any
// behaviour score does, and behaviour keeps MinBehaviourShare of it.
func TestThresholdQueuedFirst(t *testing.T) {
	bits := func(e string) float64 { return map[string]float64{"a": 5, "b": 7}[e] }
	build := func(queued int) *Rates {
		r := NewRates()
		for range 4000 - 10 - queued {
			r.Learn(&Judgement{})
		}
		for range 6 {
			r.Learn(&Judgement{Events: []string{"a"}})
		}
		for range 4 {
			r.Learn(&Judgement{Events: []string{"a", "b"}})
		}
		for range queued {
			// Their events are high, but they are in the queue already.
			r.Learn(&Judgement{Events: []string{"a", "b"}, Queued: true})
		}
		return r
	}
	for _, tc := range []struct {
		queued int
		want   float64
	}{
		{0, 0.01},  // 20 allowed: every commit with an event
		{10, 0.01}, // 10 left: the 4 and the 6
		{12, 5.01}, // 8 left: the 4 at 12 bits, not the 6 at 5
		{40, 5.01}, // none left, but behaviour keeps a quarter: 5, the 4
	} {
		r := build(tc.queued)
		if got := r.Threshold(0.005, bits); got != tc.want {
			t.Errorf("%d queued: Threshold = %v, want %v", tc.queued, got, tc.want)
		}
		if r.Commits != 4000 || r.Queued != tc.queued || r.Events["b"] != 4+tc.queued {
			t.Errorf("%d queued: %d commits, %d queued, b in %d", tc.queued, r.Commits, r.Queued, r.Events["b"])
		}
	}
	// A young repository: 100 commits leave a budget of half a commit,
	// so the threshold is one bit above the top score (12), not every
	// new record.
	young := NewRates()
	for range 96 {
		young.Learn(&Judgement{})
	}
	for _, ev := range [][]string{{"a"}, {"a"}, {"a", "b"}, {"b"}} {
		young.Learn(&Judgement{Events: ev})
	}
	if got := young.Threshold(0.005, bits); got != 13.01 {
		t.Errorf("100 commits: Threshold = %v, want 13.01 (12 + log2(1/0.5))", got)
	}
	// A rule's medium finding queues a judgement never assessed; a
	// critical content finding is outside the budget.
	r := NewRates()
	r.Learn(&Judgement{Rules: []Finding{{Detector: "dormant-core", Severity: Medium}}})
	r.Learn(&Judgement{Rules: []Finding{{Detector: "dormant-core", Severity: Low}}})
	if r.Queued != 1 {
		t.Errorf("queued = %d, want 1 (the medium rule)", r.Queued)
	}
	for _, tc := range []struct {
		sev  Severity
		want bool
	}{{Low, false}, {Medium, true}, {High, true}, {Critical, false}} {
		j := &Judgement{}
		a := Assess(j, []Finding{{Detector: "key-material", Severity: tc.sev}}, nil)
		if a.Queued != tc.want || j.Queued {
			t.Errorf("content at %v: Queued = %v, want %v (and the judgement untouched: %v)", tc.sev, a.Queued, tc.want, j.Queued)
		}
	}
	// A critical finding beside a medium one: the commit is outside the
	// budget all the same.
	if a := Assess(nil, []Finding{{Severity: Critical}, {Severity: Medium}}, nil); a.Queued {
		t.Error("critical and medium: Queued, want outside the budget")
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
	if floor := math.Round(-math.Log2(0.005)*100) / 100; j.Threshold != floor {
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

// TestEventRate: a kind never seen of a detector that fires often is at
// most KindSpread times rarer than the detector's findings at large; a
// detector that never fired keeps its own rate.
func TestEventRate(t *testing.T) {
	r := NewRates()
	for i := range 1000 {
		switch {
		case i%10 == 0: // one commit in ten: new-author in contracts
			r.Learn(&Judgement{Events: []string{"new-author/contracts"}})
		default:
			r.Learn(&Judgement{})
		}
	}
	if r.Events["new-author"] != 100 {
		t.Fatalf("detector counted %d times, want 100", r.Events["new-author"])
	}
	keys := EventRate("new-author/keys", r, nil)
	det := RateOf("new-author", r, nil)
	if !keys.Capped || math.Abs(keys.P-det.P/KindSpread) > 1e-12 {
		t.Errorf("unseen kind: %+v, want capped at %v", keys, det.P/KindSpread)
	}
	if !strings.Contains(keys.String(), "any finding of this detector 100") {
		t.Errorf("String = %q", keys.String())
	}
	if other := EventRate("dormant/high", r, nil); other.Capped || other.P != RateOf("dormant/high", r, nil).P {
		t.Errorf("a detector that never fired: %+v", other)
	}
	if c := EventRate("new-author/contracts", r, nil); c.Capped {
		t.Errorf("a common kind: %+v", c)
	}
}

// TestBehaviourRules: a behaviour rule (Detector.Rule) is judged with the
// baseline and kept in the judgement, but keeps its severity through
// Assess and adds to the score as a content finding does.
func TestBehaviourRules(t *testing.T) {
	signal := &Detector{Name: "signal", Doc: "d", Severity: Medium, Behaviour: true,
		Run: func(p *Pass) { p.Report(Finding{Message: "common"}) }}
	rule := &Detector{Name: "rule", Doc: "d", Severity: Medium, Behaviour: true, Rule: true,
		Run: func(p *Pass) {
			if p.Baseline != nil && p.Baseline.AuthorAll.Commits == 0 {
				p.Report(Finding{Message: "new author adds a dependency"})
			}
		}}
	content := &Detector{Name: "content", Doc: "d", Severity: Low, Run: func(p *Pass) {}}
	eng := &Engine{Detectors: []*Detector{signal, rule, content}}
	rates := ratesOf(1000, map[string]int{"signal/medium": 500})
	b := &Baseline{AuthorAll: NewProfile("new", ""), Rates: rates}
	j, err := eng.Behaviour(Subject{Commit: &Commit{Hash: "c"}, Baseline: b})
	if err != nil || len(j.Rules) != 1 || len(j.Findings) != 1 {
		t.Fatalf("judgement %+v, %v", j, err)
	}
	a, err := eng.Assess(Subject{Commit: &Commit{Hash: "c"}}, j)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Severity{}
	for _, f := range a.Findings {
		got[f.Detector] = f.Severity
	}
	if got["rule"] != Medium || got["signal"] != Info {
		t.Errorf("severities %v: want the rule medium as reported, the common signal info", got)
	}
	if want := math.Round((SeverityBits(Medium)+j.Score)*100) / 100; a.Score != want {
		t.Errorf("score %v, want %v", a.Score, want)
	}
}

// A note (info: the detector says it is no anomaly, such as a
// daylight-saving shift) is counted as an event but adds no surprise,
// however rare it is.
func TestCalibrateNoteAddsNoSurprise(t *testing.T) {
	rates := ratesOf(3000, nil)
	b := &Baseline{Rates: rates}
	note := Finding{Detector: "timezone-change", Severity: Info, Message: "one hour from a zone used before"}
	rare := Finding{Detector: "unusual-time", Severity: Medium, Message: "3 a.m."}
	j := Calibrate([]Finding{note, rare}, b, 0.005)
	if want := math.Round(RateOf("unusual-time/medium", rates, nil).Bits()*100) / 100; j.Score != want {
		t.Errorf("Score = %v, want %v (the rare event alone)", j.Score, want)
	}
	if strings.Join(j.Events, ",") != "timezone-change/info,unusual-time/medium" {
		t.Errorf("Events = %v, want the note's event counted too", j.Events)
	}
	if jn := Calibrate([]Finding{note}, b, 0.005); jn.Score != 0 || len(jn.Findings) != 1 || jn.Findings[0].Surprise == 0 {
		t.Errorf("note alone: score %v, findings %+v; want 0 and the note with its surprise shown", jn.Score, jn.Findings)
	}
	// Assessed, the note stays a note, alone or beside a commit that
	// reaches the queue; the rare event beside it does reach it.
	for _, content := range [][]Finding{nil, {{Detector: "ci-tampering", Severity: High}}} {
		for _, f := range Assess(j, content, nil).Findings {
			if f.Detector == "timezone-change" && f.Severity != Info {
				t.Errorf("with %d content findings: the note is %v, want info", len(content), f.Severity)
			}
			if f.Detector == "unusual-time" && len(content) > 0 && f.Severity < Medium {
				t.Errorf("beside a high content finding the rare event is %v, want medium or above", f.Severity)
			}
		}
	}
}

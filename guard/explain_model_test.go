package guard

import (
	"fmt"
	"strings"
	"testing"
)

// TestExplainModel: the worked example's numbers are the model's own.
func TestExplainModel(t *testing.T) {
	text := strings.Join(ExplainModel(0), "\n")
	rates := ratesOf(3000, map[string]int{"new-author-sensitive": 3, "new-author-sensitive/keys": 3,
		"unusual-time": 40, "unusual-time/medium": 40})
	keys, hour := EventRate("new-author-sensitive/keys", rates, nil), EventRate("unusual-time/medium", rates, nil)
	for _, want := range []string{
		"thresholds.budget 0.005, 0.5% of commits",
		fmt.Sprintf("1 in 604: %.1f bits", keys.Bits()),
		fmt.Sprintf("1 in 72: %.1f bits", hour.Bits()),
		fmt.Sprintf("scores %.1f bits (risk %.0f)", keys.Bits()+hour.Bits(), RiskOf(keys.Bits()+hour.Bits(), Low)),
		"-log2 budget = 7.6 bits",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(strings.Join(ExplainModel(0.01), "\n"), "-log2 budget = 6.6 bits") {
		t.Error("the floor does not follow the budget")
	}
	for _, l := range strings.Split(ModelComment(0), "\n") {
		if l != "" && !strings.HasPrefix(l, "# ") {
			t.Errorf("comment line %q", l)
		}
	}
}

func TestExplainRates(t *testing.T) {
	if got := ExplainRates("acme/x", NewRates(), nil, 0, 5); len(got) != 1 || !strings.Contains(got[0], "no commit learned") {
		t.Errorf("empty: %q", got)
	}
	r := NewRates()
	for i := range 400 {
		var ev []string
		if i%4 == 0 {
			ev = []string{"a/x"}
		}
		r.Learn(&Judgement{Events: ev})
	}
	got := ExplainRates("acme/x", r, nil, 0.005, 5)
	if len(got) != 2 || !strings.Contains(got[0], "400 commits learned") || !strings.Contains(got[1], "here 100 of 400") {
		t.Errorf("ExplainRates = %q", got)
	}
}

package guard

import "math"

// Risk puts the findings of a commit or change set on the 0-100 scale of
// risk (see RiskOf): their score in bits, each event of a behaviour
// finding counted once at its surprise, and each content detector once at
// the SeverityBits of its most severe finding. For a commit's assessed
// findings it is its Assessment's risk. Adding a finding never lowers the
// risk, and the order of findings does not matter.
func Risk(fs []Finding) float64 {
	return RiskOf(ScoreOf(fs), MaxSeverity(fs))
}

// ScoreOf returns the score in bits of findings: the surprise of each
// behaviour event (Finding.Event) once, plus the SeverityBits of each
// content detector's most severe finding.
func ScoreOf(fs []Finding) float64 {
	best := map[string]float64{}
	for i := range fs {
		f := &fs[i]
		key, bits := "c:"+f.Detector, SeverityBits(f.Severity)
		if f.Event != "" {
			key, bits = "b:"+f.Event, f.Surprise
		}
		best[key] = math.Max(best[key], bits)
	}
	sum := 0.0
	for _, b := range best {
		sum += b
	}
	return math.Round(sum*100) / 100
}

// RiskBand names the band a risk score falls in: "none" below 10 (under
// 2 bits: one commit in four), "low" below 30 (6 bits), "medium" below 50
// (10 bits: one in a thousand), "high" below 80 (16 bits), and "critical"
// from 80.
func RiskBand(r float64) string {
	switch {
	case r < 10:
		return "none"
	case r < 30:
		return "low"
	case r < 50:
		return "medium"
	case r < 80:
		return "high"
	}
	return "critical"
}

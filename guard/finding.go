package guard

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Severity ranks how urgent a finding is.
type Severity int

// The severities, in increasing order. The zero value is SeverityNone, which
// is below every real severity.
const (
	SeverityNone Severity = iota
	Info
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"none", "info", "low", "medium", "high", "critical"}

// String returns the lowercase name of the severity.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity parses a lowercase severity name such as "high".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if i > 0 && strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return SeverityNone, fmt.Errorf("unknown severity %q (want info, low, medium, high or critical)", s)
}

// SeverityNames lists the valid severity names in increasing order.
func SeverityNames() []string { return append([]string(nil), severityNames[1:]...) }

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Finding is one thing a detector noticed about a change.
type Finding struct {
	Detector string   `json:"detector"`
	Severity Severity `json:"severity"`
	// Score is the detector's confidence or strength in [0, 1]; it feeds
	// the risk score of the commit or change set.
	Score  float64 `json:"score"`
	Commit string  `json:"commit,omitempty"`
	Path   string  `json:"path,omitempty"`
	// Line and EndLine locate the finding in the new file (0 when it
	// concerns the file or the commit as a whole).
	Line    int `json:"line,omitempty"`
	EndLine int `json:"end_line,omitempty"`
	// Message is one sentence a reviewer understands, with the numbers
	// behind it.
	Message string `json:"message"`
	// Evidence holds supporting facts. Secrets never appear here: use
	// Redact.
	Evidence []string `json:"evidence,omitempty"`
	// Event names what a behaviour finding reports, for its base rate
	// (see Calibrate): the detector's name, or the name and a kind
	// ("identity-mismatch/new-email"). Content findings leave it empty.
	Event string `json:"event,omitempty"`
	// BaseRate is how often Event happened before here, and Surprise
	// its -log2 in bits; set by Calibrate.
	BaseRate *BaseRate `json:"base_rate,omitempty"`
	Surprise float64   `json:"surprise,omitempty"`
	// Actor is the GitHub login of whoever did what the finding is about
	// when that is not a commit's author: the reviewer of a rubber-stamp
	// approval. "" otherwise.
	Actor string `json:"actor,omitempty"`
	// Hunk holds the change's added lines around the finding: up to 3
	// before Line and after EndLine, in the new file. The engine sets it
	// (see Engine.Judge), never for a detector whose findings may quote
	// secrets (Detector.NoContext).
	Hunk []Line `json:"hunk,omitempty"`
}

// Location renders "path:line" (or just the path, or "" for a finding
// about the whole change).
func (f *Finding) Location() string {
	switch {
	case f.Path == "":
		return ""
	case f.Line == 0:
		return f.Path
	case f.EndLine > f.Line:
		return fmt.Sprintf("%s:%d-%d", f.Path, f.Line, f.EndLine)
	default:
		return fmt.Sprintf("%s:%d", f.Path, f.Line)
	}
}

// Redact turns a secret into something safe to show and store: its first
// four characters and a fingerprint (the first 12 hex digits of its
// SHA-256), so that two reports of the same secret can be matched without
// revealing it. Secrets shorter than 16 characters show no prefix at all.
func Redact(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	fp := hex.EncodeToString(sum[:6])
	prefix := ""
	if len(secret) >= 16 {
		prefix = secret[:4]
	}
	return fmt.Sprintf("%s…[redacted %d chars, sha256:%s]", prefix, len(secret), fp)
}

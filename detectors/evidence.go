package detectors

import (
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// evidenceLine renders an added line as evidence: "line N: text", trimmed
// and cut to 160 characters. Detectors that may see secrets must not use
// it for the lines holding them.
func evidenceLine(l guard.Line) string {
	t := strings.TrimSpace(l.Text)
	if len(t) > 160 {
		t = t[:157] + "..."
	}
	return fmt.Sprintf("line %d: %s", l.Number, t)
}

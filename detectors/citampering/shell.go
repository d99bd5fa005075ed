package citampering

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

var (
	ciPipeShell = regexp.MustCompile(`(?i)\b(?:curl|wget)\b[^|;&]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:\S+=\S*\s+)*)?` +
		`(?:ba|z|da|k|fi)?sh\b|\b(?:curl|wget)\b[^|;&]*\|\s*(?:sudo\s+)?(?:python[0-9.]*|perl|ruby|node)\b` +
		`|\b(?:ba|z|da|k)?sh\s+(?:-\S+\s+)*<\(\s*(?:curl|wget)\b|\bsource\s+<\(\s*(?:curl|wget)\b` +
		`|\b(?:ba|z|da|k)?sh\s+-c\s+["']?\$\(\s*(?:curl|wget)\b` +
		`|\b(?:iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring)\b[^|;]*\|\s*(?:iex|invoke-expression)\b` +
		`|\b(?:iex|invoke-expression)\b\s*\(+\s*(?:iwr|irm|invoke-webrequest|invoke-restmethod|new-object)\b`)
	ciURL = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'|;)]+`)
)

// pipeToShell reports a download piped straight into a shell or an
// interpreter.
func (c *ciFile) pipeToShell() {
	for _, l := range c.file.AddedLines {
		t := l.Text
		if !ciMayDownload(t) {
			continue
		}
		code := ciCode(t)
		if code == "" || !ciPipeShell.MatchString(code) || !c.isNew(l) {
			continue
		}
		sev, from := guard.Medium, "a download"
		if u := ciURL.FindString(code); u != "" {
			from = u
			if strings.HasPrefix(strings.ToLower(u), "http://") {
				sev = guard.High
			}
		}
		c.report(sev, l.Number, fmt.Sprintf("Pipes %s into a shell in %s: whoever serves it runs code there, "+
			"and nothing of it appears in the repository.", from, c.where()), explain.Line(l))
	}
}

// ciMayDownload is a cheap prefilter for pipeToShell: a download command
// and a pipe, a process substitution or an expression call.
func ciMayDownload(t string) bool {
	if !strings.Contains(t, "|") && !strings.Contains(t, "<(") && !strings.Contains(t, "$(") &&
		!strings.Contains(t, "iex") && !strings.Contains(t, "Invoke-Expression") {
		return false
	}
	return strings.Contains(t, "curl") || strings.Contains(t, "wget") || strings.Contains(t, "iwr") ||
		strings.Contains(t, "irm") || strings.Contains(t, "Invoke-") || strings.Contains(t, "invoke-") ||
		strings.Contains(t, "DownloadString")
}

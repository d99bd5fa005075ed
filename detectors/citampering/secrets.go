package citampering

import (
	"fmt"
	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
	"regexp"
	"strings"
)

var (
	ciSecretRef = regexp.MustCompile(`secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*['"]([^'"]+)['"]\s*\])`)
	ciDumpAll   = regexp.MustCompile(`(?i)to_?json\s*\(\s*secrets\s*\)`)
)

// secrets reports each secret the added lines use that the deleted lines
// did not, secrets passed wholesale to a reusable workflow, and dumps of
// all secrets.
func (c *ciFile) secrets() {
	old := map[string]bool{}
	if c.deleted.Contains("secrets") {
		for _, m := range ciSecretRef.FindAllStringSubmatch(c.deleted.Text(), -1) {
			old[m[1]+m[2]] = true
		}
	}
	for _, l := range c.file.AddedLines {
		if !strings.Contains(l.Text, "secrets") {
			continue
		}
		code := ciCode(l.Text)
		if (strings.Contains(code, "JSON") || strings.Contains(code, "Json") || strings.Contains(code, "json")) &&
			ciDumpAll.MatchString(code) && c.isNew(l) {
			c.report(guard.High, l.Number, "Serializes every secret of the repository with toJSON(secrets): "+
				"one step can then print or send them all.", explain.Line(l))
		}
		if strings.HasPrefix(strings.TrimPrefix(code, "- "), "secrets: inherit") && c.isNew(l) {
			c.report(guard.Medium, l.Number, "Passes all of the repository's secrets to a reusable workflow "+
				"(secrets: inherit) instead of naming the ones it needs.", explain.Line(l))
		}
		for _, m := range ciSecretRef.FindAllStringSubmatch(code, -1) {
			name := m[1] + m[2]
			if old[name] {
				continue
			}
			old[name] = true
			sev := guard.Medium
			if name == "GITHUB_TOKEN" {
				sev = guard.Low
			}
			c.report(sev, l.Number, fmt.Sprintf("Adds a use of the secret %s, which the lines this change "+
				"replaces did not use; check that this job needs it.", name), explain.Line(l))
		}
	}
}

package citampering

import (
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// ciScopes are the GITHUB_TOKEN permission scopes; true marks those whose
// write access reaches code, releases or cloud credentials.
var ciScopes = map[string]bool{
	"actions": true, "attestations": false, "checks": false, "contents": true, "deployments": true,
	"discussions": false, "id-token": true, "issues": false, "models": false, "packages": true,
	"pages": false, "pull-requests": false, "repository-projects": false, "security-events": false,
	"statuses": false,
}

var ciScopeMeaning = map[string]string{
	"contents": "push commits and tags, create releases", "id-token": "mint OIDC tokens for cloud accounts",
	"packages": "publish packages", "actions": "change and re-run workflows", "deployments": "create deployments",
}

// permissions reports token permissions the change widens, and a removed
// permissions block. Write access matters most where code from outside
// can run with it: in a workflow that events from forks start
// (pull_request_target, workflow_run, issue_comment...), a write scope
// that reaches code, packages or cloud accounts is high (write-all too).
// Elsewhere a grant is low (write-all medium while the triggers are not
// seen), and the scopes a report-only workflow (CodeQL, Scorecard,
// provenance) needs are info.
func (c *ciFile) permissions() {
	addedBlock := false
	for _, l := range c.file.AddedLines {
		code := ciCode(l.Text)
		if !strings.Contains(code, "write") && !strings.HasPrefix(code, "permissions") {
			continue
		}
		key, val, ok := strings.Cut(code, ":")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.Trim(strings.TrimSpace(val), `'"`)
		if key == "permissions" {
			addedBlock = true
		}
		if !c.isNew(l) {
			continue
		}
		switch high, known := ciScopes[key]; {
		case key == "permissions" && val == "write-all":
			c.report(c.grantSeverity(key, true), l.Number, "Grants the workflow token write access to everything "+
				"(permissions: write-all)"+c.forkWriteNote()+".", explain.Line(l))
		case known && val == "write":
			what := ""
			if high {
				what = " (" + ciScopeMeaning[key] + ")"
			}
			c.report(c.grantSeverity(key, high), l.Number, fmt.Sprintf("Grants the workflow token %s: write%s%s.",
				key, what, c.forkWriteNote()), explain.Line(l))
		}
	}
	if addedBlock {
		return
	}
	for _, l := range c.file.DeletedLines {
		if code := ciCode(l.Text); strings.HasPrefix(code, "permissions:") {
			sev := guard.Low
			if c.ctx.forkWrite != "" {
				sev = guard.Medium
			}
			c.report(sev, 0, "Removes a permissions block: the jobs fall back to the repository's "+
				"default token permissions, which may include write access"+c.forkWriteNote()+".",
				fmt.Sprintf("old line %d: %s", l.Number, code))
			return
		}
	}
}

// grantSeverity is the severity of a write grant of scope key (high:
// one that reaches code, packages or cloud accounts; "permissions" for
// write-all).
func (c *ciFile) grantSeverity(key string, high bool) guard.Severity {
	switch {
	case c.ctx.forkWrite != "" && high:
		return guard.High
	case c.ctx.reportOnly && ciReportScopes[key]:
		return guard.Info
	case key == "permissions" && !c.ctx.whole:
		return guard.Medium
	}
	return guard.Low
}

// forkWriteNote says, for a workflow that events from forks start, which
// event that is.
func (c *ciFile) forkWriteNote() string {
	if c.ctx.forkWrite == "" {
		return ""
	}
	return fmt.Sprintf(" in a workflow that %s starts, which anyone outside the repository can cause", c.ctx.forkWrite)
}

package citampering

import (
	"fmt"
	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
	"strings"
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
// permissions block.
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
			c.report(guard.High, l.Number, "Grants the workflow token write access to everything "+
				"(permissions: write-all).", explain.Line(l))
		case known && val == "write":
			sev, what := guard.Medium, ""
			if high {
				sev, what = guard.High, " ("+ciScopeMeaning[key]+")"
			}
			c.report(sev, l.Number, fmt.Sprintf("Grants the workflow token %s: write%s.", key, what), explain.Line(l))
		}
	}
	if addedBlock {
		return
	}
	for _, l := range c.file.DeletedLines {
		if code := ciCode(l.Text); strings.HasPrefix(code, "permissions:") {
			c.report(guard.Medium, 0, "Removes a permissions block: the jobs fall back to the repository's "+
				"default token permissions, which may include write access.",
				fmt.Sprintf("old line %d: %s", l.Number, code))
			return
		}
	}
}

package citampering

import (
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// ciHeadRefs are expressions naming the pull request's own code.
var ciHeadRefs = []string{"github.event.pull_request.head.sha", "github.event.pull_request.head.ref",
	"github.head_ref", "github.event.pull_request.head.repo.full_name", "refs/pull/"}

// ciIsTrigger reports whether a line declares the event as a trigger
// ("on: x", "on: [a, x]", "x:", "- x") rather than, say, testing
// github.event_name in a condition.
func ciIsTrigger(code, event string) bool {
	if !strings.Contains(code, event) {
		return false
	}
	c := strings.TrimSpace(strings.TrimPrefix(code, "- "))
	if v, ok := strings.CutPrefix(c, event+": "); ok {
		// "issues: write" is a permission, not a trigger
		v = strings.Trim(strings.TrimSpace(v), `'"`)
		return v != "read" && v != "write" && v != "none"
	}
	if strings.HasPrefix(c, "on:") || strings.HasPrefix(c, `"on":`) || strings.HasPrefix(c, "'on':") {
		return ciWordIn(c, event)
	}
	return c == event || c == event+":" || strings.HasPrefix(c, "["+event) || strings.HasPrefix(c, "[ "+event)
}

// ciWordIn reports whether word stands in s as a whole word ("issues"
// is not in "pull_request_target, issues_x").
func ciWordIn(s, word string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], word)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(word)
		if (i == 0 || !ciWordByte(s[i-1])) && (end == len(s) || !ciWordByte(s[end])) {
			return true
		}
		off = i + 1
	}
}

func ciWordByte(c byte) bool { return textscan.IsIdent(c) || c == '-' }

// ciChecksOutHead reports whether a line checks out or fetches the pull
// request's head: a ref, repository, checkout or fetch naming it. A head
// expression in a concurrency group or a message does not count.
func ciChecksOutHead(code string) bool {
	if strings.Contains(code, "gh pr checkout") {
		return true
	}
	if !strings.Contains(code, "head") && !strings.Contains(code, "refs/pull/") {
		return false
	}
	if !strings.HasPrefix(code, "ref:") && !strings.HasPrefix(code, "repository:") &&
		!strings.Contains(code, "checkout") && !strings.Contains(code, "fetch") {
		return false
	}
	for _, h := range ciHeadRefs {
		if strings.Contains(code, h) {
			return true
		}
	}
	return false
}

// triggers reports pull_request_target and workflow_run triggers, and a
// checkout of the pull request's head in such a workflow.
func (c *ciFile) triggers() {
	var prt, wfRun *guard.Line
	var heads []guard.Line
	for k, l := range c.file.AddedLines {
		code := ciCode(l.Text)
		if code == "" {
			continue
		}
		if prt == nil && ciIsTrigger(code, "pull_request_target") {
			prt = &c.file.AddedLines[k]
		}
		if wfRun == nil && ciIsTrigger(code, "workflow_run") {
			wfRun = &c.file.AddedLines[k]
		}
		if ciChecksOutHead(code) && c.isNew(l) {
			heads = append(heads, l)
		}
	}
	oldPRT := c.deleted.Contains("pull_request_target")
	var headEv []string
	for _, h := range heads {
		headEv = append(headEv, "checks out the pull request's code at "+explain.Line(h))
	}
	switch {
	case prt != nil && !oldPRT && len(heads) > 0:
		c.report(guard.Critical, prt.Number, "Switches the workflow to pull_request_target and checks out the "+
			"pull request's own code: code from any fork then runs with the repository's secrets and a write token.",
			append([]string{explain.Line(*prt)}, headEv...)...)
	case prt != nil && !oldPRT:
		c.report(guard.High, prt.Number, "Adds the pull_request_target trigger: the workflow runs for pull requests "+
			"from forks with the repository's secrets and a write token.", explain.Line(*prt))
	case (prt != nil || oldPRT) && len(heads) > 0:
		c.report(guard.Critical, heads[0].Number, "Checks out the pull request's own code in a pull_request_target "+
			"workflow: code from any fork then runs with the repository's secrets.", headEv...)
	}
	if wfRun != nil && !c.deleted.Contains("workflow_run") {
		c.report(guard.Medium, wfRun.Number, "Adds the workflow_run trigger: the workflow runs with secrets after "+
			"workflows that pull requests from forks can start; check what it downloads from them.", explain.Line(*wfRun))
	}
}

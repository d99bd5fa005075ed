package citampering

import (
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// This file reads what a workflow's changed lines say about the
// workflow as a whole: the events that start it, and whether it is one
// of the well-known report-only workflows.

// ciForkWriteEvents start a workflow in the base repository's context,
// with its secrets and a token that can write, for events that anyone
// (a fork's pull request, a comment, an issue) can cause.
var ciForkWriteEvents = []string{"pull_request_target", "workflow_run", "issue_comment", "issues",
	"discussion_comment", "discussion"}

// ciReportOnly are actions of workflows that only read the code and
// report on it (code scanning, Scorecard, build provenance): their
// security-events, id-token and attestations write permissions are what
// they need to upload results and sign them.
var ciReportOnly = []string{"github/codeql-action/", "ossf/scorecard-action", "upload-sarif",
	"actions/attest", "sigstore/", "slsa-framework/", "actions/dependency-review-action"}

// ciReportScopes are the scopes report-only workflows need.
var ciReportScopes = map[string]bool{"security-events": true, "id-token": true, "attestations": true,
	"actions": false, "contents": false}

// ciContext is what the changed lines of a workflow tell of it.
type ciContext struct {
	// forkWrite names the event of forkWriteEvents the workflow starts
	// on, "" when none is seen.
	forkWrite string
	// prs says the workflow runs on pull requests (pull_request or
	// pull_request_target), so on code from forks.
	prs bool
	// whole says the change shows the whole workflow (a new file): what
	// is not seen is not there.
	whole bool
	// reportOnly says the workflow uses a report-only action.
	reportOnly bool
}

// ciReadContext reads the context of a workflow from its added lines
// (the triggers it has after the change) and all its changed lines (the
// actions it uses).
func ciReadContext(f *guard.FileChange) ciContext {
	ctx := ciContext{whole: f.Status == guard.Added}
	for _, l := range f.AddedLines {
		code := ciCode(l.Text)
		if code == "" {
			continue
		}
		for _, ev := range ciForkWriteEvents {
			if ctx.forkWrite == "" && ciIsTrigger(code, ev) {
				ctx.forkWrite = ev
			}
		}
		if ciIsTrigger(code, "pull_request") || ciIsTrigger(code, "pull_request_target") {
			ctx.prs = true
		}
		ctx.reportOnly = ctx.reportOnly || ciUsesReportOnly(code)
	}
	for _, l := range f.DeletedLines {
		ctx.reportOnly = ctx.reportOnly || ciUsesReportOnly(ciCode(l.Text))
	}
	return ctx
}

func ciUsesReportOnly(code string) bool {
	if !strings.Contains(code, "uses:") {
		return false
	}
	for _, a := range ciReportOnly {
		if strings.Contains(code, a) {
			return true
		}
	}
	return false
}

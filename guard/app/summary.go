package app

import (
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/github"
)

// maxSummary is where the summary stops adding findings, safely under
// GitHub's limit (the client would cut it, less gracefully).
const maxSummary = github.MaxOutputLen - 4000

// maxPerSeverity caps the findings listed per severity.
const maxPerSeverity = 30

// sensitivePathDetector reports the categories a change touches; the
// summary shows them as the table of approvals instead of as findings.
const sensitivePathDetector = "sensitive-path"

// renderSummary writes the check run's Markdown: the verdict, why, the
// categories touched with the approvals they need and have, the findings
// by severity, the approvals that did not count, and where the policy
// came from. A developer should grasp it in ten seconds.
// publicURL, when set, links findings to their anomalies in the App's
// queue, where a security reviewer resolves them.
func renderSummary(st *PullState, out *outcome, publicURL string) string {
	var b strings.Builder
	v := &out.verdict
	fmt.Fprintf(&b, "## %s %s\n\n", icon(v.Conclusion), v.Title)
	b.WriteString("**Why:** " + why(st, out) + "\n\n")
	if st.PolicyError != "" {
		fmt.Fprintf(&b, "```\n%s\n```\n\n", strings.TrimSpace(st.PolicyError))
	}
	writeAgainst(&b, st)
	writeSharers(&b, st, out.sharers)
	writeRequirements(&b, st, v)
	writeCategoryFiles(&b, st, v)
	writeFindings(&b, st.allFindings(), out, publicURL)
	writeRubberStamps(&b, st.ReviewFindings)
	writeRejected(&b, v.Rejected)
	policy := st.PolicySource
	if ag := st.AgainstDefault; ag != nil && ag.PolicySource != st.PolicySource {
		policy += fmt.Sprintf(" (against %s: %s)", ag.Branch, ag.PolicySource)
	}
	fmt.Fprintf(&b, "<sub>Policy: %s · risk %.0f/100 (%s) · head %s · %d changed lines</sub>\n",
		policy, v.Risk, guard.RiskBand(v.Risk), guard.ShortHash(st.HeadSHA), st.Lines)
	return b.String()
}

// writeAgainst says that the pull request is also judged against the
// default branch, and why: a green check on a commit lets it reach that
// branch.
func writeAgainst(b *strings.Builder, st *PullState) {
	ag := st.AgainstDefault
	if ag == nil {
		return
	}
	what := "no sensitive category"
	if len(ag.Categories) > 0 {
		what = strings.Join(ag.Categories, ", ")
	}
	fmt.Fprintf(b, "**Also judged against `%s`** because the base `%s` is not protected: %s changed since `%s`. "+
		"A check run belongs to a commit, and any pull request of this commit into `%s` may merge once it is green, "+
		"so everything the head carries beyond `%s` needs its approvals here.\n\n",
		ag.Branch, cell(st.BaseRef), what, ag.Branch, ag.Branch, ag.Branch)
	if ag.PolicyError != "" {
		fmt.Fprintf(b, "```\n%s\n```\n\n", strings.TrimSpace(ag.PolicyError))
	}
}

// writeSharers explains, when the commit is the head of more than one
// open pull request, whose verdict the check carries and why.
func writeSharers(b *strings.Builder, carrier *PullState, sharers []*PullState) {
	if len(sharers) < 2 {
		return
	}
	names := make([]string, len(sharers))
	for i, s := range sharers {
		names[i] = subjectName(s)
	}
	fmt.Fprintf(b, "**This commit is the head of %s and %s.** A check run belongs to a commit, not to a pull request, "+
		"so this one carries the strictest of their verdicts: that of %s. A weaker verdict of one never replaces "+
		"a stricter one of another.\n\n", strings.Join(names[:len(names)-1], ", "), names[len(names)-1], subjectName(carrier))
	b.WriteString("| Pull request | Into | Its verdict |\n|---|---|---|\n")
	for _, s := range sharers {
		fmt.Fprintf(b, "| %s | `%s` | %s %s |\n", subjectName(s), cell(s.BaseRef), icon(s.Conclusion), cell(s.Verdict.Title))
	}
	b.WriteString("\n")
}

// subjectName names a pull request ("#12") or a merge group.
func subjectName(st *PullState) string {
	if st.MergeGroup {
		return "the merge group"
	}
	return fmt.Sprintf("#%d", st.Number)
}

func icon(conclusion string) string {
	switch conclusion {
	case guard.ConclusionSuccess:
		return ":white_check_mark:"
	case guard.ConclusionActionRequired:
		return ":warning:"
	}
	return ":no_entry:"
}

// why says in a sentence what decided the verdict.
func why(st *PullState, out *outcome) string {
	v := &out.verdict
	switch {
	case st.PolicyError != "":
		return fmt.Sprintf("the policy file %s on the base branch is invalid, so this change cannot be judged. "+
			"Fix the policy in a pull request of its own.", guard.PolicyPath)
	case st.AgainstDefault != nil && st.AgainstDefault.PolicyError != "":
		return fmt.Sprintf("the policy file %s on %s, which this change is also judged against, is invalid. "+
			"Fix the policy in a pull request of its own.", guard.PolicyPath, st.AgainstDefault.Branch)
	case len(v.Blocking) > 0:
		f := v.Blocking[0]
		return fmt.Sprintf("%s at or above %s severity blocks the merge until a security reviewer resolves it: "+
			"**%s** %s.", plural(len(v.Blocking), "finding"), blockSeverity(st.Policy), f.Detector, where(f))
	case st.MergeGroup:
		return "merge groups are checked for blocking findings only; each pull request needed its approvals to join the queue."
	}
	var missing, met []string
	for _, r := range v.Requirements {
		s := fmt.Sprintf("%s (%d/%d)", r.Name(), len(r.Approvers), r.Approvals)
		if r.Met() {
			met = append(met, s)
		} else {
			missing = append(missing, s)
		}
	}
	switch {
	case len(missing) > 0:
		return "this change touches " + strings.Join(missing, ", ") + ": it needs more approvals from reviewers " +
			"who neither wrote nor pushed any of its commits, given on the current head."
	case len(met) > 0:
		return "every sensitive category touched has its approvals: " + strings.Join(met, ", ") + "."
	}
	th := 0.0
	if st.Policy != nil {
		th = st.Policy.Thresholds.Review
	}
	return fmt.Sprintf("no sensitive category is touched and the risk score %.0f is under the review threshold %.0f.", v.Risk, th)
}

func blockSeverity(p *guard.Policy) guard.Severity {
	if p != nil && p.Thresholds.Block != guard.SeverityNone {
		return p.Thresholds.Block
	}
	return guard.Critical
}

func writeRequirements(b *strings.Builder, st *PullState, v *guard.Verdict) {
	if len(v.Requirements) == 0 {
		return
	}
	b.WriteString("| Sensitive category | Approvals needed | Counted | From |\n|---|---|---|---|\n")
	for _, r := range v.Requirements {
		pol := st.Policy
		if ag := st.AgainstDefault; ag != nil && r.Against != "" {
			pol = ag.Policy
		}
		name := r.Category
		if c := categoryOf(pol, r.Category); c != nil && c.Description != "" {
			name += " — " + c.Description
		} else if r.Category == "risk" {
			name = "risk score at or above the review threshold"
		}
		if r.Against != "" {
			name += " (against `" + r.Against + "`)"
		}
		need := fmt.Sprint(r.Approvals)
		if len(r.Teams) > 0 {
			need += " from " + strings.Join(r.Teams, " or ")
		}
		from := "—"
		if len(r.Approvers) > 0 {
			from = "@" + strings.Join(r.Approvers, ", @")
		}
		mark := ":x:"
		if r.Met() {
			mark = ":white_check_mark:"
		}
		fmt.Fprintf(b, "| %s | %s | %s %d | %s |\n", cell(name), cell(need), mark, len(r.Approvers), from)
	}
	b.WriteString("\n")
}

func writeFindings(b *strings.Builder, fs []guard.Finding, out *outcome, publicURL string) {
	shown := fs[:0:0]
	for _, f := range fs {
		if f.Detector != sensitivePathDetector {
			shown = append(shown, f)
		}
	}
	if len(shown) == 0 {
		return
	}
	b.WriteString("### Findings\n")
	for sev := guard.Critical; sev >= guard.Info; sev-- {
		var group []guard.Finding
		for _, f := range shown {
			if f.Severity == sev {
				group = append(group, f)
			}
		}
		if len(group) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n**%s (%d)**\n\n", strings.ToUpper(sev.String()[:1])+sev.String()[1:], len(group))
		for i, f := range group {
			if i == maxPerSeverity || b.Len() > maxSummary {
				fmt.Fprintf(b, "- … and %d more %s findings (see the annotations)\n", len(group)-i, sev)
				break
			}
			an, ok := out.anomalies[subjectKey(f)]
			var a *guard.Anomaly
			if ok {
				a = &an
			}
			writeFinding(b, f, a, publicURL)
		}
	}
	b.WriteString("\n")
}

func writeFinding(b *strings.Builder, f guard.Finding, an *guard.Anomaly, publicURL string) {
	fmt.Fprintf(b, "- **%s** %s — %s", f.Detector, where(f), oneLine(f.Message))
	switch {
	case an != nil && Released(*an):
		why := string(an.Status)
		if an.Suppressed {
			why = "suppressed"
		}
		if an.Reason != "" {
			why += ": " + oneLine(an.Reason)
		}
		fmt.Fprintf(b, " *(%s)*", why)
	case an != nil && publicURL != "":
		fmt.Fprintf(b, " ([triage](%s/anomalies/%d))", strings.TrimSuffix(publicURL, "/"), an.ID)
	}
	b.WriteString("\n")
	if len(f.Evidence) > 0 {
		ev := f.Evidence
		if len(ev) > 4 {
			ev = append(ev[:4:4], fmt.Sprintf("… %d more", len(f.Evidence)-4))
		}
		fmt.Fprintf(b, "  <sub>%s</sub>\n", cutString(oneLine(strings.Join(ev, " · ")), 400))
	}
}

func writeRubberStamps(b *strings.Builder, fs []guard.Finding) {
	if len(fs) == 0 {
		return
	}
	b.WriteString("### Rubber-stamp reviews\n\n")
	for _, f := range fs {
		b.WriteString("- " + oneLine(f.Message) + "\n")
	}
	b.WriteString("\n")
}

func writeRejected(b *strings.Builder, rs []guard.Rejected) {
	if len(rs) == 0 {
		return
	}
	b.WriteString("### Approvals that did not count\n\n")
	for _, r := range rs {
		fmt.Fprintf(b, "- @%s: %s\n", r.Login, r.Reason)
	}
	b.WriteString("\n")
}

// where locates a finding: "`path:line` in abc1234567".
func where(f guard.Finding) string {
	var parts []string
	if loc := f.Location(); loc != "" {
		parts = append(parts, "`"+loc+"`")
	}
	if f.Commit != "" {
		parts = append(parts, "in "+guard.ShortHash(f.Commit))
	}
	if len(parts) == 0 {
		return "(whole change)"
	}
	return strings.Join(parts, " ")
}

func plural(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return fmt.Sprintf("%d %ss", n, w)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", "\\|") }

func cutString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

func categoryOf(p *guard.Policy, name string) *guard.Category {
	if p == nil {
		return nil
	}
	return p.Category(name)
}

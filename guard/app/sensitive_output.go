package app

import (
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/github"
)

// maxListedFiles caps the files the summary lists per category.
const maxListedFiles = 10

// writeCategoryFiles lists, under the table of approvals, the files that
// put the change in each sensitive category, so that a developer sees
// why an approval is needed.
func writeCategoryFiles(b *strings.Builder, st *PullState, v *guard.Verdict) {
	var lines []string
	for _, r := range v.Requirements {
		cfs, what := st.Sensitive, r.Category
		if ag := st.AgainstDefault; ag != nil && r.Against != "" {
			cfs, what = ag.Sensitive, r.Category+" (against `"+r.Against+"`)"
		}
		if cf := filesOf(cfs, r.Category); cf != nil {
			lines = append(lines, fmt.Sprintf("- **%s**: %s\n", what, listFiles(cf)))
		}
	}
	if len(lines) == 0 {
		return
	}
	b.WriteString("**Files in the sensitive categories**\n\n" + strings.Join(lines, "") + "\n")
}

// listFiles renders up to maxListedFiles files of a category, with how
// many more there are.
func listFiles(cf *CategoryFiles) string {
	var parts []string
	for i, f := range cf.Files {
		if i == maxListedFiles {
			break
		}
		parts = append(parts, "`"+cell(f.Path)+"`"+fileNote(f))
	}
	s := strings.Join(parts, ", ")
	if more := cf.Total - len(parts); more > 0 {
		s += " and " + plural(more, "more file")
	}
	return s
}

// fileNote says what the change did to a file when it did more than
// modify it.
func fileNote(f SensitiveFile) string {
	switch {
	case f.Status == guard.Renamed && f.OldPath != "":
		return " (renamed from `" + cell(f.OldPath) + "`)"
	case f.Status == guard.Added || f.Status == guard.Deleted:
		return " (" + string(f.Status) + ")"
	}
	return ""
}

// annotations are those a check run gets on its first report for st
// (they accumulate over updates, so it gets them once): failures and
// warnings of the findings first, most severe first, then a notice on
// the first changed line of each file of a sensitive category, then the
// findings' notices, at most max in all.
func annotations(st *PullState, max int) []github.Annotation {
	fs := append([]guard.Finding(nil), st.allFindings()...)
	guard.SortFindings(fs)
	var first, rest []github.Annotation
	for _, a := range github.FindingAnnotations(fs) {
		if a.Level == github.LevelNotice {
			rest = append(rest, a)
		} else {
			first = append(first, a)
		}
	}
	all := append(append(first, categoryAnnotations(st)...), rest...)
	if len(all) > max {
		all = all[:max]
	}
	return all
}

// categoryAnnotations are one notice per file of a sensitive category
// that is still there at the head, naming each category it puts the
// change in and the approvals that needs.
func categoryAnnotations(st *PullState) []github.Annotation {
	var out []github.Annotation
	at := map[string]int{} // index in out by path
	add := func(cfs []CategoryFiles, pol *guard.Policy, against string) {
		for _, cf := range cfs {
			why, ok := categoryNeeds(pol, cf.Category, against)
			if !ok {
				continue // the category asks for no approval
			}
			for _, f := range cf.Files {
				if f.Line < 1 {
					continue // deleted: nothing to point at
				}
				if i, ok := at[f.Path]; ok {
					out[i].Message += "\n" + why
					continue
				}
				at[f.Path] = len(out)
				out = append(out, github.Annotation{Path: f.Path, StartLine: f.Line, EndLine: f.Line,
					Level: github.LevelNotice, Title: "Sensitive file: needs independent review", Message: why})
			}
		}
	}
	add(st.Sensitive, st.Policy, "")
	if ag := st.AgainstDefault; ag != nil {
		add(ag.Sensitive, ag.Policy, ag.Branch)
	}
	return out
}

// categoryNeeds says in a sentence what a file of category name asks
// for under pol; ok is false when it asks for no approval.
func categoryNeeds(pol *guard.Policy, name, against string) (why string, ok bool) {
	c := categoryOf(pol, name)
	if c == nil || c.Approvals < 1 {
		return "", false
	}
	why = "This file puts the change in the sensitive category " + name
	if c.Description != "" {
		why += " (" + strings.TrimSuffix(c.Description, ".") + ")"
	}
	if against != "" {
		why += " of " + against
	}
	why += ": it needs " + plural(c.Approvals, "approval")
	if len(c.Teams) > 0 {
		why += " from " + strings.Join(c.Teams, " or ")
	}
	return why + " by reviewers who neither wrote nor pushed its commits.", true
}

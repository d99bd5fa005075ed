package binaryinsource

import (
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// bisReport reports one candidate: what it is, where, and why it ranks
// as it does.
func bisReport(pass *guard.Pass, c bisCandidate) {
	f := c.file
	var msg string
	switch {
	case c.junk:
		msg = fmt.Sprintf("%s %s (%s), a file an operating system or editor leaves behind (junk_files): "+
			"not code, and usually kept out by .gitignore.", bisVerb(f), f.Path, bisSize(f.Size))
	case c.utf16:
		msg = fmt.Sprintf("%s the UTF-16 text file %s (%s): Git treats it as binary, so the diff does not show it.",
			bisVerb(f), f.Path, bisSize(f.Size))
	case c.tooLarge:
		msg = fmt.Sprintf("%s (%s, %s) is too large to diff, so its content was not examined",
			f.Path, f.Status, bisSize(f.Size))
		if len(c.reasons) > 0 {
			msg += "; it is " + strings.Join(c.reasons, ", ")
		}
		msg += "."
	default:
		where := "outside the declared asset folders"
		if len(c.reasons) > 0 {
			where = strings.Join(c.reasons, ", ")
		}
		msg = fmt.Sprintf("%s the %s %s (%s) %s; its content cannot be reviewed in the diff.",
			bisVerb(f), bisKindNames[c.kind], f.Path, bisSize(f.Size), where)
	}
	ev := c.evidence
	if f.Status == guard.Renamed {
		ev = append(ev, "renamed from: "+f.OldPath)
	}
	if f.Hash != "" {
		ev = append(ev, "blob: "+guard.ShortHash(f.Hash))
	}
	pass.Report(guard.Finding{
		Severity: c.sev,
		Score:    0.2 + 0.15*float64(c.sev),
		Path:     f.Path,
		Message:  msg,
		Evidence: ev,
	})
}

// bisReportRest folds the candidates past the cap into one finding.
func bisReportRest(pass *guard.Pass, rest []bisCandidate) {
	paths := make([]string, len(rest))
	sev := guard.Info
	for i, c := range rest {
		paths[i] = c.file.Path
		if c.sev > sev {
			sev = c.sev
		}
	}
	pass.Report(guard.Finding{
		Severity: sev,
		Score:    0.3,
		Path:     rest[0].file.Path,
		Message: fmt.Sprintf("The change also adds or changes %s outside the asset folders: %s.",
			explain.Plural(len(rest), "more binary file"), explain.List(paths, 5)),
		Evidence: paths[:min(len(paths), 20)],
	})
}

func bisVerb(f *guard.FileChange) string {
	switch f.Status {
	case guard.Added:
		return "Adds"
	case guard.Renamed:
		return "Moves in"
	}
	return "Changes"
}

// bisSize renders a byte count for a reviewer ("31 KB").
func bisSize(n int64) string {
	switch {
	case n <= 0:
		return "size unknown"
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+1<<9)>>10)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

package dependencychange

import (
	"fmt"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// This file tells who makes the change, for the findings on code from a
// source outside the registry. Pointing a dependency at a fork or a git
// branch is everyday work of a project's active maintainers (foundry
// takes revm and ethers from git for months at a time); the same edit by
// an author new to the repository, or back after a long silence, is the
// hand-over shape of event-stream (2018). So such a source is high,
// naming the author's standing, unless the author is an active
// maintainer: then it is low.

// depAuthor is what the baseline says of the change's author.
type depAuthor struct {
	// maintainer is set for an active maintainer of the repository.
	maintainer bool
	// why describes the author's standing for a message, "" when the
	// baseline says nothing.
	why string
}

// depStanding reads the author's standing from the pass's baseline: a
// maintainer has at least set.MaintainerCommits commits in the repository
// (or, in a young repository, at least a quarter of its commits and 5),
// one in any repository within set.MaintainerActiveDays, and has been
// active here without a long silence (guard.ActiveGap) for
// set.MaintainerRunDays (unless they founded the project): someone back
// from years away, or new, is not a maintainer for their first months.
func depStanding(pass *guard.Pass, set *Settings) depAuthor {
	b := pass.Baseline
	when, ok := depWhen(pass)
	if b == nil || b.Author == nil || b.AuthorAll == nil || !ok {
		return depAuthor{}
	}
	n := b.Author.Commits
	if n == 0 {
		return depAuthor{why: "by an author new to the repository"}
	}
	silence := when.Sub(b.AuthorAll.LastSeen)
	days := int(silence.Hours() / 24)
	if set.MaintainerActiveDays > 0 && days > set.MaintainerActiveDays {
		return depAuthor{why: fmt.Sprintf("by an author back after %d days of silence (%d commits here before)",
			days, n)}
	}
	org := 0
	if b.Org != nil {
		org = b.Org.Commits
	}
	run := when.Sub(b.Author.ActiveSince)
	if !b.Author.ActiveSince.IsZero() && run < time.Duration(set.MaintainerRunDays)*24*time.Hour &&
		!depFounder(b) {
		again := " again"
		if b.Author.ActiveSince.Equal(b.Author.FirstSeen) {
			again = ""
		}
		return depAuthor{why: fmt.Sprintf("by an author active here%s for only %d days (%d commits here before)",
			again, int(run.Hours()/24), n)}
	}
	if set.MaintainerCommits > 0 && (n >= set.MaintainerCommits || n >= 5 && 4*n >= org) {
		return depAuthor{maintainer: true, why: fmt.Sprintf("by an active maintainer of the repository (%d "+
			"commits here, the last %s)", n, b.AuthorAll.LastSeen.Format(time.DateOnly))}
	}
	return depAuthor{why: fmt.Sprintf("by an author with %d commits here", n)}
}

// depFounder reports whether the author has been active since the
// organization's first commit (within 30 days): in a young project its
// founders are its maintainers from the start.
func depFounder(b *guard.Baseline) bool {
	a := b.Author
	return b.Org != nil && b.Org.Commits > 0 && a.ActiveSince.Equal(a.FirstSeen) &&
		a.FirstSeen.Sub(b.Org.FirstSeen) < 30*24*time.Hour
}

// depWhen returns when the change was made: its commit's date, or the
// last commit's of a change set.
func depWhen(pass *guard.Pass) (time.Time, bool) {
	switch {
	case pass.Commit != nil:
		return pass.Commit.Author.When, true
	case pass.Change != nil && len(pass.Change.Commits) > 0:
		return pass.Change.Commits[len(pass.Change.Commits)-1].Author.When, true
	}
	return time.Time{}, false
}

// outside returns the severity of code taken from a source that is
// neither the dependency's upstream nor already used, and a sentence on
// the author's standing for the message ("" when unknown).
func (a depAuthor) outside() (guard.Severity, string) {
	note := ""
	if a.why != "" {
		note = " The change is " + a.why + "."
	}
	if a.maintainer {
		return guard.Low, note
	}
	return guard.High, note
}

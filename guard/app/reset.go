package app

import (
	"fmt"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// approvalsReset returns since when approvals count, and why. It carries
// prev's over and moves it later when what the approvals approve changed
// without a new head, which the head rule cannot see: the base branch
// changed (an edited event, or a base unlike the saved one: at the
// event's time), the merge base moved (now, when it is noticed), or the
// pull request was reopened on a head it was not closed with (commits
// pushed while it was closed come without a synchronize event).
func approvalsReset(prev *PullState, pr pullRef, mergeBase string, now time.Time) (time.Time, string) {
	var since time.Time
	var why string
	if prev != nil {
		since, why = prev.ApprovalsSince, prev.ApprovalsReset
	}
	move := func(t time.Time, reason string) {
		if t.After(since) {
			since, why = t, reason
		}
	}
	at := pr.at
	if at.IsZero() {
		at = now
	}
	from := pr.baseFrom
	if from == "" && prev != nil && prev.BaseRef != "" && prev.BaseRef != pr.baseRef {
		from = prev.BaseRef
	}
	switch {
	case pr.baseEdited || from != "":
		if from == "" {
			from = "another branch"
		}
		move(at, fmt.Sprintf("the base changed from %s to %s", from, pr.baseRef))
	case prev != nil && prev.HeadSHA == pr.head && prev.MergeBase != "" && prev.MergeBase != mergeBase:
		move(now, fmt.Sprintf("the merge base changed from %s to %s",
			guard.ShortHash(prev.MergeBase), guard.ShortHash(mergeBase)))
	}
	switch {
	case pr.reopened && prev == nil:
		move(at, "the pull request was reopened, and repoguard had not seen it before")
	case pr.reopened && prev.HeadSHA != pr.head:
		move(at, "the pull request was reopened with commits pushed while it was closed")
	}
	return since, why
}

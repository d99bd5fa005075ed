package timezonechange

import (
	"fmt"
	"math"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.timezone-change.settings.
type Settings struct {
	// min_commits is the author history (in all repositories) from
	// which a never-used author offset is medium; below it, low.
	MinCommits int `setting:"min_commits"`
	// min_switch_commits is the history below which nothing is said.
	MinSwitchCommits int `setting:"min_switch_commits"`
	// rare_share: switching to an offset used in less than this share
	// of the author's commits is reported (low).
	RareShare float64 `setting:"rare_share"`
	// min_repo_commits: an author with fewer than min_switch_commits is
	// judged against everyone here instead, once the repository has
	// this many commits: an author zone none of them used is reported
	// (low, its own event).
	MinRepoCommits int `setting:"min_repo_commits"`
	// rare_zone: a zone at most this share of the repository's commits
	// used (one commit always) counts as one none of them used.
	RareZone float64 `setting:"rare_zone"`
}

// Detector is the timezone-change detector.
var Detector = &guard.Detector{
	Name: "timezone-change",
	Doc: "Reports an author time-zone offset the author never used, or a sudden switch to one they " +
		"rarely use. The committer zone is judged apart and only at low (info when someone else " +
		"committed, as when a maintainer applies a patch). A shift of exactly one hour from a known " +
		"offset is taken for daylight saving (info).",
	Severity:  guard.Medium,
	Behaviour: true,
	Settings: &Settings{
		MinCommits:       20,
		MinSwitchCommits: 5,
		RareShare:        0.02,
		MinRepoCommits:   100,
		RareZone:         0.001,
	},
	Run: run,
}

const tzHour = 3600

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	b, c := pass.Baseline, pass.Commit
	if b == nil || c == nil || b.AuthorAll == nil {
		return
	}
	if b.AuthorAll.Commits < set.MinSwitchCommits {
		if f, ok := tzNewAuthorZone(set, b, c); ok {
			pass.Report(f)
		}
		return
	}
	if f, ok := tzAuthorFinding(set, b.AuthorAll, c); ok {
		pass.Report(f)
		return
	}
	if f, ok := tzCommitterFinding(set, b.AuthorAll, c); ok {
		pass.Report(f)
	}
}

// tzAuthorFinding judges the author zone against the author's zones.
func tzAuthorFinding(set *Settings, a *guard.Profile, c *guard.Commit) (guard.Finding, bool) {
	o := c.Author.Offset()
	seen, used := a.AuthorZones[o], tzUsed(a.AuthorZones)
	evidence := []string{"author zones used: " + used, "last author zone: " + explain.Offset(a.LastAuthorZone)}
	if co := c.Committer.Offset(); co != o {
		evidence = append(evidence, "committer zone of this commit: "+explain.Offset(co))
	}
	f := guard.Finding{Evidence: evidence}
	switch {
	case seen == 0 && tzNear(a.AuthorZones, o):
		f.Severity, f.Score = guard.Info, 0.2
		f.Message = fmt.Sprintf("Author time zone %s is new but exactly one hour from a zone used before (%s): most likely a daylight-saving change.",
			explain.Offset(o), used)
	case seen == 0 && a.Commits < set.MinCommits:
		f.Severity, f.Score = guard.Low, 0.4
		f.Message = fmt.Sprintf("Author time zone %s was not used in the author's %s (used: %s); too little history to say more.",
			explain.Offset(o), explain.History(a), used)
	case seen == 0 && o == 0:
		f.Severity, f.Score = guard.Low, 0.4
		f.Message = fmt.Sprintf("Author time zone UTC never used before in %s (used: %s); web editors and tools often record UTC.",
			explain.History(a), used)
	case seen == 0:
		f.Score = math.Min(1, 0.4+0.1*math.Log2(float64(a.Commits)/float64(max(set.MinCommits, 1))))
		f.Message = fmt.Sprintf("Author time zone %s never used before in %s (used: %s).", explain.Offset(o), explain.History(a), used)
	case o != a.LastAuthorZone && tzAbs(o-a.LastAuthorZone) != tzHour &&
		float64(seen) < set.RareShare*float64(a.Commits):
		f.Severity, f.Score = guard.Low, 0.4
		f.Message = fmt.Sprintf("Author switched from time zone %s (their last commit) to %s, used in only %d of %s.",
			explain.Offset(a.LastAuthorZone), explain.Offset(o), seen, explain.History(a))
	default:
		return f, false
	}
	return f, true
}

// tzCommitterFinding judges the committer zone when the author zone is
// familiar: low when the author committed it, info when someone else did.
func tzCommitterFinding(set *Settings, a *guard.Profile, c *guard.Commit) (guard.Finding, bool) {
	co, o := c.Committer.Offset(), c.Author.Offset()
	if a.Commits < set.MinCommits || co == o || a.CommitterZones[co] > 0 || tzNear(a.CommitterZones, co) {
		return guard.Finding{}, false
	}
	f := guard.Finding{
		Severity: guard.Low, Score: 0.3,
		Message: fmt.Sprintf("Committer time zone %s never seen on the author's %s, while the author zone %s is familiar.",
			explain.Offset(co), explain.History(a), explain.Offset(o)),
		Evidence: []string{"committer zones seen: " + tzUsed(a.CommitterZones), "committer: " + c.Committer.Email},
	}
	if guard.NormalizeEmail(c.Committer.Email) != guard.NormalizeEmail(c.Author.Email) {
		f.Severity, f.Score = guard.Info, 0.1
		f.Message += " Someone else committed it (as when a maintainer applies a patch)."
	}
	return f, true
}

// tzNear reports whether an offset exactly one hour from o was used.
//
// Daylight saving: a new offset exactly one hour from an offset already
// used (by the author, or for the committer zone, on the author's
// commits) is taken for a daylight-saving change. It is reported at info
// for the author zone and not at all for the committer zone. The offset
// alone does not tell the author's region, so the date is not used to
// guess whether a switch was due; an attacker one hour away from the
// author gets info, which the other behaviour detectors back up or not.
func tzNear(zones map[int]int, o int) bool { return zones[o-tzHour] > 0 || zones[o+tzHour] > 0 }

func tzAbs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// tzUsed lists the most used offsets with their counts.
func tzUsed(zones map[int]int) string {
	keys := guard.SortedKeys(zones, func(a, b int) bool { return a < b })
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s in %s", explain.Offset(k), guard.Thousands(zones[k])))
	}
	if len(parts) == 0 {
		return "none"
	}
	return explain.List(parts, 4)
}

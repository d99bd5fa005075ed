package identitymismatch

import (
	"fmt"
	"slices"
	"time"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.identity-mismatch.settings.
type Settings struct {
	// min_commits is the author history needed to judge committers
	// and author-to-commit gaps.
	MinCommits int `setting:"min_commits"`
	// min_email_commits is the history under a login before a new
	// email counts: a fresh identity is still settling.
	MinEmailCommits int `setting:"min_email_commits"`
	// backdate_days: an author date this far before the commit date
	// is reported when the author almost never does it.
	BackdateDays float64 `setting:"backdate_days"`
	// max_backdate_share: "almost never" is below this share.
	MaxBackdateShare float64 `setting:"max_backdate_share"`
	// skew_minutes: a commit date this far before the author date
	// is reported.
	SkewMinutes float64 `setting:"skew_minutes"`
	// sign_ratio and sign_min_commits define an author who always
	// signs; sign_high_commits signed out of as many makes it high.
	SignRatio       float64 `setting:"sign_ratio"`
	SignMinCommits  int     `setting:"sign_min_commits"`
	SignHighCommits int     `setting:"sign_high_commits"`
	// trusted_committers commit for everyone (web merges): they are
	// no unusual pair, and their old author dates no backdating.
	TrustedCommitters []string `setting:"trusted_committers"`
}

// Detector is the identity-mismatch detector.
var Detector = &guard.Detector{
	Name: "identity-mismatch",
	Doc: "Reports identity changes of a known author, one finding per kind: a new email under a known " +
		"login (low for a known name without login), an email used by two identities (high), a " +
		"committer never seen with this author (low), an author date far before the commit date or " +
		"after it (backdating), and an unsigned commit from an author who always signs.",
	Severity:  guard.Medium,
	Behaviour: true,
	Settings: &Settings{
		MinCommits:        20,
		MinEmailCommits:   5,
		BackdateDays:      7.0,
		MaxBackdateShare:  0.01,
		SkewMinutes:       60.0,
		SignRatio:         0.95,
		SignMinCommits:    10,
		SignHighCommits:   50,
		TrustedCommitters: []string{"noreply@github.com"},
	},
	Run: run,
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	b, c := pass.Baseline, pass.Commit
	if b == nil || c == nil || b.AuthorAll == nil {
		return
	}
	for _, check := range []func(*Settings, *guard.Baseline, *guard.Commit) (guard.Finding, bool){
		imSharedEmail, imNewEmail, imPair, imDates, imUnsigned,
	} {
		if f, ok := check(set, b, c); ok {
			pass.Report(f)
		}
	}
}

// imSharedEmail: the author email is also used by another identity.
func imSharedEmail(_ *Settings, b *guard.Baseline, c *guard.Commit) (guard.Finding, bool) {
	if len(b.EmailKeys) == 0 {
		return guard.Finding{}, false
	}
	others := slices.Sorted(slices.Values(b.EmailKeys))
	return guard.Finding{
		Severity: guard.High, Score: 0.9,
		Message: fmt.Sprintf("Author email %s is also used by %s: one email, two identities.",
			guard.NormalizeEmail(c.Author.Email), explain.List(others, 3)),
		Evidence: []string{"other identities: " + explain.List(others, 10)},
	}, true
}

// imNewEmail: a known identity commits under an email it never used.
func imNewEmail(set *Settings, b *guard.Baseline, c *guard.Commit) (guard.Finding, bool) {
	id, email := b.Identity, guard.NormalizeEmail(c.Author.Email)
	if id == nil || slices.Contains(id.Emails, email) || b.AuthorAll.Commits < set.MinEmailCommits {
		return guard.Finding{}, false
	}
	evidence := []string{"known emails: " + explain.List(id.Emails, 5), "known names: " + explain.List(id.Names, 5)}
	switch {
	case id.Login != "" && guard.NoreplyLogin(email) == id.Login:
		return guard.Finding{}, false
	case id.Login != "":
		return guard.Finding{
			Score: 0.7,
			Message: fmt.Sprintf("Known login %s committed under a new email %s after %s under %s.",
				id.Login, email, explain.History(b.AuthorAll), explain.List(id.Emails, 3)),
			Evidence: evidence,
		}, true
	case slices.Contains(id.Names, c.Author.Name):
		return guard.Finding{
			Severity: guard.Low, Score: 0.4,
			Message: fmt.Sprintf("Known name %q appears with a new email %s (known: %s); no login links them.",
				c.Author.Name, email, explain.List(id.Emails, 3)),
			Evidence: evidence,
		}, true
	}
	return guard.Finding{}, false
}

// imPair: someone else (not one of the author's own emails) committed it
// who never committed this author's work before.
func imPair(set *Settings, b *guard.Baseline, c *guard.Commit) (guard.Finding, bool) {
	a := b.AuthorAll
	committer := guard.NormalizeEmail(c.Committer.Email)
	if committer == guard.NormalizeEmail(c.Author.Email) || a.Commits < set.MinCommits ||
		b.Identity != nil && slices.Contains(b.Identity.Emails, committer) ||
		a.Committers[committer] > 0 || slices.Contains(set.TrustedCommitters, committer) {
		return guard.Finding{}, false
	}
	return guard.Finding{
		Severity: guard.Low, Score: 0.3,
		Message: fmt.Sprintf("Committed by %s, never before the committer of this author's %s.",
			committer, explain.History(a)),
		Evidence: []string{"committers seen: " + explain.Counts(a.Committers)},
	}, true
}

// imDates: an author date far before the commit date, which the author
// almost never has, or a commit date before the author date. A trusted
// committer (a web rebase-merge keeps the author dates) is not backdating.
func imDates(set *Settings, b *guard.Baseline, c *guard.Commit) (guard.Finding, bool) {
	a, gap := b.AuthorAll, c.Committer.When.Sub(c.Author.When)
	evidence := []string{"author date: " + c.Author.When.Format(time.RFC3339),
		"commit date: " + c.Committer.When.Format(time.RFC3339)}
	if skew := time.Duration(set.SkewMinutes * float64(time.Minute)); gap < -skew {
		f := guard.Finding{Score: 0.6, Evidence: evidence,
			Message: fmt.Sprintf("Committed %s before it was authored: one of the dates is set by hand or a clock is wrong.",
				imDuration(-gap))}
		if guard.NormalizeEmail(c.Committer.Email) != guard.NormalizeEmail(c.Author.Email) {
			f.Severity, f.Score = guard.Low, 0.3
		}
		return f, true
	}
	limit := time.Duration(set.BackdateDays * 24 * float64(time.Hour))
	if gap <= limit || a.Commits < set.MinCommits ||
		slices.Contains(set.TrustedCommitters, guard.NormalizeEmail(c.Committer.Email)) {
		return guard.Finding{}, false
	}
	n := imGapsBeyond(a, limit)
	if float64(n) >= set.MaxBackdateShare*float64(a.Commits) {
		return guard.Finding{}, false
	}
	return guard.Finding{
		Score: 0.6,
		Message: fmt.Sprintf("Authored %s before it was committed; %d of the author's %s were committed more than %s after authoring (rebasing an old branch also does this).",
			imDuration(gap), n, explain.History(a), imDuration(limit)),
		Evidence: evidence,
	}, true
}

// imGapsBeyond counts the author's commits in gap buckets that can hold a
// gap longer than d (an over-estimate, so the rule errs on silence).
func imGapsBeyond(a *guard.Profile, d time.Duration) int {
	n := 0
	for b := guard.GapBucket(d); b < guard.GapBuckets; b++ {
		n += a.Gaps[b]
	}
	return n
}

// imUnsigned: an unsigned commit from an author who always signs.
func imUnsigned(set *Settings, b *guard.Baseline, c *guard.Commit) (guard.Finding, bool) {
	a := b.AuthorAll
	if c.Signed || a.Commits < set.SignMinCommits ||
		float64(a.Signed) < set.SignRatio*float64(a.Commits) {
		return guard.Finding{}, false
	}
	f := guard.Finding{
		Score: 0.6,
		Message: fmt.Sprintf("Unsigned commit from an author who signed %d of %s: their signing key may not be at hand.",
			a.Signed, explain.History(a)),
	}
	if a.Signed == a.Commits && a.Commits >= set.SignHighCommits {
		f.Severity, f.Score = guard.High, 0.8
	}
	return f, true
}

// imDuration renders a duration in minutes, hours or days.
func imDuration(d time.Duration) string {
	switch {
	case d < time.Hour:
		return explain.Plural(int(d.Minutes()), "minute")
	case d < 48*time.Hour:
		return explain.Plural(int(d.Hours()), "hour")
	}
	return explain.Plural(int(d.Hours()/24), "day")
}

package guard

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Conclusions of the repoguard check run.
const (
	ConclusionSuccess        = "success"
	ConclusionActionRequired = "action_required"
	ConclusionFailure        = "failure"
)

// Requirement is one reason the change needs approvals.
type Requirement struct {
	// Category is the sensitive category, or "risk" for a change whose
	// risk score reached the review threshold.
	Category  string   `json:"category"`
	Approvals int      `json:"approvals"`
	Teams     []string `json:"teams,omitempty"`
	// Approvers are the logins whose approvals count toward it.
	Approvers []string `json:"approvers"`
	// Against, when set, is the branch the requirement comes from when
	// it is not the pull request's base: what the head would bring to
	// the default branch beyond the base (see Verdict.Include).
	Against string `json:"against,omitempty"`
}

// Met reports whether enough approvals count.
func (r *Requirement) Met() bool { return len(r.Approvers) >= r.Approvals }

// Name is the requirement's category, followed by the branch it is
// judged against when that is not the base: "contracts against main".
func (r *Requirement) Name() string {
	if r.Against == "" {
		return r.Category
	}
	return r.Category + " against " + r.Against
}

// Rejected is an approval that does not count, and why.
type Rejected struct {
	Login  string `json:"login"`
	Reason string `json:"reason"`
}

// Verdict is the decision on a change set.
type Verdict struct {
	Conclusion   string        `json:"conclusion"`
	Title        string        `json:"title"`
	Risk         float64       `json:"risk"`
	Requirements []Requirement `json:"requirements"`
	Rejected     []Rejected    `json:"rejected,omitempty"`
	// Blocking are unresolved findings at or above the policy's block
	// severity: they fail the check whatever the approvals.
	Blocking []Finding `json:"blocking,omitempty"`
}

// Decide turns the categories a change touches, its findings and its
// reviews into a verdict. resolved reports findings a security reviewer
// has resolved (nil: none).
func Decide(pol *Policy, categories []string, findings []Finding, rc ReviewContext, resolved func(Finding) bool) Verdict {
	v := Verdict{Risk: Risk(findings)}
	block := pol.Thresholds.Block
	if block == SeverityNone {
		block = Critical
	}
	for _, f := range findings {
		if f.Severity >= block && (resolved == nil || !resolved(f)) {
			v.Blocking = append(v.Blocking, f)
		}
	}
	for _, name := range categories {
		if c := pol.Category(name); c != nil && c.Approvals > 0 {
			v.Requirements = append(v.Requirements, Requirement{Category: name, Approvals: c.Approvals, Teams: c.Teams})
		}
	}
	if len(v.Requirements) == 0 && pol.Thresholds.Review > 0 && v.Risk >= pol.Thresholds.Review {
		v.Requirements = append(v.Requirements, Requirement{Category: "risk", Approvals: 1})
	}
	valid, rejected := countableApprovals(rc)
	v.Rejected = rejected
	for i := range v.Requirements {
		v.Requirements[i].Approvers = approversFor(&v.Requirements[i], valid, rc.MemberOf, &v.Rejected)
	}
	v.Conclusion, v.Title = conclude(&v)
	return v
}

// Include adds to v, the verdict on a pull request, what w requires
// beyond it: w is the verdict, with the same reviews, on what the same
// head would bring to branch (the default branch, when the base is
// another). w's blocking findings and rejected approvals are added, and
// its requirements marked Against branch, but for one v already has (the
// same category and teams, as many approvals or more: the same
// approvals count toward both). The risk is the higher one, and the
// conclusion is drawn again.
func (v *Verdict) Include(w Verdict, branch string) {
	for _, r := range w.Requirements {
		if !v.covers(r) {
			r.Against = branch
			v.Requirements = append(v.Requirements, r)
		}
	}
	for _, f := range w.Blocking {
		if !slices.ContainsFunc(v.Blocking, func(g Finding) bool { return sameFinding(f, g) }) {
			v.Blocking = append(v.Blocking, f)
		}
	}
	for _, r := range w.Rejected {
		if !slices.Contains(v.Rejected, r) {
			v.Rejected = append(v.Rejected, r)
		}
	}
	sort.SliceStable(v.Rejected, func(i, j int) bool { return v.Rejected[i].Login < v.Rejected[j].Login })
	v.Risk = max(v.Risk, w.Risk)
	v.Conclusion, v.Title = conclude(v)
}

// covers reports whether v has a requirement that r's approvals meet
// whenever they meet v's.
func (v *Verdict) covers(r Requirement) bool {
	for _, have := range v.Requirements {
		if have.Category == r.Category && have.Approvals >= r.Approvals && sameSet(have.Teams, r.Teams) {
			return true
		}
	}
	return false
}

// sameFinding reports whether two findings say the same of the same
// place.
func sameFinding(a, b Finding) bool {
	return a.Detector == b.Detector && a.Path == b.Path && a.Line == b.Line && a.Commit == b.Commit && a.Message == b.Message
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

func conclude(v *Verdict) (string, string) {
	if len(v.Blocking) > 0 {
		return ConclusionFailure, fmt.Sprintf("Blocked: %s until a security reviewer resolves %s",
			v.Blocking[0].Detector, pluralWord(len(v.Blocking), "finding"))
	}
	var missing []string
	for _, r := range v.Requirements {
		if !r.Met() {
			missing = append(missing, fmt.Sprintf("%s %d/%d", r.Name(), len(r.Approvers), r.Approvals))
		}
	}
	if len(missing) > 0 {
		return ConclusionActionRequired, "Second review required: " + strings.Join(missing, ", ")
	}
	if len(v.Requirements) > 0 {
		return ConclusionSuccess, "Approved by independent reviewers"
	}
	return ConclusionSuccess, "No sensitive change"
}

func pluralWord(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return fmt.Sprintf("%d %ss", n, w)
}

// approversFor filters the valid approvers by the requirement's teams.
func approversFor(req *Requirement, valid []string, memberOf func(team, login string) (bool, error), rejected *[]Rejected) []string {
	if len(req.Teams) == 0 {
		return append([]string{}, valid...)
	}
	out := []string{}
	for _, login := range valid {
		ok := false
		for _, team := range req.Teams {
			if memberOf == nil {
				break
			}
			if m, err := memberOf(team, login); err == nil && m {
				ok = true
				break
			}
		}
		if ok {
			out = append(out, login)
			continue
		}
		*rejected = append(*rejected, Rejected{Login: login,
			Reason: fmt.Sprintf("not a member of %s, required for %s", strings.Join(req.Teams, " or "), req.Category)})
	}
	return out
}

// RubberStampDetector names the finding of an approval given too quickly.
const RubberStampDetector = "rubber-stamp-review"

// RubberStamps reports each counting approval of a large sensitive change
// (at least minLines changed lines) given within window of the last push:
// too fast to have been read.
func RubberStamps(rc ReviewContext, v *Verdict, lines, minLines int, window time.Duration) []Finding {
	if rc.PushedAt.IsZero() || lines < minLines || len(v.Requirements) == 0 {
		return nil
	}
	counted := map[string]bool{}
	for _, req := range v.Requirements {
		for _, a := range req.Approvers {
			counted[strings.ToLower(a)] = true
		}
	}
	var out []Finding
	for _, r := range rc.Reviews {
		after := r.SubmittedAt.Sub(rc.PushedAt)
		if r.State != "APPROVED" || !counted[strings.ToLower(r.Login)] || after < 0 || after > window {
			continue
		}
		out = append(out, Finding{
			Detector: RubberStampDetector, Severity: Medium, Score: 0.6, Actor: r.Login,
			Message: fmt.Sprintf("%s approved %d changed lines in %s %s after the last push, too fast to have read them.",
				r.Login, lines, v.Requirements[0].Category, after.Round(time.Second)),
			Evidence: []string{"approved at " + r.SubmittedAt.UTC().Format(time.RFC3339), "pushed at " + rc.PushedAt.UTC().Format(time.RFC3339)},
		})
	}
	return out
}

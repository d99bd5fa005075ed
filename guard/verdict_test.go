package guard

import (
	"strings"
	"testing"
	"time"
)

func TestDecide(t *testing.T) {
	pol := &Policy{
		Categories: []Category{
			{Name: "contracts", Approvals: 2},
			{Name: "ci", Approvals: 1, Teams: []string{"acme/security"}},
			{Name: "docs", Approvals: 0},
		},
		Thresholds: Thresholds{Review: 40, Block: Critical},
	}
	head := "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	approve := func(login string, commit string, at time.Duration) Review {
		return Review{Login: login, State: "APPROVED", CommitID: commit, SubmittedAt: t0.Add(at)}
	}
	members := func(team, login string) (bool, error) { return team == "acme/security" && login == "sec", nil }
	high := Finding{Detector: "ci-tampering", Severity: High, Score: 1}
	crit := Finding{Detector: "key-material", Severity: Critical, Score: 1}

	for _, tc := range []struct {
		name       string
		categories []string
		findings   []Finding
		reviews    []Review
		resolved   func(Finding) bool
		want       string
		rejected   string
	}{
		{"nothing sensitive", nil, nil, nil, nil, ConclusionSuccess, ""},
		{"zero-approval category", []string{"docs"}, nil, nil, nil, ConclusionSuccess, ""},
		{"contracts unapproved", []string{"contracts"}, nil, nil, nil, ConclusionActionRequired, ""},
		{"author approval does not count", []string{"contracts"}, nil,
			[]Review{approve("alice", head, 0), approve("bob", head, 0)}, nil, ConclusionActionRequired, "alice: the pull request's author"},
		{"two independent approvals", []string{"contracts"}, nil,
			[]Review{approve("bob", head, 0), approve("carol", head, 0)}, nil, ConclusionSuccess, ""},
		{"approval of an old head", []string{"contracts"}, nil,
			[]Review{approve("bob", "aaaa", 0), approve("carol", head, 0)}, nil, ConclusionActionRequired, "bob: approved an earlier head"},
		{"committer of a commit", []string{"contracts"}, nil,
			[]Review{approve("dave", head, 0), approve("carol", head, 0)}, nil, ConclusionActionRequired, "dave: authored or committed"},
		{"pusher", []string{"contracts"}, nil,
			[]Review{approve("erin", head, 0), approve("carol", head, 0)}, nil, ConclusionActionRequired, "erin: pushed"},
		{"an earlier pusher", []string{"contracts"}, nil,
			[]Review{approve("frank", head, 0), approve("carol", head, 0)}, nil, ConclusionActionRequired, "frank: pushed commits"},
		{"co-author of a commit", []string{"contracts"}, nil,
			[]Review{approve("Gina", head, 0), approve("carol", head, 0)}, nil, ConclusionActionRequired,
			"Gina: named as co-author (gina@home.test) of commit cccccccccc"},
		{"pushed a commit to some branch", []string{"contracts"}, nil,
			[]Review{approve("mallory", head, 0), approve("carol", head, 0)}, nil, ConclusionActionRequired,
			"mallory: pushed commit dddddddddd to branch prep"},
		{"bot", []string{"contracts"}, nil,
			[]Review{approve("dependabot[bot]", head, 0), approve("carol", head, 0)}, nil, ConclusionActionRequired, "dependabot[bot]: bots"},
		{"changes requested after approval withdraws it", []string{"contracts"}, nil,
			[]Review{approve("bob", head, 0), approve("carol", head, 0), {Login: "bob", State: "CHANGES_REQUESTED", CommitID: head, SubmittedAt: t0.Add(time.Minute)}},
			nil, ConclusionActionRequired, ""},
		{"team required", []string{"ci"}, nil, []Review{approve("bob", head, 0)}, nil, ConclusionActionRequired, "bob: not a member of acme/security"},
		{"team member approves", []string{"ci"}, nil, []Review{approve("sec", head, 0)}, nil, ConclusionSuccess, ""},
		{"risk over threshold", nil, []Finding{high}, nil, nil, ConclusionActionRequired, ""},
		{"risk approved", nil, []Finding{high}, []Review{approve("bob", head, 0)}, nil, ConclusionSuccess, ""},
		{"critical blocks despite approvals", []string{"contracts"}, []Finding{crit},
			[]Review{approve("bob", head, 0), approve("carol", head, 0)}, nil, ConclusionFailure, ""},
		{"resolved critical releases", []string{"contracts"}, []Finding{crit},
			[]Review{approve("bob", head, 0), approve("carol", head, 0)}, func(Finding) bool { return true }, ConclusionSuccess, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := ReviewContext{Author: "alice", Contributors: []string{"alice", "dave"}, Pusher: "erin", Pushers: []string{"Frank"},
				CoAuthors: []CoAuthor{{Login: "gina", Email: "gina@home.test", Commit: strings.Repeat("c", 40)}},
				Pushes:    []Push{{Login: "Mallory", Branch: "prep", Commit: strings.Repeat("d", 40)}},
				HeadSHA:   head, Reviews: tc.reviews, MemberOf: members}
			v := Decide(pol, tc.categories, tc.findings, rc, tc.resolved)
			if v.Conclusion != tc.want {
				t.Errorf("conclusion %s (%s), want %s", v.Conclusion, v.Title, tc.want)
			}
			var rej []string
			for _, r := range v.Rejected {
				rej = append(rej, r.Login+": "+r.Reason)
			}
			if tc.rejected != "" && !strings.Contains(strings.Join(rej, "\n"), tc.rejected) {
				t.Errorf("rejected %q, want one starting %q", rej, tc.rejected)
			}
		})
	}
}

// TestDecideApprovalsSince: when what the approvals approve changed
// without a new head (a base switch), only approvals given after it count.
func TestDecideApprovalsSince(t *testing.T) {
	pol := &Policy{Categories: []Category{{Name: "contracts", Approvals: 1}}}
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		at       time.Duration // of bob's approval, from t0
		since    time.Duration // zero: no reset
		want     string
		rejected string
	}{
		{"no reset", -time.Hour, 0, ConclusionSuccess, ""},
		{"approved before the base changed", -time.Second, time.Nanosecond, ConclusionActionRequired,
			"bob: approved before the base changed from dev to main; approve again"},
		{"approved in the same second", 0, time.Nanosecond, ConclusionActionRequired, "bob: approved before"},
		{"approved after", time.Second, time.Nanosecond, ConclusionSuccess, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := ReviewContext{Author: "alice", HeadSHA: "h",
				Reviews: []Review{{Login: "bob", State: "APPROVED", CommitID: "h", SubmittedAt: t0.Add(tc.at)}}}
			if tc.since != 0 {
				// The base changed during the second t0 (GitHub's
				// review times have whole seconds).
				rc.ApprovalsSince, rc.ApprovalsReset = t0.Add(tc.since), "the base changed from dev to main"
			}
			v := Decide(pol, []string{"contracts"}, nil, rc, nil)
			if v.Conclusion != tc.want {
				t.Errorf("conclusion %s (%s), want %s", v.Conclusion, v.Title, tc.want)
			}
			if tc.rejected != "" && (len(v.Rejected) != 1 || !strings.HasPrefix(v.Rejected[0].Login+": "+v.Rejected[0].Reason, tc.rejected)) {
				t.Errorf("rejected %+v, want %q", v.Rejected, tc.rejected)
			}
		})
	}
}

func TestDecideUnverifiable(t *testing.T) {
	pol := &Policy{Categories: []Category{{Name: "contracts", Approvals: 1}}}
	rc := ReviewContext{Author: "alice", HeadSHA: "h", Unverifiable: "more than 250 commits",
		Reviews: []Review{{Login: "bob", State: "APPROVED", CommitID: "h"}}}
	v := Decide(pol, []string{"contracts"}, nil, rc, nil)
	if v.Conclusion != ConclusionActionRequired || len(v.Rejected) != 1 || !strings.Contains(v.Rejected[0].Reason, "250") {
		t.Errorf("verdict %+v: an approval counted although independence could not be checked", v)
	}
}

func TestRubberStamps(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	pol := &Policy{Categories: []Category{{Name: "contracts", Approvals: 1}}}
	for _, tc := range []struct {
		name  string
		after time.Duration
		lines int
		want  int
	}{
		{"fast and large", 40 * time.Second, 900, 1},
		{"slow and large", 30 * time.Minute, 900, 0},
		{"fast and small", 40 * time.Second, 20, 0},
	} {
		rc := ReviewContext{Author: "alice", HeadSHA: "h", PushedAt: t0,
			Reviews: []Review{{Login: "bob", State: "APPROVED", CommitID: "h", SubmittedAt: t0.Add(tc.after)}}}
		v := Decide(pol, []string{"contracts"}, nil, rc, nil)
		got := RubberStamps(rc, &v, tc.lines, 200, 2*time.Minute)
		if len(got) != tc.want {
			t.Errorf("%s: %d findings, want %d: %v", tc.name, len(got), tc.want, got)
		}
		for _, f := range got {
			if f.Actor != "bob" {
				t.Errorf("%s: Actor %q, want the reviewer bob", tc.name, f.Actor)
			}
		}
	}
}

// TestVerdictInclude: what a head would bring to the default branch
// beyond its base adds its requirements and blocking findings to the
// pull request's verdict, judged with the same reviews.
func TestVerdictInclude(t *testing.T) {
	base := &Policy{Categories: []Category{{Name: "contracts", Approvals: 1}, {Name: "ci", Approvals: 1}, {Name: "keys", Approvals: 1}}}
	def := &Policy{Categories: []Category{{Name: "contracts", Approvals: 2}, {Name: "ci", Approvals: 1, Teams: []string{"acme/security"}},
		{Name: "keys", Approvals: 1}}}
	members := func(team, login string) (bool, error) { return login == "sec", nil }
	crit := Finding{Detector: "key-material", Severity: Critical, Score: 1, Path: "k.pem", Line: 1, Message: "key"}
	for _, tc := range []struct {
		name           string
		own, beyond    []string // categories
		ownF, beyondF  []Finding
		approvers      []string
		want, title    string
		requirements   []string // Name() of each
		blocking       int
		rejectedReason string
	}{
		{"empty own diff, keys beyond", nil, []string{"keys"}, nil, nil, nil,
			ConclusionActionRequired, "Second review required: keys against main 0/1", []string{"keys against main"}, 0, ""},
		{"beyond approved", nil, []string{"keys"}, nil, nil, []string{"bob"},
			ConclusionSuccess, "Approved by independent reviewers", []string{"keys against main"}, 0, ""},
		{"stricter beyond", []string{"contracts"}, []string{"contracts"}, nil, nil, []string{"bob"},
			ConclusionActionRequired, "Second review required: contracts against main 1/2", []string{"contracts", "contracts against main"}, 0, ""},
		{"covered by own", []string{"keys"}, []string{"keys"}, nil, nil, []string{"bob"},
			ConclusionSuccess, "Approved by independent reviewers", []string{"keys"}, 0, ""},
		{"teams differ", []string{"ci"}, []string{"ci"}, nil, nil, []string{"bob"},
			ConclusionActionRequired, "Second review required: ci against main 0/1", []string{"ci", "ci against main"}, 0,
			"not a member of acme/security, required for ci"},
		{"team member meets both", []string{"ci"}, []string{"ci"}, nil, nil, []string{"sec"},
			ConclusionSuccess, "Approved by independent reviewers", []string{"ci", "ci against main"}, 0, ""},
		{"blocking beyond", nil, nil, nil, []Finding{crit}, []string{"bob"},
			ConclusionFailure, "Blocked: key-material until a security reviewer resolves 1 finding", nil, 1, ""},
		{"blocking in both counted once", nil, nil, []Finding{crit}, []Finding{crit}, nil,
			ConclusionFailure, "Blocked: key-material until a security reviewer resolves 1 finding", nil, 1, ""},
		{"nothing beyond", nil, nil, nil, nil, nil, ConclusionSuccess, "No sensitive change", nil, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := ReviewContext{Author: "alice", HeadSHA: "h", MemberOf: members}
			for _, l := range tc.approvers {
				rc.Reviews = append(rc.Reviews, Review{Login: l, State: "APPROVED", CommitID: "h"})
			}
			v := Decide(base, tc.own, tc.ownF, rc, nil)
			v.Include(Decide(def, tc.beyond, tc.beyondF, rc, nil), "main")
			if v.Conclusion != tc.want || v.Title != tc.title {
				t.Errorf("verdict %s %q, want %s %q", v.Conclusion, v.Title, tc.want, tc.title)
			}
			var names []string
			for _, r := range v.Requirements {
				names = append(names, r.Name())
			}
			if strings.Join(names, ",") != strings.Join(tc.requirements, ",") {
				t.Errorf("requirements %q, want %q", names, tc.requirements)
			}
			if len(v.Blocking) != tc.blocking {
				t.Errorf("%d blocking findings, want %d", len(v.Blocking), tc.blocking)
			}
			if tc.rejectedReason != "" && (len(v.Rejected) != 1 || v.Rejected[0].Reason != tc.rejectedReason) {
				t.Errorf("rejected %+v, want once: %q", v.Rejected, tc.rejectedReason)
			}
		})
	}
}

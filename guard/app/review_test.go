package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
)

func TestRubberStampReview(t *testing.T) {
	e := newEnv(t)
	e.withPolicy()
	e.Git("checkout", "-q", "-b", "feature")
	var src strings.Builder
	for i := range 150 {
		fmt.Fprintf(&src, "    uint256 public v%d;\n", i)
	}
	e.Commit("alice", "Big token", map[string]string{"contracts/Token.sol": "contract Token {\n" + src.String() + "}\n"})
	head, base := e.OpenPR(10, "alice", "feature")
	if err := e.pullRequestEvent("opened", 10, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	e.GH.AddReview(apptest.Owner, apptest.Name, 10, githubtest.Review{User: "bob", State: "APPROVED", CommitID: head,
		SubmittedAt: time.Now().Add(30 * time.Second)})
	if err := e.reviewEvent(10, "alice", head, base, "bob"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "success", "Rubber-stamp reviews", "bob approved 152 changed lines")
	stamps := func() (out []guard.Anomaly) {
		for _, an := range e.store.Anomalies() {
			if an.Detector == guard.RubberStampDetector {
				out = append(out, an)
			}
		}
		return out
	}
	if fs := stamps(); len(fs) != 1 || fs[0].PullRequest != 10 || fs[0].Author != "bob" {
		t.Fatalf("recorded %+v, want one rubber stamp by bob on #10", fs)
	}
	// Deciding again does not record it twice.
	if err := e.reviewEvent(10, "alice", head, base, "bob"); err != nil {
		t.Fatal(err)
	}
	if fs := stamps(); len(fs) != 1 || fs[0].Seen != 1 {
		t.Errorf("recorded %+v, want one, seen once", fs)
	}
}

func TestTeamRequirement(t *testing.T) {
	e := newEnv(t)
	e.Commit("alice", "Add policy", map[string]string{guard.PolicyPath: onePolicy + "    teams: [acme/security]\n"})
	e.Push("main")
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	head, base := e.OpenPR(11, "alice", "feature")
	e.GH.SetTeamMember("acme", "security", "carol", "active")
	e.GH.AddReview(apptest.Owner, apptest.Name, 11, githubtest.Review{User: "bob", State: "APPROVED", CommitID: head})
	if err := e.pullRequestEvent("opened", 11, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "@bob: not a member of acme/security", "1 from acme/security")
	e.GH.AddReview(apptest.Owner, apptest.Name, 11, githubtest.Review{User: "carol", State: "APPROVED", CommitID: head})
	if err := e.reviewEvent(11, "alice", head, base, "carol"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "success", "@carol")
}

func TestContributorsAndPusherCannotApprove(t *testing.T) {
	e := newEnv(t)
	e.withPolicy()
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	e.Commit("bob", "Help", map[string]string{"contracts/Token.sol": "contract Token { }\n"})
	head, base := e.OpenPR(12, "alice", "feature")
	// dave pushed the head (a synchronize he sent).
	if err := e.pullRequestEvent("synchronize", 12, "alice", head, base, "dave"); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"bob", "dave", "dependabot[bot]"} {
		e.GH.AddReview(apptest.Owner, apptest.Name, 12, githubtest.Review{User: who, State: "APPROVED", CommitID: head})
	}
	if err := e.reviewEvent(12, "alice", head, base, "dave"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required",
		"@bob: authored or committed commits", "@dave: pushed the latest commits", "@dependabot[bot]: bots cannot approve")
	st, _ := e.store.PullState(context.Background(), apptest.FullName, 12)
	if st.Pusher != "dave" {
		t.Errorf("pusher %q, want dave", st.Pusher)
	}
}

// TestRubberStampRecordedUnderReviewer: a rubber stamp enters the queue
// under the reviewer its finding names (Actor), whatever its message
// says.
func TestRubberStampRecordedUnderReviewer(t *testing.T) {
	store := NewMemStore()
	a := &App{Store: store, Logger: testLogger(t)}
	a.init()
	st := &PullState{Repo: apptest.FullName, Number: 3, HeadSHA: "abc"}
	f := guard.Finding{Detector: guard.RubberStampDetector, Severity: guard.Medium, Score: 0.6, Actor: "Bob",
		Message: "An approval of 900 changed lines 20s after the last push."}
	if err := a.settle(context.Background(), st, []guard.Finding{f}); err != nil {
		t.Fatal(err)
	}
	if as := store.Anomalies(); len(as) != 1 || as[0].Author != "bob" || as[0].PullRequest != 3 {
		t.Fatalf("recorded %+v, want one anomaly of #3 by bob", as)
	}
}

// TestVerdictPostedAudited: saving a pull request's state appends its
// verdict to the audit log when it posts a new one (another conclusion,
// or the same on a new head), and only then.
func TestVerdictPostedAudited(t *testing.T) {
	store := NewMemStore()
	a := &App{Store: store, Logger: testLogger(t)}
	a.init()
	ctx := context.Background()
	head1, head2 := strings.Repeat("1", 40), strings.Repeat("2", 40)
	for _, tc := range []struct {
		conclusion, head string
		want             []string // the details of the audit log after
	}{
		{"", head1, nil},
		{"failure", head1, []string{"failure on 1111111111: blocked"}},
		{"failure", head1, []string{"failure on 1111111111: blocked"}},
		{"success", head1, []string{"failure on 1111111111: blocked", "success on 1111111111: blocked"}},
		{"success", head2, []string{"failure on 1111111111: blocked", "success on 1111111111: blocked", "success on 2222222222: blocked"}},
	} {
		st := &PullState{Repo: apptest.FullName, Number: 4, HeadSHA: tc.head, Conclusion: tc.conclusion,
			Verdict: guard.Verdict{Title: "blocked"}}
		if err := a.savePullState(ctx, st); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range store.Audit() {
			if e.Action != "verdict.posted" || e.Subject != "pr/acme/widgets#4" || e.Actor != "repoguard" {
				t.Errorf("audit entry %+v", e)
			}
			got = append(got, e.Detail)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("after saving %s on %s: audit %q, want %q", tc.conclusion, tc.head[:10], got, tc.want)
		}
	}
}

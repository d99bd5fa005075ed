package app

import (
	"context"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/guard/keytest"
	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/webhookstest"
)

func TestCheckRunCreateRetriedAfter502(t *testing.T) {
	e := newEnv(t)
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	head, base := e.OpenPR(6, "alice", "feature")
	e.GH.FailNext("POST", "/repos/acme/widgets/check-runs", 502, 1, nil)
	if err := e.pullRequestEvent("opened", 6, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "action_required", "contracts")
	faults := 0
	for _, r := range e.GH.Requests() {
		if r.Fault {
			faults++
		}
	}
	if faults != 1 {
		t.Errorf("%d faults answered, want 1", faults)
	}
}

func TestCheckRunRerequested(t *testing.T) {
	e := newEnv(t)
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("alice", "Add token", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	head, base := e.OpenPR(7, "alice", "feature")
	if err := e.pullRequestEvent("opened", 7, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	id := e.OnlyCheck(head).ID
	fetches := e.repos.n.Load()
	if err := e.deliver("check_run", map[string]any{"action": "rerequested",
		"check_run": map[string]any{"id": id, "name": "repoguard", "head_sha": head,
			"pull_requests": []any{map[string]any{"number": 7}}},
		"repository": repoJSON(), "installation": installation(), "sender": user("bob")}); err != nil {
		t.Fatal(err)
	}
	cr := e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "action_required")
	if cr.ID != id || e.repos.n.Load() != fetches+1 {
		t.Errorf("re-run: check run %d (want %d), %d fetches (want 1)", cr.ID, id, e.repos.n.Load()-fetches)
	}
}

func TestMergeGroup(t *testing.T) {
	e := newEnv(t)
	base := e.Head()
	e.Git("checkout", "-q", "-b", "queue")
	head := e.Commit("alice", "Merge pull request #8 from acme/feature", map[string]string{"contracts/Token.sol": "contract Token {}\n"})
	ref := "refs/heads/gh-readonly-queue/main/pr-8-" + base
	e.Push("queue:" + ref)
	if err := e.deliver("merge_group", map[string]any{"action": "checks_requested",
		"merge_group": map[string]any{"head_sha": head, "head_ref": ref, "base_sha": base, "base_ref": "refs/heads/main"},
		"repository":  repoJSON(), "installation": installation(), "sender": user("alice")}); err != nil {
		t.Fatal(err)
	}
	cr := e.OnlyCheck(head)
	apptest.WantCheck(t, cr, "success", "merge group")
	if cr.DetailsURL != "" {
		t.Errorf("details_url %q on a merge group", cr.DetailsURL)
	}
}

func TestDeliveriesWithoutInstallationAreSkipped(t *testing.T) {
	cases := []struct{ event, file string }{
		{"check_run", "created.payload.json"},
		{"check_suite", "completed.payload.json"},
		{"push", "payload.json"},
	}
	for _, c := range cases {
		t.Run(c.event, func(t *testing.T) {
			body := webhookstest.Payload(t, c.event, c.file)
			// Stored whatever its action (the App's own handler drops
			// check_run created and check_suite completed at once).
			e := &env{World: &apptest.World{T: t}, events: webhooks.Events{c.event: nil}}
			e.app = &App{Logger: testLogger(t)}
			job := e.job(c.event, body)
			if job.Delivery.InstallationID != 0 {
				t.Fatalf("fixture has installation %d", job.Delivery.InstallationID)
			}
			if err := e.app.Handle(context.Background(), job); err != nil {
				t.Fatalf("Handle: %v, want nil (skipped)", err)
			}
		})
	}
}

func TestMergeGroupHonoursResolutionsOfItsPullRequests(t *testing.T) {
	e := newEnv(t)
	key := keytest.ECPEM(t)
	e.Git("checkout", "-q", "-b", "feature")
	e.Commit("alice", "Add deploy key", map[string]string{"deploy/keys/deploy.pem": key})
	head, base := e.OpenPR(8, "alice", "feature")
	if err := e.pullRequestEvent("opened", 8, "alice", head, base, "alice"); err != nil {
		t.Fatal(err)
	}
	apptest.WantCheck(t, e.OnlyCheck(head), "failure")

	// The queue squashes #8 onto main.
	e.Git("checkout", "-q", "-b", "queue", base)
	group := e.Commit("alice", "Add deploy key (#8)", map[string]string{"deploy/keys/deploy.pem": key})
	ref := "refs/heads/gh-readonly-queue/main/pr-8-" + base
	e.Push("queue:" + ref)
	deliverGroup := func() {
		t.Helper()
		if err := e.deliver("merge_group", map[string]any{"action": "checks_requested",
			"merge_group": map[string]any{"head_sha": group, "head_ref": ref, "base_sha": base, "base_ref": "refs/heads/main"},
			"repository":  repoJSON(), "installation": installation(), "sender": user("alice")}); err != nil {
			t.Fatal(err)
		}
	}
	deliverGroup()
	apptest.WantCheck(t, e.latestCheckRun(group), "failure", "key-material")

	for _, an := range e.store.Anomalies() {
		if an.Detector == "key-material" {
			if err := e.store.SetStatus(an.ID, guard.StatusDismissed, "test fixture"); err != nil {
				t.Fatal(err)
			}
		}
	}
	deliverGroup()
	apptest.WantCheck(t, e.latestCheckRun(group), "success")
}

// latestCheckRun returns the newest check run on head.
func (e *env) latestCheckRun(head string) githubtest.CheckRun {
	e.T.Helper()
	var last githubtest.CheckRun
	for _, cr := range e.GH.CheckRuns() {
		if cr.HeadSHA == head {
			last = cr
		}
	}
	if last.ID == 0 {
		e.T.Fatalf("no check run on %s", head)
	}
	return last
}

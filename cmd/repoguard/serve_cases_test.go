package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/keytest"
	"github.com/repoguard/repoguard/guard/web"
)

// caseOf returns the only case of the e2e repository's pull request
// number, or of commit when number is 0.
func (ls *liveServer) caseOf(number int, commit string) guard.Case {
	ls.t.Helper()
	cs, _, err := ls.db.Cases(context.Background(), guard.AnomalyFilter{Repo: apptest.FullName, IncludeSuppressed: true})
	if err != nil {
		ls.t.Fatal(err)
	}
	var out []guard.Case
	for _, c := range cs {
		if c.PullRequest == number && (number > 0 || c.Commit == commit) {
			out = append(out, c)
		}
	}
	if len(out) != 1 {
		ls.t.Fatalf("%d cases of #%d %s, want 1: %+v", len(out), number, commit, cs)
	}
	return out[0]
}

// TestServeCases: the App records a pull request's findings as one case
// with its title, its head commit's date and its risk, and a pushed
// commit's as another with its subject and date. Resolving the pull
// request's case is reviewed like resolving one finding: bob's is only
// asked for, carol's confirms it and releases the check.
func TestServeCases(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	tok := triagers(t, ls, "bob", "carol")
	e.branch("feature-31", "alice", map[string]string{"README.md": "# widgets, with keys\n"})
	e.Commit("mallory", "Add deploy key", map[string]string{"deploy/keys/deploy.pem": keytest.ECPEM(t)})
	head, base := e.OpenPR(31, "alice", "feature-31")
	ls.deliver(e.pullRequest("opened", 31, "alice", head, base, "alice"))
	cr := e.waitCheck(head, "failure", completed("failure", 2))

	pr := ls.caseOf(31, "")
	date, err := time.Parse(time.RFC3339, e.Git("log", "-1", "--format=%aI", head))
	if err != nil {
		t.Fatal(err)
	}
	if pr.Subject != "Change 31" || !pr.Date.Equal(date) || pr.Commit != head || pr.Author != "alice" || pr.Risk < 50 ||
		!strings.HasSuffix(pr.URL, "/acme/widgets/pull/31") || pr.Status != guard.StatusOpen {
		t.Errorf("case of #31: %+v\nwant title Change 31, head %s of %s, author alice, risk over 50, its pull URL", pr, head, date)
	}

	path := fmt.Sprintf("cases/%d/triage", pr.ID)
	body := ls.wantAPI("bob resolves the case", http.StatusAccepted, tok["bob"], "POST", path, `{"kind":"resolve","reason":"rotated"}`)
	var asked web.CaseTriage
	if err := json.Unmarshal([]byte(body), &asked); err != nil || asked.Case.Pending == 0 {
		t.Errorf("bob's answer shows no pending release: %s", body)
	}
	if got := e.OnlyCheck(head); got.Conclusion != "failure" {
		t.Fatalf("check after one triager: %s", got.Conclusion)
	}
	ls.wantAPI("carol confirms", http.StatusOK, tok["carol"], "POST", path, `{"kind":"resolve"}`)
	e.waitCheck(head, "action_required", completed("action_required", len(cr.Updates)+1))

	e.Git("checkout", "-q", "main")
	e.branch("side-key", "mallory", map[string]string{"deploy/keys/side.pem": keytest.ECPEM(t)})
	side := e.Git("rev-parse", "side-key")
	e.pushNewBranch(ls, "side-key", "mallory")
	c := ls.caseOf(0, side)
	date, err = time.Parse(time.RFC3339, e.Git("log", "-1", "--format=%aI", side))
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "Change on side-key" || !c.Date.Equal(date) || c.Risk < 50 || !strings.HasSuffix(c.URL, "/commit/"+side) {
		t.Errorf("case of the pushed commit: %+v", c)
	}
}

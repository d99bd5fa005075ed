package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// twoPersonWorld is a queue where mallory's identity holds a second
// address, bob and mallory each created an API token, and pull request
// acme/vault#9 by alice has commits of mallory's and blocks at high.
func twoPersonWorld(t *testing.T) *sqlite.DB {
	t.Helper()
	ctx := context.Background()
	db, _ := openQueue(t)
	l := sqlite.NewLearner(db)
	if err := l.LinkLogin(ctx, "mallory", "mallory.alt@home.example"); err != nil {
		t.Fatal(err)
	}
	if err := l.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tok := range [][2]string{{"mallory-ci", "mallory"}, {"bob-cli", "bob"}} {
		if _, _, err := db.CreateToken(ctx, tok[0], guard.RoleTriage, tok[1]); err != nil {
			t.Fatal(err)
		}
	}
	state := `{"repo":"acme/vault","number":9,"author":"alice","contributors":["alice","mallory"],"pusher":"alice",
		"policy":{"thresholds":{"block":"high","review":40,"queue":"medium"}},"conclusion":"failure"}`
	if err := db.SavePullStateJSON(ctx, "acme/vault", 9, "head9", "", []byte(state)); err != nil {
		t.Fatal(err)
	}
	return db
}

// prRecord is a finding of pull request acme/vault#9 by alice.
func prRecord(head string, fs ...guard.Finding) guard.FindingRecord {
	r := pushRecord(head, fs...)
	r.PullRequest = 9
	return r
}

// triageStep is a triage action and its outcome: the error, the status
// after, and the kind of release waiting.
type triageStep struct {
	actor   string
	action  guard.TriageAction
	err     error
	status  guard.AnomalyStatus
	pending string // kind of the release waiting after the step
}

// runSteps runs triage steps on anomaly id, checking each outcome.
func runSteps(t *testing.T, db *sqlite.DB, id int64, steps []triageStep) {
	t.Helper()
	for i, s := range steps {
		_, err := db.Triage(context.Background(), id, s.actor, s.action)
		if !errors.Is(err, s.err) || (s.err == nil) != (err == nil) {
			t.Fatalf("step %d %s %s: error %v, want %v", i, s.actor, s.action.Kind, err, s.err)
		}
		a, _ := db.Anomaly(context.Background(), id)
		pending := ""
		if a.Release != nil {
			pending = a.Release.Kind
		}
		if a.Status != s.status || pending != s.pending {
			t.Fatalf("step %d %s %s: %s with release %q pending, want %s with %q", i, s.actor, s.action.Kind,
				a.Status, pending, s.status, s.pending)
		}
	}
}

var (
	resolve = guard.TriageAction{Kind: "resolve", Reason: "rotated"}
	dismiss = guard.TriageAction{Kind: "dismiss", Reason: "test key"}
	reopen  = guard.TriageAction{Kind: "reopen"}
)

// TestTriageOwnEmail: an anomaly keyed by one of a triager's emails is
// theirs, whichever login or token they use.
func TestTriageOwnEmail(t *testing.T) {
	db := twoPersonWorld(t)
	rec := pushRecord("c1", finding("key-material", guard.Critical, "keys/k.pem", "private key"))
	rec.Author, rec.AuthorEmail = "mallory.alt@home.example", "Mallory.Alt@home.example"
	a := record(t, db, rec)[0]
	runSteps(t, db, a.ID, []triageStep{
		{"mallory", dismiss, guard.ErrForbidden, guard.StatusOpen, ""},
		{"MALLORY", resolve, guard.ErrForbidden, guard.StatusOpen, ""},
		{"token:mallory-ci", dismiss, guard.ErrForbidden, guard.StatusOpen, ""},
		{"bob", dismiss, nil, guard.StatusDismissed, ""}, // a push blocks no check: one triager
	})
}

// TestTriageBlockingReleaseNeedsSecondTriager: a contributor may not
// release a finding of the pull request; a blocking one waits for a
// second, independent triager, who confirms it with the same action.
func TestTriageBlockingReleaseNeedsSecondTriager(t *testing.T) {
	ctx := context.Background()
	db := twoPersonWorld(t)
	as := record(t, db, prRecord("head9", finding("key-material", guard.High, "deploy/k.pem", "private key"),
		finding("unusual-time", guard.Medium, "", "03:00")))
	key, late := as[0], as[1]
	runSteps(t, db, key.ID, []triageStep{
		{"mallory", resolve, guard.ErrForbidden, guard.StatusOpen, ""}, // a contributor
		{"bob", resolve, nil, guard.StatusOpen, "resolve"},
		{"bob", resolve, guard.ErrForbidden, guard.StatusOpen, "resolve"},
		{"token:bob-cli", resolve, guard.ErrForbidden, guard.StatusOpen, "resolve"},
		{"carol", dismiss, guard.ErrInvalid, guard.StatusOpen, "resolve"},
		{"carol", guard.TriageAction{Kind: "ack"}, nil, guard.StatusAcknowledged, "resolve"},
		{"carol", guard.TriageAction{Kind: "resolve"}, nil, guard.StatusResolved, ""},
	})
	hist, _ := db.History(ctx, key.ID)
	var actions []string
	for _, e := range hist {
		actions = append(actions, e.Actor+" "+e.Action)
	}
	if got := strings.Join(actions, ", "); got != "repoguard anomaly.created, bob anomaly.release_requested, "+
		"carol anomaly.acknowledged, carol anomaly.resolved" {
		t.Errorf("history: %s", got)
	}
	if d := hist[len(hist)-1].Detail; d != "acknowledged -> resolved: rotated (asked by bob, confirmed by carol)" {
		t.Errorf("resolution detail %q", d)
	}
	if a, _ := db.Anomaly(ctx, key.ID); a.Reason != "rotated" {
		t.Errorf("reason %q, want the one asked", a.Reason)
	}
	// Below the pull request's block threshold, one triager releases.
	runSteps(t, db, late.ID, []triageStep{{"bob", dismiss, nil, guard.StatusDismissed, ""}})
}

// TestTriageWithdrawRelease: reopen or confirm withdraw a release asked
// for, and so does the finding coming back with other evidence.
func TestTriageWithdrawRelease(t *testing.T) {
	ctx := context.Background()
	db := twoPersonWorld(t)
	f := finding("key-material", guard.Critical, "deploy/k.pem", "private key")
	f.Evidence = []string{"sha256:aaaa"}
	a := record(t, db, prRecord("head9", f))[0]
	runSteps(t, db, a.ID, []triageStep{
		{"bob", reopen, guard.ErrInvalid, guard.StatusOpen, ""},
		{"bob", dismiss, nil, guard.StatusOpen, "dismiss"},
		{"carol", reopen, nil, guard.StatusOpen, ""},
		{"bob", dismiss, nil, guard.StatusOpen, "dismiss"},
		{"carol", guard.TriageAction{Kind: "confirm"}, nil, guard.StatusConfirmed, ""},
		{"bob", resolve, nil, guard.StatusConfirmed, "resolve"},
	})
	f.Evidence = []string{"sha256:bbbb"}
	record(t, db, prRecord("head10", f))
	runSteps(t, db, a.ID, []triageStep{{"carol", resolve, nil, guard.StatusConfirmed, "resolve"}})
	hist, _ := db.History(ctx, a.ID)
	var withdrawn int
	for _, e := range hist {
		if e.Action == "anomaly.release_withdrawn" {
			withdrawn++
		}
	}
	if withdrawn != 2 {
		t.Errorf("%d release_withdrawn entries, want 2 (carol's reopen, the new evidence): %+v", withdrawn, hist)
	}
}

// TestSuppressionTwoPerson: nobody suppresses their own findings; a
// suppression applies to pull requests once a second triager approved
// it, and never to a change its creator or approver took part in.
func TestSuppressionTwoPerson(t *testing.T) {
	ctx := context.Background()
	db := twoPersonWorld(t)
	own := pushRecord("c1", finding("key-material", guard.Critical, "deploy/keys/a.pem", "private key"))
	own.Author, own.PullRequest = "mallory", 12
	record(t, db, own)
	add := func(by string, s guard.Suppression) (int64, error) {
		s.Reason, s.CreatedBy, s.ExpiresAt = "fixtures", by, epoch.Add(48*time.Hour)
		return db.AddSuppression(ctx, s)
	}
	for _, tc := range []struct {
		by string
		s  guard.Suppression
	}{
		{"mallory", guard.Suppression{Detector: "key-material", PathGlob: "deploy/keys/**"}}, // covers her open #12
		{"token:mallory-ci", guard.Suppression{Detector: "key-material", PathGlob: "deploy/**"}},
		{"bob", guard.Suppression{Detector: "unusual-time", Author: "bob"}},
		{"mallory", guard.Suppression{Detector: "unusual-time", Author: "mallory.alt@home.example"}},
	} {
		if _, err := add(tc.by, tc.s); !errors.Is(err, guard.ErrForbidden) {
			t.Errorf("%s adds %+v: %v, want forbidden", tc.by, tc.s, err)
		}
	}
	id, err := add("bob", guard.Suppression{Detector: "key-material", PathGlob: "deploy/**"})
	if err != nil {
		t.Fatal(err)
	}
	key := func(path string) guard.Finding { return finding("key-material", guard.Critical, path, "key "+path) }
	suppressed := func(rec guard.FindingRecord) bool {
		t.Helper()
		record(t, db, rec)
		as, _ := db.AuthorAnomalies(ctx, rec.Author, 100)
		for _, a := range as {
			if a.Path == rec.Findings[0].Path {
				return a.Suppressed
			}
		}
		t.Fatalf("no anomaly at %s", rec.Findings[0].Path)
		return false
	}
	if !suppressed(pushRecord("c2", key("deploy/push.pem"))) || suppressed(prRecord("head9", key("deploy/pr1.pem"))) {
		t.Error("before approval: want a push's finding suppressed and a pull request's not")
	}
	for _, by := range []string{"bob", "token:bob-cli", "mallory"} {
		if _, err := db.ApproveSuppression(ctx, id, by); !errors.Is(err, guard.ErrForbidden) {
			t.Errorf("%s approves: %v, want forbidden", by, err)
		}
	}
	s, err := db.ApproveSuppression(ctx, id, "carol")
	if err != nil || s.ApprovedBy != "carol" || !s.Reviewed() {
		t.Fatalf("carol approves: %+v %v", s, err)
	}
	if _, err := db.ApproveSuppression(ctx, id, "dave"); !errors.Is(err, guard.ErrInvalid) {
		t.Errorf("approved twice: %v", err)
	}
	if !suppressed(prRecord("head9", key("deploy/pr2.pem"))) {
		t.Error("after approval: a pull request's finding is not suppressed")
	}
	byBob := prRecord("head13", key("deploy/bob.pem"))
	byBob.Author, byBob.PullRequest = "bob", 13
	byCarol := pushRecord("c3", key("deploy/carol.pem"))
	byCarol.AuthorEmail = "carol@acme.test" // an address of the approver's
	l := sqlite.NewLearner(db)
	if err := l.LinkLogin(ctx, "carol", "carol@acme.test"); err != nil || l.Commit(ctx) != nil {
		t.Fatal(err)
	}
	if suppressed(byBob) || suppressed(byCarol) {
		t.Error("a suppression applied to a change of its creator or its approver")
	}
	// A pull request not saved yet (its first evaluation): whoever the
	// App names as having taken part counts, as does whoever pushed one
	// of the commits of a saved pull request.
	first := prRecord("head14", key("deploy/first.pem"))
	first.PullRequest, first.Participants = 14, []string{"dave", "Carol"}
	if suppressed(first) {
		t.Error("a suppression applied to the first evaluation of a pull request its approver took part in")
	}
	if err := db.SavePullStateJSON(ctx, "acme/vault", 15, "head15", "",
		[]byte(`{"author":"dave","commits":["c15"],"co_authors":[]}`)); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordPushes(ctx, "acme/vault", "side", []string{"carol"}, []string{"c15"}); err != nil {
		t.Fatal(err)
	}
	pushed := prRecord("head15", key("deploy/pushed.pem"))
	pushed.PullRequest = 15
	if suppressed(pushed) {
		t.Error("a suppression applied to a pull request one of whose commits its approver pushed")
	}
	es, _ := db.AuditEntries(ctx, 1, 1000)
	var approved bool
	for _, e := range es {
		approved = approved || (e.Action == "suppression.approved" && e.Actor == "carol" && e.Subject == "suppression/1")
	}
	if !approved {
		t.Error("no suppression.approved entry by carol")
	}
}

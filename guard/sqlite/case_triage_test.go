package sqlite_test

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// caseStep is a triage action on a case and its outcome: the error, the
// case's status and pending releases after, and the statuses of its
// anomalies, most severe first.
type caseStep struct {
	actor    string
	action   guard.TriageAction
	err      error
	status   guard.AnomalyStatus
	pending  int
	statuses string
}

func runCaseSteps(t *testing.T, db *sqlite.DB, id int64, steps []caseStep) {
	t.Helper()
	ctx := context.Background()
	for i, s := range steps {
		_, _, err := db.TriageCase(ctx, id, s.actor, s.action)
		if !errors.Is(err, s.err) || (s.err == nil) != (err == nil) {
			t.Fatalf("step %d %s %s: error %v, want %v", i, s.actor, s.action.Kind, err, s.err)
		}
		c, err := db.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		as, err := db.CaseAnomalies(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var sts []string
		for _, a := range as {
			sts = append(sts, string(a.Status))
		}
		if c.Status != s.status || c.Pending != s.pending || strings.Join(sts, " ") != s.statuses {
			t.Fatalf("step %d %s %s: case %s with %d pending, anomalies %v; want %s with %d pending, %s", i, s.actor,
				s.action.Kind, c.Status, c.Pending, sts, s.status, s.pending, s.statuses)
		}
	}
}

// TestTriageCase: an action on a case applies to each of its anomalies
// it applies to, under the two-person rule as on one anomaly: a
// contributor is refused for all of them, the releases of blocking
// findings wait for a second triager, who confirms them on the case.
func TestTriageCase(t *testing.T) {
	ctx := context.Background()
	db := twoPersonWorld(t)
	as := record(t, db, prRecord("head9", finding("key-material", guard.High, "deploy/k.pem", "private key"),
		finding("unusual-time", guard.Medium, "", "03:00"), finding("new-zone", guard.Low, "", "UTC+8")))
	id := as[0].CaseID
	if _, err := db.Triage(ctx, as[2].ID, "carol", guard.TriageAction{Kind: "ack"}); err != nil {
		t.Fatal(err)
	}
	ack := guard.TriageAction{Kind: "ack"}
	runCaseSteps(t, db, id, []caseStep{
		{"carol", ack, nil, guard.StatusAcknowledged, 0, "acknowledged acknowledged acknowledged"},
		{"carol", ack, guard.ErrInvalid, guard.StatusAcknowledged, 0, "acknowledged acknowledged acknowledged"},
		{"mallory", dismiss, guard.ErrForbidden, guard.StatusAcknowledged, 0, "acknowledged acknowledged acknowledged"},
		{"bob", guard.TriageAction{Kind: "dismiss"}, guard.ErrInvalid, guard.StatusAcknowledged, 0,
			"acknowledged acknowledged acknowledged"},
		// Only the high finding fails the check (block: high): its
		// dismissal waits, the others are dismissed at once.
		{"bob", dismiss, nil, guard.StatusAcknowledged, 1, "acknowledged dismissed dismissed"},
		{"token:bob-cli", dismiss, guard.ErrForbidden, guard.StatusAcknowledged, 1, "acknowledged dismissed dismissed"},
		{"carol", dismiss, nil, guard.StatusDismissed, 0, "dismissed dismissed dismissed"},
		{"carol", reopen, nil, guard.StatusOpen, 0, "open open open"},
	})
	if _, _, err := db.TriageCase(ctx, 404, "carol", ack); !errors.Is(err, guard.ErrNotFound) {
		t.Errorf("missing case: %v", err)
	}
	if _, _, err := db.TriageCase(ctx, id, "carol", guard.TriageAction{Kind: "delete"}); !errors.Is(err, guard.ErrInvalid) {
		t.Errorf("unknown action: %v", err)
	}

	hist, err := db.CaseHistory(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var caseEntries, anomalyEntries []string
	for _, e := range hist {
		if e.Subject == "case/"+strconv.FormatInt(id, 10) {
			caseEntries = append(caseEntries, e.Actor+" "+e.Action+": "+e.Detail)
		} else if strings.HasSuffix(e.Detail, "(on case/"+strconv.FormatInt(id, 10)+")") {
			anomalyEntries = append(anomalyEntries, e.Action)
		}
	}
	wantCase := []string{
		"carol case.acknowledged: ack on 2 findings: anomaly/1, anomaly/2",
		"bob case.dismissed: dismiss on 3 findings: anomaly/1, anomaly/2, anomaly/3; dismiss only asked for " +
			"(a second triager must confirm): anomaly/1: test key",
		"carol case.dismissed: dismiss on 1 finding: anomaly/1: test key",
		"carol case.reopened: reopen on 3 findings: anomaly/1, anomaly/2, anomaly/3",
	}
	if strings.Join(caseEntries, "\n") != strings.Join(wantCase, "\n") {
		t.Errorf("case entries:\n%s\nwant:\n%s", strings.Join(caseEntries, "\n"), strings.Join(wantCase, "\n"))
	}
	// One entry per anomaly acted on: 2 acks, 3 dismissals (one asked), 1
	// confirmed, 3 reopenings.
	if len(anomalyEntries) != 9 {
		t.Errorf("%d anomaly entries of case actions, want 9: %v", len(anomalyEntries), anomalyEntries)
	}
}

// TestTriageCaseAssignAndComment: assign skips the anomalies assigned
// already and the closed ones; a comment goes on every anomaly.
func TestTriageCaseAssignAndComment(t *testing.T) {
	ctx := context.Background()
	db, _ := openQueue(t)
	as := record(t, db, pushRecord("c1", finding("a", guard.High, "", "x"), finding("b", guard.Medium, "", "y"),
		finding("c", guard.Low, "", "z")))
	if _, err := db.Triage(ctx, as[2].ID, "carol", guard.TriageAction{Kind: "resolve"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Triage(ctx, as[1].ID, "carol", guard.TriageAction{Kind: "assign", Assignee: "dave"}); err != nil {
		t.Fatal(err)
	}
	_, got, err := db.TriageCase(ctx, as[0].CaseID, "carol", guard.TriageAction{Kind: "assign", Assignee: "dave"})
	if err != nil || len(got) != 1 || got[0].ID != as[0].ID || got[0].Assignee != "dave" {
		t.Fatalf("assign acted on %+v, %v; want anomaly %d alone", got, err, as[0].ID)
	}
	_, got, err = db.TriageCase(ctx, as[0].CaseID, "carol", guard.TriageAction{Kind: "comment", Body: "looking"})
	if err != nil || len(got) != 3 {
		t.Fatalf("comment acted on %d, %v", len(got), err)
	}
	for _, a := range as {
		cs, err := db.Comments(ctx, a.ID)
		if err != nil || len(cs) != 1 || cs[0].Body != "looking" {
			t.Errorf("comments of anomaly %d: %+v, %v", a.ID, cs, err)
		}
	}
}

// TestCasesMigration: anomalies recorded before cases existed are
// grouped into cases by commit or pull request when the database is
// upgraded, with the risk of their severities and scores.
func TestCasesMigration(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	if err := sqlite.OpenUpTo(ctx, db, 11); err != nil {
		t.Fatal(err)
	}
	rows := []struct {
		key, commit     string
		pr              int
		sev             guard.Severity
		score           float64
		status, release string
		suppressed      bool
		created         int64
	}{
		{"k1", "c1", 0, guard.Critical, 1, "dismissed", "", false, 100},
		{"k2", "c1", 0, guard.Medium, 0, "acknowledged", "", false, 200},
		{"k3", "c1", 0, guard.High, 0.5, "open", "", true, 300},
		{"k4", "h1", 7, guard.High, 0.9, "open", "dismiss", false, 400},
		{"k5", "h2", 7, guard.Low, 2, "resolved", "", false, 500},
		{"k6", "c2", 0, guard.Medium, 1, "open", "", true, 600},
	}
	for _, r := range rows {
		if _, err := db.SQL().Exec(`INSERT INTO anomalies (key, repo, detector, commit_sha, pull_request, author,
			severity, score, message, status, release_kind, suppressed, created, updated)
			VALUES ($1, 'acme/vault', 'd-'||$1, $2, $3, 'alice', $4, $5, 'm', $6, $7, $8, $9, $9)`,
			r.key, r.commit, r.pr, int64(r.sev), r.score, r.status, r.release, r.suppressed, r.created); err != nil {
			t.Fatal(err)
		}
	}
	db = reopenDB(t, db)
	cs, _, err := db.Cases(ctx, guard.AnomalyFilter{IncludeSuppressed: true, Sort: "date"})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		key, commit string
		status      guard.AnomalyStatus
		findings    int
		pending     int
		suppressed  bool
		date        int64
		risk        float64
	}
	risk := func(fs ...guard.Finding) float64 { return guard.Risk(fs) }
	wants := []want{
		{"acme/vault|c1", "c1", guard.StatusAcknowledged, 2, 0, false, 100, risk(guard.Finding{Detector: "d-k1", Severity: guard.Critical},
			guard.Finding{Detector: "d-k2", Severity: guard.Medium}, guard.Finding{Detector: "d-k3", Severity: guard.High})},
		{"acme/vault|pr#7", "h2", guard.StatusOpen, 2, 1, false, 400, risk(guard.Finding{Detector: "d-k4", Severity: guard.High},
			guard.Finding{Detector: "d-k5", Severity: guard.Low})},
		{"acme/vault|c2", "c2", guard.StatusOpen, 1, 0, true, 600, risk(guard.Finding{Detector: "d-k6", Severity: guard.Medium})},
	}
	if len(cs) != len(wants) {
		t.Fatalf("%d cases, want %d: %+v", len(cs), len(wants), cs)
	}
	for i, w := range wants {
		c := cs[i]
		if c.Key != w.key || c.Commit != w.commit || c.Status != w.status || c.Findings != w.findings ||
			c.Pending != w.pending || c.Suppressed != w.suppressed || c.Date.Unix() != w.date ||
			math.Abs(c.Risk-w.risk) > 1e-9 || c.Author != "alice" {
			t.Errorf("case %d: %+v\nwant %+v", i, c, w)
		}
		// The summary stored for filtering agrees with the one computed.
		stored, _, err := db.Cases(ctx, guard.AnomalyFilter{IncludeSuppressed: true, Status: []guard.AnomalyStatus{w.status},
			MinSeverity: c.Severity, Repo: "acme/vault"})
		if err != nil || !containsCase(stored, c.ID) {
			t.Errorf("case %d is not found by its status %s and severity %s: %v", i, w.status, c.Severity, err)
		}
	}
	for _, a := range allAnomalies(t, db) {
		if a.CaseID == 0 {
			t.Errorf("anomaly %d has no case", a.ID)
		}
	}
}

func containsCase(cs []guard.Case, id int64) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}

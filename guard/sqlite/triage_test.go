package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
)

func TestTriageTransitions(t *testing.T) {
	ctx := context.Background()
	db, clock := openQueue(t)
	a := record(t, db, pushRecord("c1", finding("key-material", guard.Critical, "keys/prod.pem", "PEM private key")))[0]

	steps := []struct {
		actor  string
		action guard.TriageAction
		status guard.AnomalyStatus
		err    error
	}{
		{"sec", guard.TriageAction{Kind: "ack"}, guard.StatusAcknowledged, nil},
		{"sec", guard.TriageAction{Kind: "ack"}, guard.StatusAcknowledged, guard.ErrInvalid},
		{"sec", guard.TriageAction{Kind: "assign", Assignee: "dana"}, guard.StatusAcknowledged, nil},
		{"sec", guard.TriageAction{Kind: "assign", Assignee: "dana"}, guard.StatusAcknowledged, guard.ErrInvalid},
		{"dana", guard.TriageAction{Kind: "comment", Body: "asked alice on Slack"}, guard.StatusAcknowledged, nil},
		{"dana", guard.TriageAction{Kind: "comment", Body: "  "}, guard.StatusAcknowledged, guard.ErrInvalid},
		{"dana", guard.TriageAction{Kind: "dismiss"}, guard.StatusAcknowledged, guard.ErrInvalid},
		{"alice", guard.TriageAction{Kind: "dismiss", Reason: "mine, a test key"}, guard.StatusAcknowledged, guard.ErrForbidden},
		{"dana", guard.TriageAction{Kind: "dismiss", Reason: "test key, never deployed"}, guard.StatusDismissed, nil},
		{"dana", guard.TriageAction{Kind: "resolve"}, guard.StatusDismissed, guard.ErrInvalid},
		{"dana", guard.TriageAction{Kind: "assign", Assignee: "erin"}, guard.StatusDismissed, guard.ErrInvalid},
		{"sec", guard.TriageAction{Kind: "reopen", Reason: "the key is in prod"}, guard.StatusOpen, nil},
		{"sec", guard.TriageAction{Kind: "reopen"}, guard.StatusOpen, guard.ErrInvalid},
		{"sec", guard.TriageAction{Kind: "confirm", Reason: "exfiltration"}, guard.StatusConfirmed, nil},
		{"sec", guard.TriageAction{Kind: "dismiss", Reason: "oops"}, guard.StatusConfirmed, guard.ErrInvalid},
		{"sec", guard.TriageAction{Kind: "resolve", Reason: "key rotated"}, guard.StatusResolved, nil},
		{"sec", guard.TriageAction{Kind: "escalate"}, guard.StatusResolved, guard.ErrInvalid},
		{"", guard.TriageAction{Kind: "reopen"}, guard.StatusResolved, guard.ErrInvalid},
		{"sec", guard.TriageAction{Kind: "comment", Body: "closed in INC-42"}, guard.StatusResolved, nil},
	}
	for i, s := range steps {
		clock.advance(time.Minute)
		got, err := db.Triage(ctx, a.ID, s.actor, s.action)
		if s.err != nil {
			if !errors.Is(err, s.err) {
				t.Fatalf("step %d %s %+v: error %v, want %v", i, s.actor, s.action, err, s.err)
			}
		} else if err != nil {
			t.Fatalf("step %d %s %+v: %v", i, s.actor, s.action, err)
		} else if got.Status != s.status {
			t.Fatalf("step %d: status %s, want %s", i, got.Status, s.status)
		}
		if cur, _ := db.Anomaly(ctx, a.ID); cur.Status != s.status {
			t.Fatalf("step %d: stored status %s, want %s", i, cur.Status, s.status)
		}
	}
	final, _ := db.Anomaly(ctx, a.ID)
	if final.Reason != "key rotated" || final.Assignee != "dana" {
		t.Fatalf("final %+v", final)
	}
	if _, err := db.Triage(ctx, 99, "sec", guard.TriageAction{Kind: "ack"}); !errors.Is(err, guard.ErrNotFound) {
		t.Fatalf("triage of a missing anomaly: %v", err)
	}

	// Exactly the actions that succeeded are in the history, with who
	// and why; a failed action left nothing behind.
	hist, err := db.History(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range hist {
		got = append(got, fmt.Sprintf("%s %s %s", e.Actor, e.Action, e.Detail))
	}
	want := []string{
		"repoguard anomaly.created critical key-material acme/vault (c1) by alice keys/prod.pem: PEM private key",
		"sec anomaly.acknowledged open -> acknowledged",
		`sec anomaly.assigned assignee "" -> "dana"`,
		"dana anomaly.commented asked alice on Slack",
		"dana anomaly.dismissed acknowledged -> dismissed: test key, never deployed",
		"sec anomaly.reopened dismissed -> open: the key is in prod",
		"sec anomaly.confirmed open -> confirmed: exfiltration",
		"sec anomaly.resolved confirmed -> resolved: key rotated",
		"sec anomaly.commented closed in INC-42",
	}
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Fatalf("history\n got %q\nwant %q", got, want)
	}
	comments, err := db.Comments(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(comments) != 2 || comments[0].Author != "dana" || comments[0].Body != "asked alice on Slack" ||
		comments[1].AnomalyID != a.ID || !comments[0].CreatedAt.Equal(epoch.Add(5*time.Minute)) {
		t.Fatalf("comments %+v", comments)
	}
	if ok, _, why, err := db.VerifyAudit(ctx); !ok || err != nil {
		t.Fatalf("audit: %s %v", why, err)
	}
}

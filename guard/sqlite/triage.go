package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// MaxCommentLen is the longest comment body, in bytes.
const MaxCommentLen = 10000

// transition is what a triage action that changes the status does (from
// the statuses guard.Anomaly.Allows names).
type transition struct {
	to     guard.AnomalyStatus
	action string // audit action
	// reason is required; release makes the action a release, bound by
	// the two-person rule (see DB.Triage).
	reason, release bool
}

// transitions are the status changes of triage, by TriageAction.Kind.
var transitions = map[string]transition{
	"ack":     {to: guard.StatusAcknowledged, action: "anomaly.acknowledged"},
	"confirm": {to: guard.StatusConfirmed, action: "anomaly.confirmed"},
	"dismiss": {to: guard.StatusDismissed, action: "anomaly.dismissed", reason: true, release: true},
	"resolve": {to: guard.StatusResolved, action: "anomaly.resolved", release: true},
	"reopen":  {to: guard.StatusOpen, action: "anomaly.reopened"},
}

// Triage applies one triage action to anomaly id on behalf of actor and
// appends it to the audit log ("anomaly.<acknowledged|confirmed|
// dismissed|resolved|reopened|assigned|commented>", subject
// "anomaly/<id>"), in one transaction, and returns the anomaly as it is
// then.
//
//	ack      open → acknowledged
//	confirm  open, acknowledged → confirmed (malicious)
//	dismiss  open, acknowledged → dismissed (a false positive; Reason required)
//	resolve  open, acknowledged, confirmed → resolved
//	reopen   any other status → open; withdraws a pending release
//	assign   sets Assignee ("" unassigns) of an anomaly not closed
//	comment  adds Body as a comment, in any status
//
// A status change sets Reason to the action's. Dismiss and resolve are
// releases, bound by the two-person rule (guard.DecideRelease): nobody
// may release an anomaly about a change they took part in, by any login
// or email of their identity (or, for an API token, of its creator's),
// nor as the author, a contributor or a pusher of its pull request: that
// fails with guard.ErrForbidden. The release of an anomaly that fails
// its pull request's check (guard.Blocks, with the facts of the pull
// request's saved evaluation) is only asked for ("anomaly.
// release_requested"; the anomaly keeps its status and Release holds the
// request) until a second triager, neither the one who asked nor one who
// took part, takes the same action, which applies it. Confirm and reopen
// withdraw a pending release. Any other action the anomaly's status does
// not allow fails with guard.ErrInvalid, a missing anomaly with
// guard.ErrNotFound.
func (db *DB) Triage(ctx context.Context, id int64, actor string, a guard.TriageAction) (*guard.Anomaly, error) {
	actor = strings.TrimSpace(actor)
	if actor == "" {
		return nil, invalidf("triage needs an actor")
	}
	var out *guard.Anomaly
	err := db.inTx(ctx, fmt.Sprintf("triage anomaly %d", id), func(tx *sql.Tx) error {
		cur, err := anomalyByID(ctx, tx, id)
		if err != nil {
			return err
		}
		action, detail, err := db.applyTriage(ctx, tx, cur, actor, a)
		if err != nil {
			return err
		}
		if _, err := db.appendAuditTx(ctx, tx, actor, action, anomalySubject(id), detail); err != nil {
			return err
		}
		if cur.CaseID != 0 {
			if err := refreshCase(ctx, tx, cur.CaseID); err != nil {
				return fmt.Errorf("case %d: %w", cur.CaseID, err)
			}
		}
		out, err = anomalyByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// applyTriage makes the change of a to cur and returns the audit action
// and detail recording it.
func (db *DB) applyTriage(ctx context.Context, tx *sql.Tx, cur *guard.Anomaly, actor string,
	a guard.TriageAction) (action, detail string, err error) {
	now := db.now().Unix()
	reason := strings.TrimSpace(a.Reason)
	switch a.Kind {
	case "assign":
		assignee := strings.TrimSpace(a.Assignee)
		if cur.Status.Closed() {
			return "", "", invalidf("anomaly %d is %s: reopen it before assigning it", cur.ID, cur.Status)
		}
		if assignee == cur.Assignee {
			return "", "", invalidf("anomaly %d is already assigned to %q", cur.ID, assignee)
		}
		_, err = tx.ExecContext(ctx, `UPDATE anomalies SET assignee = $2, updated = $3 WHERE id = $1`, cur.ID, assignee, now)
		return "anomaly.assigned", fmt.Sprintf("assignee %q -> %q", cur.Assignee, assignee), err
	case "comment":
		body := strings.TrimSpace(a.Body)
		if body == "" || len(body) > MaxCommentLen {
			return "", "", invalidf("a comment needs a body of 1 to %d bytes", MaxCommentLen)
		}
		if _, err = tx.ExecContext(ctx, `INSERT INTO anomaly_comments (anomaly_id, author, body, created)
			VALUES ($1, $2, $3, $4)`, cur.ID, actor, body, now); err != nil {
			return "", "", err
		}
		_, err = tx.ExecContext(ctx, `UPDATE anomalies SET updated = $2 WHERE id = $1`, cur.ID, now)
		return "anomaly.commented", body, err
	}
	t, ok := transitions[a.Kind]
	withdraw := cur.Release != nil && (a.Kind == "reopen" || a.Kind == "confirm")
	switch {
	case !ok:
		return "", "", invalidf("unknown triage action %q (want ack, dismiss, confirm, resolve, reopen, assign or comment)", a.Kind)
	case !cur.Allows(a.Kind):
		return "", "", invalidf("cannot %s anomaly %d: it is %s", a.Kind, cur.ID, cur.Status)
	case t.reason && reason == "":
		return "", "", invalidf("%s needs a reason", a.Kind)
	case t.release:
		return db.release(ctx, tx, cur, actor, a.Kind, reason)
	}
	if _, err = tx.ExecContext(ctx, `UPDATE anomalies SET status = $2, reason = $3, updated = $4 WHERE id = $1`,
		cur.ID, string(t.to), reason, now); err != nil {
		return "", "", err
	}
	detail = fmt.Sprintf("%s -> %s", cur.Status, t.to)
	if reason != "" {
		detail += ": " + reason
	}
	action = t.action
	if withdraw {
		detail += fmt.Sprintf(" (withdraws the %s %s asked for)", cur.Release.Kind, cur.Release.By)
		if cur.Status == t.to {
			action = "anomaly.release_withdrawn"
		}
		err = clearRelease(ctx, tx, cur.ID)
	}
	return action, detail, err
}

// Comments returns the comments on anomaly id, oldest first.
func (db *DB) Comments(ctx context.Context, id int64) ([]guard.Comment, error) {
	if err := db.anomalyExists(ctx, id); err != nil {
		return nil, err
	}
	rows, err := db.db.QueryContext(ctx, `SELECT id, anomaly_id, author, body, created FROM anomaly_comments
		WHERE anomaly_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, db.wrap("comments", err)
	}
	defer rows.Close()
	var out []guard.Comment
	for rows.Next() {
		var c guard.Comment
		var created int64
		if err := rows.Scan(&c.ID, &c.AnomalyID, &c.Author, &c.Body, &created); err != nil {
			return nil, db.wrap("comments", err)
		}
		c.CreatedAt = time.Unix(created, 0).UTC()
		out = append(out, c)
	}
	return out, db.wrap("comments", rows.Err())
}

// invalidf returns an error wrapping guard.ErrInvalid with the message.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", guard.ErrInvalid, fmt.Sprintf(format, args...))
}

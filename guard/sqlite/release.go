package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/repoguard/repoguard/guard"
)

// release applies a dismiss or resolve (kind) of cur by actor under the
// two-person rule (guard.DecideRelease): at once, as a request waiting
// for a second triager, or as the confirmation of the pending request.
// It returns the audit action and detail recording it.
func (db *DB) release(ctx context.Context, tx *sql.Tx, cur *guard.Anomaly, actor, kind, reason string) (action, detail string, err error) {
	tp := newTwoPerson(ctx, tx)
	who, err := tp.actor(actor)
	if err != nil {
		return "", "", err
	}
	pull, err := tp.pull(cur)
	if err != nil {
		return "", "", err
	}
	var asked *guard.Actor
	if cur.Release != nil {
		if asked, err = tp.actor(cur.Release.By); err != nil {
			return "", "", err
		}
	}
	step, err := guard.DecideRelease(kind, who, cur, pull, asked)
	if err != nil {
		return "", "", err
	}
	now := db.now().Unix()
	t := transitions[kind]
	if step == guard.ReleaseRequest {
		_, err = tx.ExecContext(ctx, `UPDATE anomalies SET release_kind = $2, release_by = $3, release_reason = $4,
			release_at = $5, updated = $5 WHERE id = $1`, cur.ID, kind, actor, reason, now)
		detail = fmt.Sprintf("%s asked: it fails the check of %s#%d, so a second triager must confirm", kind, cur.Repo, cur.PullRequest)
		if reason != "" {
			detail += ": " + reason
		}
		return "anomaly.release_requested", detail, err
	}
	said := reason
	if step == guard.ReleaseConfirm && cur.Release.Reason != "" {
		reason = cur.Release.Reason
	}
	detail = fmt.Sprintf("%s -> %s", cur.Status, t.to)
	if reason != "" {
		detail += ": " + reason
	}
	if step == guard.ReleaseConfirm {
		detail += fmt.Sprintf(" (asked by %s, confirmed by %s", cur.Release.By, actor)
		if said != "" && said != reason {
			detail += ": " + said
		}
		detail += ")"
	}
	if _, err = tx.ExecContext(ctx, `UPDATE anomalies SET status = $2, reason = $3, updated = $4 WHERE id = $1`,
		cur.ID, string(t.to), reason, now); err != nil {
		return "", "", err
	}
	return t.action, detail, clearRelease(ctx, tx, cur.ID)
}

// clearRelease drops the pending release of anomaly id.
func clearRelease(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE anomalies SET release_kind = '', release_by = '', release_reason = '',
		release_at = 0 WHERE id = $1`, id)
	return err
}

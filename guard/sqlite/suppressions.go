package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/repoguard/repoguard/guard"
)

const suppressionCols = `id, detector, author, path_glob, repo, reason, created_by, created, expires, approved_by, approved`

// AddSuppression stores a suppression and returns its id, auditing it
// ("suppression.created", subject "suppression/<id>"). It needs a
// detector, exactly one of an author (identity key) or a path glob
// (doublestar syntax: "testdata/**"), a reason, a creator and an expiry
// in the future; otherwise it fails with guard.ErrInvalid. The
// two-person rule binds it (guard.ErrForbidden): nobody may suppress
// findings about themselves (an author that is any login or email of
// the creator's identity), nor create a suppression that covers an
// anomaly still open about a change they took part in. Suppressions
// apply to anomalies as they are created; those already in the queue
// stay. A new suppression applies to pushes and scans at once, and to
// pull requests once a second triager approved it (ApproveSuppression).
func (db *DB) AddSuppression(ctx context.Context, s guard.Suppression) (int64, error) {
	s.Detector, s.Repo = strings.TrimSpace(s.Detector), strings.TrimSpace(s.Repo)
	s.Author, s.PathGlob = strings.ToLower(strings.TrimSpace(s.Author)), strings.TrimSpace(s.PathGlob)
	s.Reason, s.CreatedBy = strings.TrimSpace(s.Reason), strings.TrimSpace(s.CreatedBy)
	now := db.now()
	switch {
	case s.Detector == "":
		return 0, invalidf("a suppression needs a detector")
	case (s.Author == "") == (s.PathGlob == ""):
		return 0, invalidf("a suppression needs either an author or a path glob, not both")
	case s.PathGlob != "" && !doublestar.ValidatePattern(s.PathGlob):
		return 0, invalidf("path glob %q is not valid", s.PathGlob)
	case s.Reason == "":
		return 0, invalidf("a suppression needs a reason")
	case s.CreatedBy == "":
		return 0, invalidf("a suppression needs its creator")
	case !s.ExpiresAt.After(now):
		return 0, invalidf("a suppression must expire in the future")
	}
	var id int64
	err := db.inTx(ctx, "add suppression", func(tx *sql.Tx) error {
		if err := checkSuppressor(ctx, tx, newTwoPerson(ctx, tx), &s, s.CreatedBy, "create"); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO suppressions (detector, author, path_glob, repo, reason,
			created_by, created, expires) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			s.Detector, s.Author, s.PathGlob, s.Repo, s.Reason, s.CreatedBy, now.Unix(), s.ExpiresAt.Unix()).Scan(&id)
		if err != nil {
			return err
		}
		_, err = db.appendAuditTx(ctx, tx, s.CreatedBy, "suppression.created", suppressionSubject(id), suppressionDetail(&s))
		return err
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// ApproveSuppression records a second triager's approval of suppression
// id, after which it applies to pull requests too, and audits it
// ("suppression.approved"). The approver may be neither its creator (by
// any login or email) nor someone its author or path covers the changes
// of (see AddSuppression): that fails with guard.ErrForbidden. A
// suppression approved already or expired fails with guard.ErrInvalid,
// a removed or missing one with guard.ErrNotFound.
func (db *DB) ApproveSuppression(ctx context.Context, id int64, actor string) (*guard.Suppression, error) {
	if actor = strings.TrimSpace(actor); actor == "" {
		return nil, invalidf("approving a suppression needs an actor")
	}
	var out *guard.Suppression
	err := db.inTx(ctx, fmt.Sprintf("approve suppression %d", id), func(tx *sql.Tx) error {
		s, err := suppressionByID(ctx, tx, id)
		switch {
		case err != nil:
			return err
		case s.Reviewed():
			return invalidf("suppression %d was approved by %s already", id, s.ApprovedBy)
		case !s.ExpiresAt.After(db.now()):
			return invalidf("suppression %d has expired", id)
		}
		tp := newTwoPerson(ctx, tx)
		creator, err := tp.actor(s.CreatedBy)
		if err != nil {
			return err
		}
		approver, err := tp.actor(actor)
		if err != nil {
			return err
		}
		if approver.Same(creator) {
			return fmt.Errorf("%w: %s created suppression %d: a second triager must approve it", guard.ErrForbidden, actor, id)
		}
		if err := checkSuppressor(ctx, tx, tp, s, actor, "approve"); err != nil {
			return err
		}
		s.ApprovedBy, s.ApprovedAt = actor, time.Unix(db.now().Unix(), 0).UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE suppressions SET approved_by = $2, approved = $3 WHERE id = $1`,
			id, s.ApprovedBy, s.ApprovedAt.Unix()); err != nil {
			return err
		}
		out = s
		_, err = db.appendAuditTx(ctx, tx, actor, "suppression.approved", suppressionSubject(id), suppressionDetail(s))
		return err
	})
	return out, err
}

// checkSuppressor applies guard.CheckSuppressor to actor creating or
// approving (verb) s, with the anomalies not closed of its detector.
func checkSuppressor(ctx context.Context, tx *sql.Tx, tp *twoPerson, s *guard.Suppression, actor, verb string) error {
	who, err := tp.actor(actor)
	if err != nil {
		return err
	}
	open, err := queryAnomalies(ctx, tx, `SELECT `+anomalyCols+` FROM anomalies WHERE detector = $1
		AND status IN ('open', 'acknowledged', 'confirmed') ORDER BY id`, s.Detector)
	if err != nil {
		return err
	}
	return guard.CheckSuppressor(s, who, verb, open, tp.pull, globMatch)
}

// suppressionDetail describes s in one line for the audit log:
// "detector=secrets path=testdata/** repo=* until 2024-06-01T00:00:00Z: fixtures".
func suppressionDetail(s *guard.Suppression) string {
	what := "author=" + s.Author
	if s.PathGlob != "" {
		what = "path=" + s.PathGlob
	}
	repo := s.Repo
	if repo == "" {
		repo = "*"
	}
	return fmt.Sprintf("detector=%s %s repo=%s until %s: %s", s.Detector, what, repo,
		s.ExpiresAt.UTC().Truncate(time.Second).Format(time.RFC3339), s.Reason)
}

// RemoveSuppression ends suppression id now, auditing it
// ("suppression.removed"). Its row stays, so that anomalies recorded
// under it still name it. The error wraps guard.ErrNotFound when there
// is no such suppression or it was removed already.
func (db *DB) RemoveSuppression(ctx context.Context, id int64, actor string) error {
	if actor = strings.TrimSpace(actor); actor == "" {
		return invalidf("removing a suppression needs an actor")
	}
	return db.inTx(ctx, fmt.Sprintf("remove suppression %d", id), func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE suppressions SET removed = $2, removed_by = $3
			WHERE id = $1 AND removed = 0`, id, db.now().Unix(), actor)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("suppression %d: %w", id, guard.ErrNotFound)
		}
		_, err = db.appendAuditTx(ctx, tx, actor, "suppression.removed", suppressionSubject(id), "")
		return err
	})
}

// Suppressions returns the suppressions not removed, oldest first: the
// active ones, and with includeExpired the expired ones too.
func (db *DB) Suppressions(ctx context.Context, includeExpired bool) ([]guard.Suppression, error) {
	after := db.now().Unix()
	if includeExpired {
		after = -1 << 62
	}
	ss, err := suppressionsAfter(ctx, db.db, after)
	return ss, db.wrap("suppressions", err)
}

// suppressionsAfter returns the suppressions not removed that expire
// after the unix time after: those in force at after.
func suppressionsAfter(ctx context.Context, q rowQuerier, after int64) ([]guard.Suppression, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+suppressionCols+` FROM suppressions
		WHERE removed = 0 AND expires > $1 ORDER BY id`, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []guard.Suppression
	for rows.Next() {
		s, err := scanSuppression(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// suppressionByID reads a suppression not removed; the error wraps
// guard.ErrNotFound when there is none.
func suppressionByID(ctx context.Context, q rowQuerier, id int64) (*guard.Suppression, error) {
	s, err := scanSuppression(q.QueryRowContext(ctx, `SELECT `+suppressionCols+` FROM suppressions
		WHERE id = $1 AND removed = 0`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("suppression %d: %w", id, guard.ErrNotFound)
	}
	return &s, err
}

// scanSuppression reads one row of suppressionCols.
func scanSuppression(row interface{ Scan(...any) error }) (guard.Suppression, error) {
	var s guard.Suppression
	var created, expires, approved int64
	err := row.Scan(&s.ID, &s.Detector, &s.Author, &s.PathGlob, &s.Repo, &s.Reason, &s.CreatedBy,
		&created, &expires, &s.ApprovedBy, &approved)
	s.CreatedAt, s.ExpiresAt = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC()
	if approved > 0 {
		s.ApprovedAt = time.Unix(approved, 0).UTC()
	}
	return s, err
}

// suppressionFor returns the first suppression that applies to finding
// f of rec, or nil: one that covers it, approved by a second triager
// when rec is a pull request's, and whose creator and approver took no
// part in the change.
func suppressionFor(tp *twoPerson, ss []guard.Suppression, rec *guard.FindingRecord, f *guard.Finding) (*guard.Suppression, error) {
	change := &guard.Anomaly{Repo: rec.Repo, PullRequest: rec.PullRequest, Author: rec.Author, AuthorEmail: rec.AuthorEmail}
	for i := range ss {
		s := &ss[i]
		if !s.Covers(rec.Repo, f.Detector, rec.Author, f.Path, globMatch) || (rec.PullRequest > 0 && !s.Reviewed()) {
			continue
		}
		ok := true
		for _, who := range []string{s.CreatedBy, s.ApprovedBy} {
			if who == "" || !ok {
				continue
			}
			took, err := tp.tookPart(who, change, rec.Participants...)
			if err != nil {
				return nil, err
			}
			ok = !took
		}
		if ok {
			return s, nil
		}
	}
	return nil, nil
}

// globMatch matches a path against a doublestar glob.
func globMatch(pattern, name string) bool {
	ok, err := doublestar.Match(pattern, name)
	return ok && err == nil
}

// suppressionSubject is the audit subject of suppression id.
func suppressionSubject(id int64) string { return "suppression/" + strconv.FormatInt(id, 10) }

package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/repoguard/repoguard/guard"
)

const suppressionCols = `id, detector, author, path_glob, repo, reason, created_by, created, expires`

// AddSuppression stores a suppression and returns its id, auditing it
// ("suppression.created", subject "suppression/<id>"). It needs a
// detector, exactly one of an author (identity key) or a path glob
// (doublestar syntax: "testdata/**"), a reason, a creator and an expiry
// in the future; otherwise it fails with guard.ErrInvalid. Suppressing
// findings about oneself (Author equal to CreatedBy, case aside) fails
// with guard.ErrForbidden. Suppressions apply to anomalies as they are
// created; those already in the queue stay.
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
	case s.Author != "" && strings.EqualFold(s.Author, s.CreatedBy):
		return 0, fmt.Errorf("%w: %s may not suppress findings about themselves", guard.ErrForbidden, s.CreatedBy)
	}
	var id int64
	err := db.inTx(ctx, "add suppression", func(tx *sql.Tx) error {
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
		var s guard.Suppression
		var created, expires int64
		if err := rows.Scan(&s.ID, &s.Detector, &s.Author, &s.PathGlob, &s.Repo, &s.Reason, &s.CreatedBy,
			&created, &expires); err != nil {
			return nil, err
		}
		s.CreatedAt, s.ExpiresAt = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}

// matchSuppression returns the first suppression matching a finding of
// author in repo, or nil: the same detector, the repository when the
// suppression names one, and the author or a path the glob matches.
func matchSuppression(ss []guard.Suppression, repo, author string, f *guard.Finding) *guard.Suppression {
	for i := range ss {
		s := &ss[i]
		if s.Detector != f.Detector || (s.Repo != "" && !strings.EqualFold(s.Repo, repo)) {
			continue
		}
		if s.Author != "" {
			if author != "" && strings.EqualFold(s.Author, author) {
				return s
			}
			continue
		}
		if f.Path != "" {
			if ok, err := doublestar.Match(s.PathGlob, f.Path); ok && err == nil {
				return s
			}
		}
	}
	return nil
}

// suppressionSubject is the audit subject of suppression id.
func suppressionSubject(id int64) string { return "suppression/" + strconv.FormatInt(id, 10) }

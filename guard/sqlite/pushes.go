package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// pushLookupBatch bounds the placeholders of one PushesOf query.
const pushLookupBatch = 400

// RecordPushes records that each of pushers pushed each of commits to
// branch of repo. Logins are kept lowercased; what is recorded already
// is left as it is.
func (db *DB) RecordPushes(ctx context.Context, repo, branch string, pushers, commits []string) error {
	op := fmt.Sprintf("record pushes to %s %s", repo, branch)
	return db.inTx(ctx, op, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO pushes (repo, commit_sha, branch, pusher, pushed)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (repo, commit_sha, branch, pusher) DO NOTHING`)
		if err != nil {
			return err
		}
		defer st.Close()
		now := db.now().Unix()
		for _, p := range pushers {
			login := strings.ToLower(strings.TrimSpace(p))
			if login == "" {
				continue
			}
			for _, c := range commits {
				if _, err := st.ExecContext(ctx, repo, c, branch, login, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// PushesOf returns every recorded push of the commits of repo, ordered
// by commit, branch and pusher.
func (db *DB) PushesOf(ctx context.Context, repo string, commits []string) ([]guard.Push, error) {
	out, err := pushesOf(ctx, db.db, repo, commits)
	return out, db.wrap("pushes of "+repo, err)
}

// pushesOf reads the pushes of commits through q, in batches.
func pushesOf(ctx context.Context, q rowQuerier, repo string, commits []string) ([]guard.Push, error) {
	var out []guard.Push
	for len(commits) > 0 {
		n := min(len(commits), pushLookupBatch)
		batch, err := pushBatch(ctx, q, repo, commits[:n])
		if err != nil {
			return nil, err
		}
		out = append(out, batch...)
		commits = commits[n:]
	}
	return out, nil
}

func pushBatch(ctx context.Context, q rowQuerier, repo string, commits []string) ([]guard.Push, error) {
	args := []any{repo}
	marks := make([]string, len(commits))
	for i, c := range commits {
		args = append(args, c)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := q.QueryContext(ctx, `SELECT commit_sha, branch, pusher FROM pushes
		WHERE repo = $1 AND commit_sha IN (`+strings.Join(marks, ", ")+`) ORDER BY commit_sha, branch, pusher`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []guard.Push
	for rows.Next() {
		var p guard.Push
		if err := rows.Scan(&p.Commit, &p.Branch, &p.Login); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

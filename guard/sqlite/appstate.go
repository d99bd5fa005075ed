package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// PullStateJSON returns the stored evaluation of a pull request as the
// App wrote it (nil when there is none).
func (db *DB) PullStateJSON(ctx context.Context, repo string, number int) ([]byte, error) {
	var state string
	err := db.db.QueryRowContext(ctx, `SELECT state FROM pull_requests WHERE repo = $1 AND number = $2`,
		repo, number).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, db.wrap(fmt.Sprintf("pull request %s#%d", repo, number), err)
	}
	return []byte(state), nil
}

// SavePullStateJSON stores the evaluation of a pull request with the
// commits it is looked up by: its head and, once merged, its merge commit.
func (db *DB) SavePullStateJSON(ctx context.Context, repo string, number int, headSHA, mergeSHA string, state []byte) error {
	_, err := db.db.ExecContext(ctx, `INSERT INTO pull_requests (repo, number, head_sha, merge_sha, state, updated)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (repo, number) DO UPDATE SET head_sha = excluded.head_sha, merge_sha = excluded.merge_sha,
			state = excluded.state, updated = excluded.updated`,
		repo, number, headSHA, mergeSHA, string(state), db.now().Unix())
	return db.wrap(fmt.Sprintf("save pull request %s#%d", repo, number), err)
}

// PullForCommit returns the pull request whose head or merge commit is sha.
func (db *DB) PullForCommit(ctx context.Context, repo, sha string) (int, bool, error) {
	var n int
	err := db.db.QueryRowContext(ctx, `SELECT number FROM pull_requests
		WHERE repo = $1 AND (head_sha = $2 OR merge_sha = $2) ORDER BY updated DESC LIMIT 1`, repo, sha).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, db.wrap("pull request for "+sha, err)
	}
	return n, true, nil
}

// PullsWithHead returns the numbers of the pull requests of repo whose
// saved head is sha, in increasing order.
func (db *DB) PullsWithHead(ctx context.Context, repo, sha string) ([]int, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT number FROM pull_requests WHERE repo = $1 AND head_sha = $2
		ORDER BY number`, repo, sha)
	if err != nil {
		return nil, db.wrap("pull requests with head "+sha, err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return nil, db.wrap("pull requests with head "+sha, err)
		}
		out = append(out, n)
	}
	return out, db.wrap("pull requests with head "+sha, rows.Err())
}

// RefHead returns the last head seen of a branch or tag ("" when never).
func (db *DB) RefHead(ctx context.Context, repo, ref string) (string, error) {
	var h string
	err := db.db.QueryRowContext(ctx, `SELECT hash FROM ref_heads WHERE repo = $1 AND ref = $2`, repo, ref).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return h, db.wrap(fmt.Sprintf("ref head %s %s", repo, ref), err)
}

// SetRefHead records the head of a branch or tag.
func (db *DB) SetRefHead(ctx context.Context, repo, ref, sha string) error {
	_, err := db.db.ExecContext(ctx, `INSERT INTO ref_heads (repo, ref, hash, updated) VALUES ($1, $2, $3, $4)
		ON CONFLICT (repo, ref) DO UPDATE SET hash = excluded.hash, updated = excluded.updated`,
		repo, ref, sha, db.now().Unix())
	return db.wrap(fmt.Sprintf("set ref head %s %s", repo, ref), err)
}

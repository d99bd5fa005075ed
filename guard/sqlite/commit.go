package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// Advance records cur as the cursor of its ref, to be written by the next
// Commit with what was learned up to it. Learning several refs at once,
// each walk advances its own: a Commit made by one writes how far all
// got, as it writes all they learned.
func (l *Learner) Advance(cur guard.Cursor) {
	l.cursors[[2]string{cur.Repo, cur.Ref}] = cur
}

// Commit writes everything learned and linked since the last Commit, and
// the cursors advanced and given (a given one replaces an advanced one of
// its ref), in one transaction. Each cursor's count of learned commits
// grows by the commits of its Repo learned since the last Commit (have at
// most one cursor per repo). After a failed Commit the Learner keeps its
// state and Commit can be retried.
func (l *Learner) Commit(ctx context.Context, cursors ...guard.Cursor) error {
	for _, c := range cursors {
		l.Advance(c)
	}
	tx, err := l.db.begin(ctx)
	if err != nil {
		return l.db.wrap("commit learning", err)
	}
	defer tx.Rollback()
	if err := l.write(ctx, tx); err != nil {
		return l.db.wrap("commit learning", err)
	}
	if err := tx.Commit(); err != nil {
		return l.db.wrap("commit learning", err)
	}
	l.clean()
	return nil
}

// write issues the statements of a Commit. Deletions of merged
// identities come first, so a key written again in the same batch
// survives.
func (l *Learner) write(ctx context.Context, tx *sql.Tx) error {
	for key := range l.merged {
		for _, q := range [...]string{
			`DELETE FROM profiles WHERE key = $1`,
			`DELETE FROM identity_emails WHERE identity_key = $1`,
			`DELETE FROM identity_names WHERE identity_key = $1`,
			`DELETE FROM identities WHERE key = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, key); err != nil {
				return fmt.Errorf("merge identity %s: %w", key, err)
			}
		}
	}
	if err := l.writeIdents(ctx, tx); err != nil {
		return err
	}
	if err := l.writeProfiles(ctx, tx); err != nil {
		return err
	}
	if err := l.writeCalibration(ctx, tx); err != nil {
		return err
	}
	now := l.db.now().Unix()
	for _, c := range l.cursors {
		if _, err := tx.ExecContext(ctx, `INSERT INTO cursors (repo, ref, hash, target, done, commits, updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (repo, ref) DO UPDATE SET hash = excluded.hash, target = excluded.target,
				done = excluded.done, commits = cursors.commits + excluded.commits, updated = excluded.updated`,
			c.Repo, c.Ref, c.Hash, c.Target, c.Done, l.pending[c.Repo], now); err != nil {
			return fmt.Errorf("cursor %s %s: %w", c.Repo, c.Ref, err)
		}
	}
	return nil
}

// Statements upserting the rows a Learner keeps in memory. The Learner
// holds the whole row, so an upsert sets absolute values.
const (
	upsertIdentity = `INSERT INTO identities (key, login, created) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET login = excluded.login, created = excluded.created`
	upsertEmail = `INSERT INTO identity_emails (identity_key, email, commits, first_seen, last_seen)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (identity_key, email) DO UPDATE SET commits = excluded.commits,
			first_seen = excluded.first_seen, last_seen = excluded.last_seen`
	upsertName = `INSERT INTO identity_names (identity_key, name, commits, first_seen, last_seen)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (identity_key, name) DO UPDATE SET commits = excluded.commits,
			first_seen = excluded.first_seen, last_seen = excluded.last_seen`
	upsertProfile = `INSERT INTO profiles (repo, key, commits, first_seen, last_seen, data)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (repo, key) DO UPDATE SET commits = excluded.commits,
			first_seen = excluded.first_seen, last_seen = excluded.last_seen, data = excluded.data`
)

func (l *Learner) writeIdents(ctx context.Context, tx *sql.Tx) error {
	var stmts [3]*sql.Stmt
	for i, q := range [...]string{upsertIdentity, upsertEmail, upsertName} {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer st.Close()
		stmts[i] = st
	}
	for key, id := range l.idents {
		if id == nil {
			continue
		}
		if id.dirty {
			var login sql.NullString
			if id.login != "" {
				login = sql.NullString{String: id.login, Valid: true}
			}
			if _, err := stmts[0].ExecContext(ctx, key, login, id.created); err != nil {
				return fmt.Errorf("identity %s: %w", key, err)
			}
		}
		for i, m := range [...]map[string]*usage{id.emails, id.names} {
			for name, u := range m {
				if !u.dirty {
					continue
				}
				if _, err := stmts[i+1].ExecContext(ctx, key, name, u.commits, u.first, u.last); err != nil {
					return fmt.Errorf("identity %s: %w", key, err)
				}
			}
		}
	}
	return nil
}

func (l *Learner) writeProfiles(ctx context.Context, tx *sql.Tx) error {
	st, err := tx.PrepareContext(ctx, upsertProfile)
	if err != nil {
		return err
	}
	defer st.Close()
	for id, cp := range l.profiles {
		if !cp.dirty {
			continue
		}
		data, err := encodeProfile(cp.p)
		if err != nil {
			return err
		}
		p := cp.p
		if _, err := st.ExecContext(ctx, id.repo, id.key, p.Commits,
			p.FirstSeen.Unix(), p.LastSeen.Unix(), data); err != nil {
			return fmt.Errorf("profile %q %q: %w", id.repo, id.key, err)
		}
	}
	return nil
}

// clean marks everything committed and trims the cache.
func (l *Learner) clean() {
	if len(l.profiles) > l.MaxCached || len(l.idents) > l.MaxCached || len(l.emails) > l.MaxCached {
		l.reset()
		return
	}
	for _, cp := range l.profiles {
		cp.dirty = false
	}
	for _, cr := range l.rateCache {
		cr.dirty = false
	}
	clear(l.judged)
	for _, id := range l.idents {
		if id == nil {
			continue
		}
		id.dirty = false
		for _, m := range [...]map[string]*usage{id.emails, id.names} {
			for _, u := range m {
				u.dirty = false
			}
		}
	}
	l.merged = map[string]string{}
	l.pending = map[string]int{}
	clear(l.cursors)
	l.learned = 0
	l.since = time.Now()
}

// Cursor returns the learning cursor of a ref of a repository: the one
// advanced since the last Commit, else the database's (DB.Cursor).
func (l *Learner) Cursor(ctx context.Context, repo, ref string) (guard.Cursor, error) {
	if c, ok := l.cursors[[2]string{repo, ref}]; ok {
		return c, nil
	}
	return l.db.Cursor(ctx, repo, ref)
}

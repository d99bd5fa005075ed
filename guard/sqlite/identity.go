package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// identState is an identity held by a Learner with its emails and names.
type identState struct {
	key, login string
	created    int64
	// dirty means the identities row must be written.
	dirty  bool
	emails map[string]*usage
	names  map[string]*usage
}

// usage counts the commits under one email or name of an identity.
type usage struct {
	commits     int
	first, last int64 // unix seconds; 0 when only linked, never seen
	dirty       bool
}

// add counts n commits seen between first and last (0 when unknown).
func (u *usage) add(n int, first, last int64) {
	u.commits += n
	if first != 0 && (u.first == 0 || first < u.first) {
		u.first = first
	}
	if last > u.last {
		u.last = last
	}
	u.dirty = true
}

// use returns the usage of name in m, creating it.
func use(m map[string]*usage, name string) *usage {
	u := m[name]
	if u == nil {
		u = &usage{dirty: true}
		m[name] = u
	}
	return u
}

// emailKey is the identity key of an email with no known login. Keys of
// emails always hold an '@' (one is appended when the address has none),
// so they never collide with a login or with guard.OrgKey.
func emailKey(normalized string) string {
	if strings.Contains(normalized, "@") {
		return normalized
	}
	return normalized + "@"
}

// isLoginKey reports whether an identity key is a GitHub login.
func isLoginKey(key string) bool { return !strings.Contains(key, "@") }

// normalizeLogin lowercases a login: GitHub logins are case-insensitive.
func normalizeLogin(login string) string { return strings.ToLower(strings.TrimSpace(login)) }

// ident returns the identity of key, loading it on first use; nil when
// it does not exist.
func (l *Learner) ident(ctx context.Context, key string) (*identState, error) {
	if id, ok := l.idents[key]; ok {
		return id, nil
	}
	id, err := l.db.readIdent(ctx, key)
	if err != nil {
		return nil, err
	}
	l.idents[key] = id
	return id, nil
}

// newIdent creates the identity of key in memory.
func (l *Learner) newIdent(key string) *identState {
	id := &identState{key: key, created: l.db.now().Unix(), dirty: true,
		emails: map[string]*usage{}, names: map[string]*usage{}}
	if isLoginKey(key) {
		id.login = key
	}
	l.idents[key] = id
	return id
}

// readIdent reads an identity with its emails and names; nil when absent.
func (db *DB) readIdent(ctx context.Context, key string) (*identState, error) {
	var login sql.NullString
	id := &identState{key: key, emails: map[string]*usage{}, names: map[string]*usage{}}
	err := db.db.QueryRowContext(ctx,
		`SELECT login, created FROM identities WHERE key = $1`, key).Scan(&login, &id.created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, db.wrap("load identity "+key, err)
	}
	id.login = login.String
	for _, t := range []struct {
		query string
		into  map[string]*usage
	}{
		{`SELECT email, commits, first_seen, last_seen FROM identity_emails WHERE identity_key = $1`, id.emails},
		{`SELECT name, commits, first_seen, last_seen FROM identity_names WHERE identity_key = $1`, id.names},
	} {
		if err := db.readUsage(ctx, t.query, key, t.into); err != nil {
			return nil, db.wrap("load identity "+key, err)
		}
	}
	return id, nil
}

func (db *DB) readUsage(ctx context.Context, query, key string, into map[string]*usage) error {
	rows, err := db.db.QueryContext(ctx, query, key)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		u := &usage{}
		if err := rows.Scan(&name, &u.commits, &u.first, &u.last); err != nil {
			return err
		}
		into[name] = u
	}
	return rows.Err()
}

// emailIndex returns the identity keys that used a normalized email with
// their commit counts, loading them on first use. The map is live: the
// Learner updates it as it learns and merges.
func (l *Learner) emailIndex(ctx context.Context, email string) (map[string]int, error) {
	if idx, ok := l.emails[email]; ok {
		return idx, nil
	}
	rows, err := l.db.db.QueryContext(ctx,
		`SELECT identity_key, commits FROM identity_emails WHERE email = $1`, email)
	if err != nil {
		return nil, l.db.wrap("load email "+email, err)
	}
	defer rows.Close()
	idx := map[string]int{}
	for rows.Next() {
		var key string
		var n int
		if err := rows.Scan(&key, &n); err != nil {
			return nil, l.db.wrap("load email "+email, err)
		}
		if to, ok := l.merged[key]; ok {
			key = to // merged in memory, not yet committed
		}
		idx[key] += n
	}
	if err := rows.Err(); err != nil {
		return nil, l.db.wrap("load email "+email, err)
	}
	l.emails[email] = idx
	return idx, nil
}

// identity returns the guard view of the identity of key, nil when none.
func (l *Learner) identity(ctx context.Context, key string) (*guard.Identity, error) {
	id, err := l.ident(ctx, key)
	if err != nil || id == nil {
		return nil, err
	}
	return &guard.Identity{Key: id.key, Login: id.login, Emails: byUse(id.emails), Names: byUse(id.names)}, nil
}

// byUse returns the names of m, most used first, then alphabetically.
func byUse(m map[string]*usage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := m[out[i]], m[out[j]]
		if a.commits != b.commits {
			return a.commits > b.commits
		}
		return out[i] < out[j]
	})
	return out
}

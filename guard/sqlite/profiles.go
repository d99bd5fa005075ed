package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/repoguard/repoguard/guard"
)

// profileID names a profile row: repo "" is organization-wide.
type profileID struct{ repo, key string }

// cachedProfile is a profile held by a Learner. dirty means it changed
// since it was loaded or last committed.
type cachedProfile struct {
	p     *guard.Profile
	dirty bool
}

// profile returns the cached profile of (repo, key), loading it from the
// database on first use; an absent profile is an empty one.
func (l *Learner) profile(ctx context.Context, repo, key string) (*cachedProfile, error) {
	id := profileID{repo, key}
	if cp := l.profiles[id]; cp != nil {
		return cp, nil
	}
	p := guard.NewProfile(key, repo)
	if _, gone := l.merged[key]; !gone { // a merged key's rows are stale
		var err error
		if p, err = l.db.readProfile(ctx, repo, key); err != nil {
			return nil, err
		}
	}
	cp := &cachedProfile{p: p}
	l.profiles[id] = cp
	return cp, nil
}

// readProfile reads one profile row; an absent row is an empty profile.
func (db *DB) readProfile(ctx context.Context, repo, key string) (*guard.Profile, error) {
	var data string
	err := db.db.QueryRowContext(ctx,
		`SELECT data FROM profiles WHERE repo = $1 AND key = $2`, repo, key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return guard.NewProfile(key, repo), nil
	}
	if err != nil {
		return nil, db.wrap(fmt.Sprintf("load profile %q %q", repo, key), err)
	}
	return decodeProfile(repo, key, data)
}

// profileRepos returns the repos (with "" for organization-wide) that
// have a stored profile of key.
func (db *DB) profileRepos(ctx context.Context, key string) ([]string, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT repo FROM profiles WHERE key = $1 ORDER BY repo`, key)
	if err != nil {
		return nil, db.wrap("list profiles", err)
	}
	defer rows.Close()
	var repos []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, db.wrap("list profiles", err)
		}
		repos = append(repos, r)
	}
	return repos, db.wrap("list profiles", rows.Err())
}

// encodeProfile returns the JSON stored in profiles.data.
func encodeProfile(p *guard.Profile) (string, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("encode profile %q %q: %w", p.Repo, p.Key, err)
	}
	return string(b), nil
}

// decodeProfile parses profiles.data; the row's repo and key win over
// the ones in the JSON.
func decodeProfile(repo, key, data string) (*guard.Profile, error) {
	p := guard.NewProfile(key, repo)
	if err := json.Unmarshal([]byte(data), p); err != nil {
		return nil, fmt.Errorf("decode profile %q %q: %w", repo, key, err)
	}
	p.Repo, p.Key = repo, key
	fillMaps(p)
	return p, nil
}

// fillMaps replaces the maps a JSON null left nil, so that learning into
// the profile cannot write to a nil map.
func fillMaps(p *guard.Profile) {
	for _, m := range []*map[int]int{&p.AuthorZones, &p.CommitterZones} {
		if *m == nil {
			*m = map[int]int{}
		}
	}
	for _, m := range []*map[string]int{&p.Dirs, &p.Categories, &p.Extensions, &p.Emails, &p.Names, &p.Committers} {
		if *m == nil {
			*m = map[string]int{}
		}
	}
}

package sqlite

import (
	"context"

	"github.com/repoguard/repoguard/guard"
)

// The reads below go through a fresh Learner, so that the database and a
// Learner answer from one code path.

// LoadProfile returns the profile of key in repo ("" for the organization
// as a whole); an empty profile, not an error, when none was learned.
func (db *DB) LoadProfile(ctx context.Context, repo, key string) (*guard.Profile, error) {
	return db.readProfile(ctx, repo, key)
}

// Baseline returns what detectors compare a commit of the identity key
// under email in repo with: the profile of key in repo and across the
// organization, the organization's profile of everyone, the identity,
// and the other identities that used the email.
func (db *DB) Baseline(ctx context.Context, repo, key, email string) (*guard.Baseline, error) {
	return NewLearner(db).Baseline(ctx, repo, key, email)
}

// Identity returns the identity of key, or nil when there is none.
func (db *DB) Identity(ctx context.Context, key string) (*guard.Identity, error) {
	return NewLearner(db).Identity(ctx, key)
}

// EmailKeys returns the keys of every identity that has used email, sorted.
func (db *DB) EmailKeys(ctx context.Context, email string) ([]string, error) {
	return NewLearner(db).EmailKeys(ctx, email)
}

// LinkLogin records that email belongs to login and merges what was
// learned under the email alone into the login's identity and profiles,
// in one transaction. See Learner.LinkLogin.
func (db *DB) LinkLogin(ctx context.Context, login, email string) error {
	l := NewLearner(db)
	if err := l.LinkLogin(ctx, login, email); err != nil {
		return err
	}
	return l.Commit(ctx)
}

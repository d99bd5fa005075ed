package sqlite

import (
	"context"
	"fmt"

	"github.com/repoguard/repoguard/guard"
)

// ResolveIdentity returns the identity key of a commit author: the login
// when it is known (from GitHub, or encoded in a noreply email), else the
// login that has used the email most, else the normalized email.
//
// A known login links the email to it: history learned under the email
// alone is merged into the login's identity and profiles (see LinkLogin).
// Resolving never creates an identity; learning does.
func (l *Learner) ResolveIdentity(ctx context.Context, login, email string) (string, error) {
	e := guard.NormalizeEmail(email)
	login = normalizeLogin(login)
	if login == "" {
		login = guard.NoreplyLogin(e)
	}
	if login != "" {
		if err := l.link(ctx, login, e, false); err != nil {
			return "", err
		}
		return login, nil
	}
	idx, err := l.emailIndex(ctx, e)
	if err != nil {
		return "", err
	}
	best := ""
	for k, n := range idx {
		if isLoginKey(k) && (best == "" || n > idx[best] || n == idx[best] && k < best) {
			best = k
		}
	}
	if best != "" {
		return best, nil
	}
	return emailKey(e), nil
}

// LinkLogin records that email belongs to the GitHub user login, as the
// App learns when GitHub attributes a commit. Later commits under the
// email without a login resolve to the login, and what was learned under
// the email alone (its identity, emails, names and every profile) is
// merged into the login's. The change is written by the next Commit.
func (l *Learner) LinkLogin(ctx context.Context, login, email string) error {
	login = normalizeLogin(login)
	if login == "" || !isLoginKey(login) {
		return fmt.Errorf("link login: invalid login %q", login)
	}
	return l.link(ctx, login, guard.NormalizeEmail(email), true)
}

// link merges the email-keyed identity of e into the identity of login.
// With record, e is added to the login's emails even when nothing was
// learned under it.
func (l *Learner) link(ctx context.Context, login, e string, record bool) error {
	ek := emailKey(e)
	src, err := l.ident(ctx, ek)
	if err != nil || (src == nil && !record) {
		return err
	}
	dst, err := l.ident(ctx, login)
	if err != nil {
		return err
	}
	if dst == nil {
		dst = l.newIdent(login)
	}
	if record {
		idx, err := l.emailIndex(ctx, e)
		if err != nil {
			return err
		}
		if _, ok := dst.emails[e]; !ok {
			use(dst.emails, e)
		}
		if _, ok := idx[login]; !ok {
			idx[login] = 0
		}
	}
	if src == nil {
		return nil
	}
	return l.merge(ctx, src, dst)
}

// merge moves the identity src (keyed by an email) into dst: its usage
// counts, its place in the email index and all its profiles.
func (l *Learner) merge(ctx context.Context, src, dst *identState) error {
	if src.created < dst.created {
		dst.created, dst.dirty = src.created, true
	}
	for e, u := range src.emails {
		use(dst.emails, e).add(u.commits, u.first, u.last)
		idx, err := l.emailIndex(ctx, e)
		if err != nil {
			return err
		}
		idx[dst.key] += idx[src.key]
		delete(idx, src.key)
	}
	for n, u := range src.names {
		use(dst.names, n).add(u.commits, u.first, u.last)
	}
	stored, err := l.db.profileRepos(ctx, src.key)
	if err != nil {
		return err
	}
	repos := map[string]bool{}
	for _, r := range stored {
		repos[r] = true
	}
	for id := range l.profiles {
		if id.key == src.key {
			repos[id.repo] = true
		}
	}
	for repo := range repos {
		from, err := l.profile(ctx, repo, src.key)
		if err != nil {
			return err
		}
		to, err := l.profile(ctx, repo, dst.key)
		if err != nil {
			return err
		}
		if from.p.Commits > 0 {
			to.p.Merge(from.p)
			to.dirty = true
		}
		delete(l.profiles, profileID{repo, src.key})
	}
	l.idents[src.key] = nil
	l.merged[src.key] = dst.key
	return nil
}

package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/github"
)

// githubEmail is the committer email of commits GitHub makes itself
// (merges and edits in its web UI): it is nobody's.
const githubEmail = "noreply@github.com"

// coAuthored is an email a commit's Co-authored-by trailer names.
type coAuthored struct {
	commit, email string
}

// coAuthorsOf returns the emails c's Co-authored-by trailers name, and
// the canonical ones the mailmap gives them.
func coAuthorsOf(mm *guard.Mailmap, c *guard.Commit) []coAuthored {
	var out []coAuthored
	for _, p := range guard.CoAuthors(c.Message) {
		out = append(out, coAuthored{commit: c.Hash, email: p.Email})
		if mm == nil {
			continue
		}
		if _, e := mm.Map(p.Name, p.Email); guard.NormalizeEmail(e) != p.Email {
			out = append(out, coAuthored{commit: c.Hash, email: guard.NormalizeEmail(e)})
		}
	}
	return out
}

// participants returns who took part in a pull request's commits as
// logins: the authors and committers (GitHub's attribution, noreply
// addresses, and every login known to use their emails), and the
// co-authors its trailers name, each email matched to every login known
// to use it.
func (a *App) participants(ctx context.Context, repo string, commits []github.PRCommit, an *analysis) ([]string, []guard.CoAuthor, error) {
	attributed := map[string][]string{}
	for _, c := range commits {
		for _, p := range [][2]string{{c.AuthorEmail, c.AuthorLogin}, {c.CommitterEmail, c.CommitterLogin}} {
			if e := guard.NormalizeEmail(p[0]); e != "" && p[1] != "" {
				attributed[e] = appendNew(attributed[e], strings.ToLower(p[1]))
			}
		}
	}
	contributors := contributors(commits, an.emails)
	for _, e := range an.emails {
		logins, err := a.loginsOf(ctx, repo, e, attributed)
		if err != nil {
			return nil, nil, err
		}
		contributors = appendNew(contributors, logins...)
	}
	var coAuthors []guard.CoAuthor
	for _, ca := range an.coAuthors {
		logins, err := a.loginsOf(ctx, repo, ca.email, attributed)
		if err != nil {
			return nil, nil, err
		}
		for _, l := range logins {
			coAuthors = append(coAuthors, guard.CoAuthor{Login: l, Email: ca.email, Commit: ca.commit})
		}
	}
	return contributors, coAuthors, nil
}

// loginsOf returns the lowercased logins known to use email: the one a
// noreply address names, those GitHub attributed commits of the pull
// request under it, and those the identity store has seen with it.
func (a *App) loginsOf(ctx context.Context, repo, email string, attributed map[string][]string) ([]string, error) {
	e := guard.NormalizeEmail(email)
	if e == "" || e == githubEmail {
		return nil, nil
	}
	var out []string
	if l := guard.NoreplyLogin(e); l != "" {
		out = append(out, l)
	}
	out = appendNew(out, attributed[e]...)
	known, err := a.profiles.logins(ctx, repo, e)
	if err != nil {
		return nil, fmt.Errorf("logins of %s: %w", e, err)
	}
	return appendNew(out, known...), nil
}

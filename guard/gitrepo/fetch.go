package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Auth authenticates a fetch over HTTP(S) with a user name and a password;
// for GitHub, "x-access-token" and an installation token. Formatted with
// any verb, it shows the user name only.
type Auth struct{ user, password string }

// BasicAuth returns the Auth of a user name and a password.
func BasicAuth(user, password string) *Auth { return &Auth{user: user, password: password} }

// String names the user and hides the password.
func (a Auth) String() string { return "gitrepo.Auth{" + a.user + ", password hidden}" }

// GoString is String, so that %#v hides the password too.
func (a Auth) GoString() string { return a.String() }

// method is a as go-git takes it; nil for none.
func (a *Auth) method() transport.AuthMethod {
	if a == nil {
		return nil
	}
	return &http.BasicAuth{Username: a.user, Password: a.password}
}

// Fetch brings refs of the remote repository at rawURL into the bare
// clone at dir and reports whether anything changed. refs are full names
// ("refs/heads/main", "refs/pull/7/head"), each fetched with force to the
// same name (a branch rewritten there is rewritten here), with no other
// tags; "HEAD" stands for the branch the remote's HEAD names, which is
// fetched and which the local HEAD then names. When dir holds no
// repository, Fetch clones into a temporary directory next to it (named
// .clone-*) and renames it to dir once complete, so that an interrupted
// clone is never used. Credentials in rawURL are used but never written
// to disk or into errors; auth may be nil. An error for a remote that does
// not exist matches ErrRemoteNotFound (see Permanent).
func Fetch(ctx context.Context, dir, rawURL string, refs []string, auth *Auth) (bool, error) {
	changed, err := fetchOrClone(ctx, dir, rawURL, refs, auth.method())
	if err != nil {
		return false, fetchError(err, rawURL, auth)
	}
	return changed, nil
}

func fetchOrClone(ctx context.Context, dir, rawURL string, refs []string, auth transport.AuthMethod) (bool, error) {
	if IsGitDir(dir) {
		repo, err := git.PlainOpen(dir)
		if err != nil {
			return false, fmt.Errorf("open clone: %w", err)
		}
		return fetchInto(ctx, repo, rawURL, refs, auth)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return false, fmt.Errorf("clone: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, tempClonePrefix+"*")
	if err != nil {
		return false, fmt.Errorf("clone: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	repo, err := git.PlainInit(tmp, true)
	if err != nil {
		return false, fmt.Errorf("clone: %w", err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{RedactURL(rawURL)}}); err != nil {
		return false, fmt.Errorf("clone: %w", err)
	}
	if _, err := fetchInto(ctx, repo, rawURL, refs, auth); err != nil {
		return false, fmt.Errorf("clone: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return false, fmt.Errorf("clone: %w", err)
	}
	return true, nil
}

// fetchInto fetches refs into repo with force (branches and tags are
// rewritten as the remote has them) and no tags beyond those asked for.
func fetchInto(ctx context.Context, repo *git.Repository, rawURL string, refs []string, auth transport.AuthMethod) (bool, error) {
	specs := make([]config.RefSpec, 0, len(refs))
	var head plumbing.ReferenceName
	for _, ref := range refs {
		if ref == "HEAD" {
			target, err := remoteHead(ctx, rawURL, auth)
			if err != nil {
				return false, err
			}
			head, ref = target, target.String()
		}
		specs = append(specs, config.RefSpec("+"+ref+":"+ref))
	}
	err := repo.FetchContext(ctx, &git.FetchOptions{RemoteName: "origin", RemoteURL: rawURL,
		RefSpecs: specs, Auth: auth, Tags: git.NoTags, Force: true})
	changed := true
	switch {
	case errors.Is(err, git.NoErrAlreadyUpToDate):
		changed = false
	case err != nil:
		return false, fmt.Errorf("fetch %v: %w", refs, err)
	}
	if head != "" {
		cur, err := repo.Storer.Reference(plumbing.HEAD)
		if err != nil || cur.Target() != head {
			if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, head)); err != nil {
				return false, fmt.Errorf("set HEAD: %w", err)
			}
			changed = true
		}
	}
	return changed, nil
}

// remoteHead asks the remote which branch its HEAD names.
func remoteHead(ctx context.Context, rawURL string, auth transport.AuthMethod) (plumbing.ReferenceName, error) {
	remote := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{rawURL}})
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: auth})
	if err != nil && !errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return "", fmt.Errorf("list remote refs: %w", err)
	}
	for _, r := range refs {
		if r.Name() == plumbing.HEAD && r.Type() == plumbing.SymbolicReference {
			return r.Target(), nil
		}
	}
	return "", errors.New("the remote names no default branch (empty repository?)")
}

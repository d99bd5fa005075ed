package app

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
)

// fetchRefs fetches refs from cloneURL into the bare repository dir,
// creating it when absent (in a temporary directory of cacheDir renamed
// when complete, so that an interrupted clone is never used). "HEAD"
// stands for the remote's default branch, and points the local HEAD at
// it. It reports whether anything changed.
func fetchRefs(ctx context.Context, cacheDir, dir, cloneURL string, refs []string, auth transport.AuthMethod) (bool, error) {
	if isBareRepo(dir) {
		repo, err := git.PlainOpen(dir)
		if err != nil {
			return false, fmt.Errorf("open clone: %w", err)
		}
		return fetchInto(ctx, repo, cloneURL, refs, auth)
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return false, fmt.Errorf("clone: %w", err)
	}
	tmp, err := os.MkdirTemp(cacheDir, ".clone-*")
	if err != nil {
		return false, fmt.Errorf("clone: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	repo, err := git.PlainInit(tmp, true)
	if err != nil {
		return false, fmt.Errorf("clone: %w", err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{redactURL(cloneURL)}}); err != nil {
		return false, fmt.Errorf("clone: %w", err)
	}
	if _, err := fetchInto(ctx, repo, cloneURL, refs, auth); err != nil {
		return false, fmt.Errorf("clone: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return false, fmt.Errorf("clone: %w", err)
	}
	return true, nil
}

// fetchInto fetches refs into repo with force (branches and tags are
// rewritten as the remote has them) and no tags beyond those asked for.
func fetchInto(ctx context.Context, repo *git.Repository, cloneURL string, refs []string, auth transport.AuthMethod) (bool, error) {
	specs := make([]config.RefSpec, 0, len(refs))
	var head plumbing.ReferenceName
	for _, ref := range refs {
		if ref == "HEAD" {
			target, err := remoteHead(ctx, repo, cloneURL, auth)
			if err != nil {
				return false, err
			}
			head, ref = target, target.String()
		}
		specs = append(specs, config.RefSpec("+"+ref+":"+ref))
	}
	err := repo.FetchContext(ctx, &git.FetchOptions{RemoteName: "origin", RemoteURL: cloneURL,
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

// remoteHead asks the remote which branch its HEAD points at.
func remoteHead(ctx context.Context, repo *git.Repository, cloneURL string, auth transport.AuthMethod) (plumbing.ReferenceName, error) {
	remote, err := repo.Remote("origin")
	if err != nil {
		return "", err
	}
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

// isBareRepo reports whether dir holds a bare repository.
func isBareRepo(dir string) bool {
	if fi, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil || fi.IsDir() {
		return false
	}
	fi, err := os.Stat(filepath.Join(dir, "objects"))
	return err == nil && fi.IsDir()
}
